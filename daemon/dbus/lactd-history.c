/* lactd-history.c — org.lactd.History1: every argument validated before
 * the store is touched, every failure a named org.lactd.Error.
 *
 * LactdHistory is the History1 skeleton, its handlers filled in
 * iface_init.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "lactd-history.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "lactd-error.h"

/* A reply of at least this many sessions is a few MB of tree nodes and a
 * serialised copy; once GDBus's worker has written and freed it, the
 * heap's free pages are handed back to the system (bench/README.md:
 * 19 MB peak back to 8.6 MB with G_SLICE=always-malloc). As many
 * SessionAdded signals (a backlog synced) leave the same kind of freed
 * heap behind: 50,000 of them kept 25-146 MB at rest, 13 MB after a trim. */
#define TRIM_AFTER_SESSIONS 1000
#define TRIM_DELAY_SECONDS 2

struct _LactdHistory {
  LactdHistory1Skeleton parent_instance;

  LactdStore *store;                 /* borrowed: it outlives us */
  LactdNightWindow night_window;     /* the goal's, for DailySummary */
  guint trim_id;                     /* heap trim after a big reply or backlog */
  guint announced;                   /* SessionAdded since the last trim */
  guint announced_when_armed;
};

static void lactd_history_iface_init (LactdHistory1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LactdHistory, lactd_history,
                               LACTD_TYPE_HISTORY1_SKELETON,
                               G_IMPLEMENT_INTERFACE (LACTD_TYPE_HISTORY1,
                                   lactd_history_iface_init))

