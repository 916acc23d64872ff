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

#include "lactd-error.h"

struct _LactdHistory {
  LactdHistory1Skeleton parent_instance;

  LactdStore *store;                 /* borrowed: it outlives us */
  LactdNightWindow night_window;     /* the goal's, for DailySummary */
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

/* Answers a list of sessions, or the store's error. */
static void
complete_sessions (GDBusMethodInvocation *invocation, GArray *sessions,
                   GError *error)
{
  if (sessions == NULL)
    {
      return_store_error (invocation, error);
      return;
    }
  g_dbus_method_invocation_return_value (invocation,
      g_variant_new ("(@aa{sv})", lactd_sessions_to_variant (sessions)));
  g_array_unref (sessions);
}

static gboolean
handle_list_sessions (LactdHistory1 *iface, GDBusMethodInvocation *invocation,
                      gint64 from, gint64 to, LactdHistory *self)
{
  GError *error = NULL;
  GArray *sessions;
  guint64 count = 0;

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
  sessions = lactd_store_list_sessions (self->store, from, to, &error);
  complete_sessions (invocation, sessions, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_list_sessions_page (LactdHistory1 *iface,
                           GDBusMethodInvocation *invocation, gint64 before,
                           guint count, LactdHistory *self)
{
  GError *error = NULL;
  GArray *sessions;

  if (count < 1 || count > LACTD_PAGE_SESSIONS_MAX)
    {
      g_dbus_method_invocation_return_error (invocation, LACTD_ERROR,
          LACTD_ERROR_INVALID_ARGS, "count: %u is outside 1-%u", count,
          LACTD_PAGE_SESSIONS_MAX);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  sessions = lactd_store_list_sessions_before (self->store,
                                               before == 0 ? G_MAXINT64
                                                           : before,
                                               count, &error);
  complete_sessions (invocation, sessions, error);
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

/* ListSessions and ListSessionsPage keep their handlers as they were
 * written, with the history as their last argument. */
static gboolean
handle_list_sessions_iface (LactdHistory1 *iface,
                            GDBusMethodInvocation *invocation, gint64 from,
                            gint64 to)
{
  return handle_list_sessions (iface, invocation, from, to,
                               LACTD_HISTORY (iface));
}

static gboolean
handle_list_sessions_page_iface (LactdHistory1 *iface,
                                 GDBusMethodInvocation *invocation,
                                 gint64 before, guint count)
{
  return handle_list_sessions_page (iface, invocation, before, count,
                                    LACTD_HISTORY (iface));
}

static void
lactd_history_iface_init (LactdHistory1Iface *iface)
{
  iface->handle_list_sessions = handle_list_sessions_iface;
  iface->handle_list_sessions_page = handle_list_sessions_page_iface;
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
lactd_history_class_init (LactdHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = lactd_history_set_property;
  object_class->get_property = lactd_history_get_property;

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
}
