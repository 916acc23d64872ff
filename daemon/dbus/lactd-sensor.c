/* lactd-sensor.c — Sensor1 on the bus, bound to the sensor's sync engine,
 * and the live-session tracker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "lactd-sensor.h"

#include "lactd-dbus-values.h"
#include "lactd-error.h"
#include "lactd-sync.h"
#include "lactd-text.h"

struct _LactdSensor {
  LactdSensor1Skeleton parent_instance;

  LactdStore *store;               /* borrowed: it outlives us */
  LactdLink *link;
  LactdSync *sync;
  char *object_path;
  GCancellable *cancellable;       /* Sync() calls; cancelled in dispose */

  /* The live session being shown, if any. */
  gboolean live_active;
  guint32 live_seq;
};

static void lactd_sensor_iface_init (LactdSensor1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LactdSensor, lactd_sensor,
                               LACTD_TYPE_SENSOR1_SKELETON,
                               G_IMPLEMENT_INTERFACE (LACTD_TYPE_SENSOR1,
                                   lactd_sensor_iface_init))

enum { PROP_0, PROP_STORE, PROP_LINK, N_PROPS };
static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_SESSION_STORED,
  SIGNAL_LIVE_ACTIVE_CHANGED,
  SIGNAL_BATTERY_CHANGED,
  SIGNAL_SESSION_STARTED,
  SIGNAL_PROGRESS,
  SIGNAL_SESSION_ENDED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static GVariant *
empty_dict (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

/* ----------------------------------------------------- live sessions */

static void
end_live_session (LactdSensor *self, guint32 seq)
{
  self->live_active = FALSE;
  g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0, seq);
  lactd_sensor1_set_live (LACTD_SENSOR1 (self), empty_dict ());
  g_signal_emit (self, signals[SIGNAL_LIVE_ACTIVE_CHANGED], 0, FALSE);
}

static void
start_live_session (LactdSensor *self, guint32 seq)
{
  if (self->live_active && seq == self->live_seq)
    return;
  /* A new sequence number while one is shown: the previous one ended
   * without its closing packet (e.g. it was missed while out of range). */
  if (self->live_active)
    {
      self->live_active = FALSE;
      g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0, self->live_seq);
    }
  self->live_active = TRUE;
  self->live_seq = seq;
  g_signal_emit (self, signals[SIGNAL_SESSION_STARTED], 0, seq);
  g_signal_emit (self, signals[SIGNAL_LIVE_ACTIVE_CHANGED], 0, TRUE);
}

static void
on_live (LactdSync *sync, const LactdLive *live, LactdSensor *self)
{
  g_autoptr(GVariant) dict = g_variant_ref_sink (lactd_live_to_variant (live));

  if (live->active)
    {
      start_live_session (self, live->seq);
      lactd_sensor1_set_live (LACTD_SENSOR1 (self), dict);
    }
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, dict);
  if (!live->active && self->live_active)
    end_live_session (self, live->seq);
}

/* --------------------------------------------- following the engine */

static void
on_session_stored (LactdSync *sync, const LactdSession *session,
                   LactdSensor *self)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_STORED], 0, session);
}

static void
update_last_error (LactdSensor *self)
{
  const char *link_error = lactd_link_get_last_error (self->link);
  const char *sync_error = lactd_sync_get_last_error (self->sync);

  /* A transport problem (a lost bond) says more than the sync failure it
   * causes, so it wins while it lasts. */
  lactd_sensor1_set_last_error (LACTD_SENSOR1 (self),
                                *link_error != '\0' ? link_error
                                : sync_error != NULL ? sync_error : "");
}

static void
on_sync_state (LactdSync *sync, GParamSpec *pspec, LactdSensor *self)
{
  lactd_sensor1_set_sync_state (LACTD_SENSOR1 (self),
                                lactd_sync_get_state (sync));
  update_last_error (self);
}

static void
on_last_error (GObject *source, GParamSpec *pspec, LactdSensor *self)
{
  update_last_error (self);
}

static void
on_battery (LactdSync *sync, GParamSpec *pspec, LactdSensor *self)
{
  guint battery = lactd_sync_get_battery (sync);

  lactd_sensor1_set_battery (LACTD_SENSOR1 (self), (guchar) battery);
  g_signal_emit (self, signals[SIGNAL_BATTERY_CHANGED], 0, battery);
}

static void
on_connected (LactdLink *link, GParamSpec *pspec, LactdSensor *self)
{
  gboolean ready = lactd_link_get_ready (link);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  lactd_sensor1_set_connected (LACTD_SENSOR1 (self), ready);
  /* LastSeen: the last time the sensor was connected, so both edges. */
  lactd_sensor1_set_last_seen (LACTD_SENSOR1 (self), now);
  if (!lactd_store_touch_sensor (self->store, lactd_link_get_address (link),
                                 now, &error))
    g_warning ("Could not record when %s was seen: %s",
               lactd_link_get_address (link), error->message);

  /* Without a link nothing more will arrive for the session shown. */
  if (!ready && self->live_active)
    end_live_session (self, self->live_seq);
}