enum { PROP_0, PROP_STORE, PROP_NIGHT_WINDOW, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_SESSIONS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Answers the invocation with the store's error mapped to org.lactd.Error. */
static void
return_store_error (GDBusMethodInvocation *invocation, GError *error)
{
  lactd_error_from_store (&error);
  g_dbus_method_invocation_return_gerror (invocation, error);
  g_error_free (error);
}

static gboolean
trim_heap (gpointer user_data)
{
  LactdHistory *self = user_data;

  /* Still announcing a backlog: trim once it has all gone out. */
  if (self->announced != self->announced_when_armed)
    {
      self->announced_when_armed = self->announced;
      return G_SOURCE_CONTINUE;
    }
  self->trim_id = 0;
  self->announced = 0;
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

/* One trim a little after the last big reply or the last of many
 * SessionAdded signals (never at rest). */
static void
trim_soon (LactdHistory *self)
{
  g_clear_handle_id (&self->trim_id, g_source_remove);
  self->announced_when_armed = self->announced;
  self->trim_id = g_timeout_add_seconds (TRIM_DELAY_SECONDS, trim_heap, self);
}

static void
add_to_reply (const LactdSession *session, gpointer builder)
{
  lactd_sessions_builder_add (builder, session);
}

/* Answers with the sessions the store handed to builder, or with the
 * store's error. Each row goes straight into the reply's dictionaries:
 * no array of sessions is held beside it. */
static void
complete_sessions (GDBusMethodInvocation *invocation,
                   LactdSessionsBuilder *builder, gboolean read,
                   GError *error)
{
  if (!read)
    {
      lactd_sessions_builder_free (builder);
      return_store_error (invocation, error);
      return;
    }
  g_dbus_method_invocation_return_value (invocation,
      g_variant_new ("(@aa{sv})", lactd_sessions_builder_end (builder)));
}

static gboolean
handle_list_sessions (LactdHistory1 *iface, GDBusMethodInvocation *invocation,
                      gint64 from, gint64 to)
{
  LactdHistory *self = LACTD_HISTORY (iface);
  GError *error = NULL;
  LactdSessionsBuilder *builder;
  guint64 count = 0;
  gboolean read;

  if (to == 0)
    to = now_seconds () + 1;   /* "now" includes a session started now */
  if (from > to)
    {
      g_dbus_method_invocation_return_error (invocation, LACTD_ERROR,
          LACTD_ERROR_INVALID_ARGS,
          "from (%" G_GINT64_FORMAT ") is after to (%" G_GINT64_FORMAT ")",
          from, to);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  /* Counted first on the index: a range too large for one reply is
   * refused before a single session is read. */
  if (!lactd_store_count_sessions (self->store, from, to, &count, &error))
    {
      return_store_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (count > LACTD_LIST_SESSIONS_MAX)
    {
      g_dbus_method_invocation_return_error (invocation, LACTD_ERROR,
          LACTD_ERROR_INVALID_ARGS,
          "%" G_GUINT64_FORMAT " sessions in range, at most %u: narrow it "
          "or use ListSessionsPage", count, LACTD_LIST_SESSIONS_MAX);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  builder = lactd_sessions_builder_new ((guint) count);
  read = lactd_store_foreach_session (self->store, from, to, add_to_reply,
                                      builder, &error);
  complete_sessions (invocation, builder, read, error);
  if (read && count >= TRIM_AFTER_SESSIONS)
    trim_soon (self);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_list_sessions_page (LactdHistory1 *iface,
                           GDBusMethodInvocation *invocation, gint64 before,
                           guint count)
{
  LactdHistory *self = LACTD_HISTORY (iface);
  GError *error = NULL;
  LactdSessionsBuilder *builder;
  gboolean read;

  if (count < 1 || count > LACTD_PAGE_SESSIONS_MAX)
    {
      g_dbus_method_invocation_return_error (invocation, LACTD_ERROR,
          LACTD_ERROR_INVALID_ARGS, "count: %u is outside 1-%u", count,
          LACTD_PAGE_SESSIONS_MAX);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  builder = lactd_sessions_builder_new (count);
  read = lactd_store_foreach_session_before (self->store,
                                             before == 0 ? G_MAXINT64
                                                         : before,
                                             count, add_to_reply, builder,
                                             &error);
  complete_sessions (invocation, builder, read, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_daily_summary (LactdHistory1 *iface, GDBusMethodInvocation *invocation,
                      const char *first_day, const char *last_day)
{
  LactdHistory *self = LACTD_HISTORY (iface);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) days = NULL;
  guint32 first, last;
  LactdNightWindow night;

  if (!lactd_parse_day_range (first_day, last_day, &first, &last, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  night = self->night_window;
  days = lactd_store_daily_summary (self->store, first, last, &night, &error);
  if (days == NULL)
    {
      return_store_error (invocation, g_steal_pointer (&error));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  lactd_history1_complete_daily_summary (iface, invocation,
                                         lactd_day_summaries_to_variant (days));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_add_session (LactdHistory1 *iface, GDBusMethodInvocation *invocation,
                    GVariant *dict)
{
  LactdHistory *self = LACTD_HISTORY (iface);
  g_autoptr(GError) error = NULL;
  LactdSession session;
  gint64 now = now_seconds ();

  if (!lactd_session_from_variant (dict, now, &session, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (!lactd_store_add_manual (self->store, &session, now, &error))
    {
      return_store_error (invocation, g_steal_pointer (&error));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_message ("Manual %s session %" G_GUINT64_FORMAT " stored",
             lactd_session_kind_to_string (session.kind), session.id);
  lactd_history1_complete_add_session (iface, invocation, session.id);
  lactd_history_announce (self, &session);
  g_signal_emit (self, signals[SIGNAL_SESSIONS_CHANGED], 0);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_delete_session (LactdHistory1 *iface,
                       GDBusMethodInvocation *invocation, guint64 id)
{
  LactdHistory *self = LACTD_HISTORY (iface);
  g_autoptr(GError) error = NULL;

  if (!lactd_store_delete_session (self->store, id, &error))
    {
      return_store_error (invocation, g_steal_pointer (&error));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  g_message ("Session %" G_GUINT64_FORMAT " deleted", id);
  lactd_history1_complete_delete_session (iface, invocation);
  g_signal_emit (self, signals[SIGNAL_SESSIONS_CHANGED], 0);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
lactd_history_iface_init (LactdHistory1Iface *iface)
{
  iface->handle_list_sessions = handle_list_sessions;
  iface->handle_list_sessions_page = handle_list_sessions_page;
  iface->handle_daily_summary = handle_daily_summary;
  iface->handle_add_session = handle_add_session;
  iface->handle_delete_session = handle_delete_session;
}

/* ----------------------------------------------------------- GObject */

static void
lactd_history_set_property (GObject *object, guint prop_id,
                            const GValue *value, GParamSpec *pspec)
{
  LactdHistory *self = LACTD_HISTORY (object);
  const LactdNightWindow *night;

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_get_pointer (value);
      break;
    case PROP_NIGHT_WINDOW:
      night = g_value_get_boxed (value);
      if (night != NULL)
        self->night_window = *night;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_history_get_property (GObject *object, guint prop_id, GValue *value,
                            GParamSpec *pspec)
{
  LactdHistory *self = LACTD_HISTORY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_pointer (value, self->store);
      break;
    case PROP_NIGHT_WINDOW:
      g_value_set_boxed (value, &self->night_window);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_history_dispose (GObject *object)
{
  LactdHistory *self = LACTD_HISTORY (object);

  g_clear_handle_id (&self->trim_id, g_source_remove);
  G_OBJECT_CLASS (lactd_history_parent_class)->dispose (object);
}

static void
lactd_history_class_init (LactdHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = lactd_history_set_property;
  object_class->get_property = lactd_history_get_property;
  object_class->dispose = lactd_history_dispose;

  props[PROP_STORE] =
    g_param_spec_pointer ("store", "Store", "The LactdStore (borrowed)",
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);
  props[PROP_NIGHT_WINDOW] =
    g_param_spec_boxed ("night-window", "Night window",
                        "The goal's night window, for DailySummary",
                        LACTD_TYPE_NIGHT_WINDOW,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_SESSIONS_CHANGED] =
    g_signal_new ("sessions-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lactd_history_init (LactdHistory *self)
{
  LactdGoal defaults = lactd_goal_defaults ();

  self->night_window = lactd_goal_night_window (&defaults);
}

LactdHistory *
lactd_history_new (LactdStore *store, const LactdNightWindow *night_window)
{
  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (night_window != NULL, NULL);

  return g_object_new (LACTD_TYPE_HISTORY, "store", store, "night-window",
                       night_window, NULL);
}

void
lactd_history_set_night_window (LactdHistory *self,
                                const LactdNightWindow *night_window)
{
  g_return_if_fail (LACTD_IS_HISTORY (self));
  g_object_set (self, "night-window", night_window, NULL);
}

void
lactd_history_announce (LactdHistory *self, const LactdSession *session)
{
  lactd_history1_emit_session_added (LACTD_HISTORY1 (self),
                                     lactd_session_to_variant (session));
  self->announced++;
  if (self->announced >= TRIM_AFTER_SESSIONS && self->trim_id == 0)
    trim_soon (self);
}