static void
on_name (LactdLink *link, GParamSpec *pspec, LactdSensor *self)
{
  const char *name = lactd_link_get_name (link);
  g_autoptr(GError) error = NULL;

  if (name == NULL || *name == '\0')
    return;
  lactd_sensor1_set_name (LACTD_SENSOR1 (self), name);
  if (!lactd_store_remember_sensor (self->store, lactd_link_get_address (link),
                                    name, lactd_sync_get_kind (self->sync),
                                    &error))
    g_warning ("Could not store the name of %s: %s",
               lactd_link_get_address (link), error->message);
}

/* ------------------------------------------------------------ Sync() */

/* One Sync() call. self is not owned: it is alive as long as the
 * cancellable (cancelled in dispose) is not cancelled. */
typedef struct {
  LactdSensor *self;
  GCancellable *cancellable;
  GDBusMethodInvocation *invocation;
} SyncCall;

static void
sync_call_free (SyncCall *call)
{
  g_clear_object (&call->cancellable);
  g_free (call);
}

static LactdError
sync_error_code (const GError *error)
{
  if (g_error_matches (error, LACTD_SYNC_ERROR,
                       LACTD_SYNC_ERROR_NOT_CONNECTED))
    return LACTD_ERROR_NOT_CONNECTED;
  if (g_error_matches (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_STORAGE))
    return LACTD_ERROR_STORAGE;
  return LACTD_ERROR_SYNC_FAILED;
}

static void
sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SyncCall *call = user_data;
  g_autoptr(GError) error = NULL;

  if (!lactd_sync_run_finish (LACTD_SYNC (source), result, &error))
    g_dbus_method_invocation_return_error_literal (
        call->invocation, LACTD_ERROR, sync_error_code (error),
        error->message);
  else if (g_cancellable_is_cancelled (call->cancellable))
    g_dbus_method_invocation_return_error_literal (
        call->invocation, LACTD_ERROR, LACTD_ERROR_SYNC_FAILED,
        "lactd is shutting down");
  else
    lactd_sensor1_complete_sync (LACTD_SENSOR1 (call->self),
                                 call->invocation);
  sync_call_free (call);
}

static gboolean
lactd_sensor_handle_sync (LactdSensor1 *iface,
                          GDBusMethodInvocation *invocation)
{
  LactdSensor *self = LACTD_SENSOR (iface);
  SyncCall *call = g_new0 (SyncCall, 1);

  call->self = self;
  call->cancellable = g_object_ref (self->cancellable);
  call->invocation = invocation;
  lactd_sync_run_async (self->sync, self->cancellable, sync_done, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
lactd_sensor_iface_init (LactdSensor1Iface *iface)
{
  iface->handle_sync = lactd_sensor_handle_sync;
}

/* ----------------------------------------------------------- GObject */

static void
load_stored_state (LactdSensor *self)
{
  g_autoptr(LactdSensorRow) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const char *address = lactd_link_get_address (self->link);

  row = lactd_store_get_sensor (self->store, address, &error);
  if (row == NULL)
    {
      g_debug ("No stored state for %s yet: %s", address, error->message);
      return;
    }
  /* A store written by an older lactd may hold a name as BlueZ gave it. */
  name = lactd_text_clean_name (row->name);
  if (*name != '\0')
    lactd_sensor1_set_name (LACTD_SENSOR1 (self), name);
  lactd_sensor1_set_last_seen (LACTD_SENSOR1 (self), row->last_seen);
}

/* Properties that map one to one follow the engine directly. */
static void
bind_sync_properties (LactdSensor *self)
{
  static const char *const same[] = {
    "kind", "model", "firmware", "last-sync", "rejected-records",
    "lost-records",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (same); i++)
    g_object_bind_property (self->sync, same[i], self, same[i],
                            G_BINDING_SYNC_CREATE);
}

static void
follow_sync_and_link (LactdSensor *self)
{
  g_signal_connect_object (self->sync, "notify::state",
                           G_CALLBACK (on_sync_state), self, 0);
  g_signal_connect_object (self->sync, "notify::last-error",
                           G_CALLBACK (on_last_error), self, 0);
  g_signal_connect_object (self->sync, "notify::battery",
                           G_CALLBACK (on_battery), self, 0);
  g_signal_connect_object (self->sync, "live", G_CALLBACK (on_live), self, 0);
  g_signal_connect_object (self->sync, "session-stored",
                           G_CALLBACK (on_session_stored), self, 0);
  g_signal_connect_object (self->link, "notify::ready",
                           G_CALLBACK (on_connected), self, 0);
  g_signal_connect_object (self->link, "notify::name",
                           G_CALLBACK (on_name), self, 0);
  g_signal_connect_object (self->link, "notify::last-error",
                           G_CALLBACK (on_last_error), self, 0);
}

static void
lactd_sensor_constructed (GObject *object)
{
  LactdSensor *self = LACTD_SENSOR (object);
  LactdSensor1 *iface = LACTD_SENSOR1 (self);
  const char *address = lactd_link_get_address (self->link);
  const char *name = lactd_link_get_name (self->link);

  G_OBJECT_CLASS (lactd_sensor_parent_class)->constructed (object);

  self->object_path = lactd_sensor_object_path (address);
  lactd_sensor1_set_address (iface, address);
  lactd_sensor1_set_name (iface, name != NULL ? name : "");
  lactd_sensor1_set_battery (iface, 255);
  lactd_sensor1_set_sync_state (iface, "idle");
  lactd_sensor1_set_live (iface, empty_dict ());
  load_stored_state (self);

  self->sync = lactd_sync_new (self->link, self->store);
  bind_sync_properties (self);
  follow_sync_and_link (self);
  lactd_sensor1_set_connected (iface, lactd_link_get_ready (self->link));
  update_last_error (self);
}

static void
lactd_sensor_set_property (GObject *object, guint prop_id,
                           const GValue *value, GParamSpec *pspec)
{
  LactdSensor *self = LACTD_SENSOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_get_pointer (value);
      break;
    case PROP_LINK:
      self->link = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_sensor_get_property (GObject *object, guint prop_id, GValue *value,
                           GParamSpec *pspec)
{
  LactdSensor *self = LACTD_SENSOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_pointer (value, self->store);
      break;
    case PROP_LINK:
      g_value_set_object (value, self->link);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_sensor_dispose (GObject *object)
{
  LactdSensor *self = LACTD_SENSOR (object);

  g_cancellable_cancel (self->cancellable);
  /* Nothing from the engine or the link may reach a half-disposed
   * sensor. */
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  g_clear_object (&self->sync);
  g_clear_object (&self->link);
  G_OBJECT_CLASS (lactd_sensor_parent_class)->dispose (object);
}

static void
lactd_sensor_finalize (GObject *object)
{
  LactdSensor *self = LACTD_SENSOR (object);

  g_clear_object (&self->cancellable);
  g_free (self->object_path);
  G_OBJECT_CLASS (lactd_sensor_parent_class)->finalize (object);
}

static void
install_signals (GObjectClass *object_class)
{
  GType type = G_TYPE_FROM_CLASS (object_class);

  signals[SIGNAL_SESSION_STORED] =
    g_signal_new ("session-stored", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1,
                  LACTD_TYPE_SESSION | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_LIVE_ACTIVE_CHANGED] =
    g_signal_new ("live-active-changed", type, G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_BATTERY_CHANGED] =
    g_signal_new ("battery-changed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_SESSION_STARTED] =
    g_signal_new ("session-started", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* One emission per Live Progress packet: a specific marshaller keeps it
   * off the slow generic (libffi) path. */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__VARIANT, G_TYPE_NONE, 1,
                  G_TYPE_VARIANT | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[SIGNAL_PROGRESS], type,
                              g_cclosure_marshal_VOID__VARIANTv);
  signals[SIGNAL_SESSION_ENDED] =
    g_signal_new ("session-ended", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
lactd_sensor_class_init (LactdSensorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lactd_sensor_constructed;
  object_class->set_property = lactd_sensor_set_property;
  object_class->get_property = lactd_sensor_get_property;
  object_class->dispose = lactd_sensor_dispose;
  object_class->finalize = lactd_sensor_finalize;

  props[PROP_STORE] =
    g_param_spec_pointer ("store", "Store", "The LactdStore (borrowed)",
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);
  props[PROP_LINK] =
    g_param_spec_object ("link", "Link", "The sensor's link",
                         LACTD_TYPE_LINK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  /* Ours: the skeleton's class dispatches the interface's own. */
  g_object_class_install_properties (object_class, N_PROPS, props);
  install_signals (object_class);
}

static void
lactd_sensor_init (LactdSensor *self)
{
  self->cancellable = g_cancellable_new ();
}

LactdSensor *
lactd_sensor_new (LactdStore *store, LactdLink *link)
{
  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (LACTD_IS_LINK (link), NULL);

  return g_object_new (LACTD_TYPE_SENSOR, "store", store, "link", link, NULL);
}

const char *
lactd_sensor_get_address (LactdSensor *self)
{
  g_return_val_if_fail (LACTD_IS_SENSOR (self), NULL);
  return lactd_link_get_address (self->link);
}

const char *
lactd_sensor_get_object_path (LactdSensor *self)
{
  g_return_val_if_fail (LACTD_IS_SENSOR (self), NULL);
  return self->object_path;
}

LactdLink *
lactd_sensor_get_link (LactdSensor *self)
{
  g_return_val_if_fail (LACTD_IS_SENSOR (self), NULL);
  return self->link;
}

gboolean
lactd_sensor_get_live_active (LactdSensor *self)
{
  g_return_val_if_fail (LACTD_IS_SENSOR (self), FALSE);
  return self->live_active;
}
