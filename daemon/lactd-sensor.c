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
  GObject parent_instance;

  LactdStore *store;               /* not owned: the daemon outlives us */
  LactdLink *link;
  LactdSync *sync;
  LactdManager1 *manager;          /* where live signals go */
  LactdObjectSkeleton *object;
  LactdSensor1 *iface;
  char *object_path;

  /* The live session being shown, if any. */
  gboolean live_active;
  guint32 live_seq;
};

G_DEFINE_TYPE (LactdSensor, lactd_sensor, G_TYPE_OBJECT)

enum {
  SIGNAL_SESSION_STORED,
  SIGNAL_LIVE_ACTIVE_CHANGED,
  SIGNAL_BATTERY_CHANGED,
  SIGNAL_SYNC_FAILED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static GVariant *
empty_dict (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

static void
set_live_active (LactdSensor *self, gboolean active, guint32 seq)
{
  if (active && self->live_active && seq == self->live_seq)
    return;

  /* A new sequence number while one is shown: the previous one ended
   * without its closing packet (e.g. it was missed while out of range). */
  if (self->live_active)
    {
      lactd_manager1_emit_session_ended (self->manager, self->object_path,
                                         self->live_seq);
      self->live_active = FALSE;
    }

  if (active)
    {
      self->live_active = TRUE;
      self->live_seq = seq;
      lactd_manager1_emit_session_started (self->manager, self->object_path,
                                           seq);
    }
  else
    lactd_sensor1_set_live (self->iface, empty_dict ());

  g_signal_emit (self, signals[SIGNAL_LIVE_ACTIVE_CHANGED], 0,
                 self->live_active);
}

static void
on_live (LactdSync *sync, gpointer live_ptr, LactdSensor *self)
{
  const lsp_live *live = live_ptr;
  g_autoptr(GVariant) dict = g_variant_ref_sink (lactd_live_to_variant (live));

  if (live->active)
    {
      set_live_active (self, TRUE, live->seq);
      lactd_sensor1_set_live (self->iface, dict);
    }
  lactd_manager1_emit_progress (self->manager, self->object_path, dict);
  if (!live->active && self->live_active)
    {
      lactd_manager1_emit_session_ended (self->manager, self->object_path,
                                         live->seq);
      self->live_active = FALSE;
      lactd_sensor1_set_live (self->iface, empty_dict ());
      g_signal_emit (self, signals[SIGNAL_LIVE_ACTIVE_CHANGED], 0, FALSE);
    }
}

static void
on_session_stored (LactdSync *sync, gpointer session, LactdSensor *self)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_STORED], 0, session);
}

static void
update_last_error (LactdSensor *self)
{
  g_autofree char *sync_error = NULL;

  g_object_get (self->sync, "last-error", &sync_error, NULL);
  /* A transport problem (a lost bond) says more than the sync failure it
   * causes, so it wins while it lasts. */
  if (*lactd_link_get_last_error (self->link) != '\0')
    lactd_sensor1_set_last_error (self->iface,
                                  lactd_link_get_last_error (self->link));
  else
    lactd_sensor1_set_last_error (self->iface,
                                  sync_error != NULL ? sync_error : "");
}

static void
on_sync_state (LactdSync *sync, GParamSpec *pspec, LactdSensor *self)
{
  g_autofree char *state = NULL;
  g_autofree char *error = NULL;

  g_object_get (sync, "state", &state, "last-error", &error, NULL);
  lactd_sensor1_set_sync_state (self->iface, state);
  update_last_error (self);
  if (g_strcmp0 (state, "error") == 0)
    g_signal_emit (self, signals[SIGNAL_SYNC_FAILED], 0,
                   error != NULL ? error : "");
}

static void
on_last_error (LactdSync *sync, GParamSpec *pspec, LactdSensor *self)
{
  update_last_error (self);
}

static void
on_link_error (LactdLink *link, GParamSpec *pspec, LactdSensor *self)
{
  update_last_error (self);
}

static void
on_battery (LactdSync *sync, GParamSpec *pspec, LactdSensor *self)
{
  guint battery = 255;

  g_object_get (sync, "battery", &battery, NULL);
  lactd_sensor1_set_battery (self->iface, (guchar) battery);
  g_signal_emit (self, signals[SIGNAL_BATTERY_CHANGED], 0, battery);
}

static void
on_connected (LactdLink *link, GParamSpec *pspec, LactdSensor *self)
{
  gboolean ready = lactd_link_get_ready (link);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  lactd_sensor1_set_connected (self->iface, ready);
  /* LastSeen: the last time the sensor was connected, so both edges. */
  lactd_sensor1_set_last_seen (self->iface, now);
  if (!lactd_store_touch_sensor (self->store, lactd_link_get_address (link),
                                 now, &error))
    g_warning ("Could not record when %s was seen: %s",
               lactd_link_get_address (link), error->message);

  /* Without a link nothing more will arrive for the session shown. */
  if (!ready && self->live_active)
    set_live_active (self, FALSE, 0);
}

static void
on_name (LactdLink *link, GParamSpec *pspec, LactdSensor *self)
{
  const char *name = lactd_link_get_name (link);
  g_autoptr(GError) error = NULL;
  g_autofree char *kind = NULL;

  if (name == NULL || *name == '\0')
    return;
  lactd_sensor1_set_name (self->iface, name);
  g_object_get (self->sync, "kind", &kind, NULL);
  if (!lactd_store_remember_sensor (self->store, lactd_link_get_address (link),
                                    name, kind, &error))
    g_warning ("Could not store the name of %s: %s",
               lactd_link_get_address (link), error->message);
}

static void
sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;  /* consumed by the reply */
  g_autoptr(GError) error = NULL;
  LactdSensor1 *iface;

  iface = LACTD_SENSOR1 (g_object_get_data (G_OBJECT (invocation),
                                            "lactd-iface"));
  if (!lactd_sync_run_finish (LACTD_SYNC (source), result, &error))
    {
      LactdError code = LACTD_ERROR_SYNC_FAILED;

      if (g_error_matches (error, LACTD_SYNC_ERROR,
                           LACTD_SYNC_ERROR_NOT_CONNECTED))
        code = LACTD_ERROR_NOT_CONNECTED;
      else if (g_error_matches (error, LACTD_SYNC_ERROR,
                                LACTD_SYNC_ERROR_STORAGE))
        code = LACTD_ERROR_STORAGE;
      g_dbus_method_invocation_return_error_literal (
          invocation, LACTD_ERROR, code, error->message);
      return;
    }
  lactd_sensor1_complete_sync (iface, invocation);
}

static gboolean
handle_sync (LactdSensor1 *iface, GDBusMethodInvocation *invocation,
             LactdSensor *self)
{
  g_object_set_data_full (G_OBJECT (invocation), "lactd-iface",
                          g_object_ref (iface), g_object_unref);
  lactd_sync_run_async (self->sync, NULL, sync_done,
                        invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

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
    lactd_sensor1_set_name (self->iface, name);
  lactd_sensor1_set_last_seen (self->iface, row->last_seen);
}

static void
lactd_sensor_constructed (LactdSensor *self)
{
  const char *address = lactd_link_get_address (self->link);
  const char *name = lactd_link_get_name (self->link);

  self->object_path = lactd_sensor_object_path (address);
  self->object = lactd_object_skeleton_new (self->object_path);
  self->iface = lactd_sensor1_skeleton_new ();
  lactd_sensor1_set_address (self->iface, address);
  lactd_sensor1_set_name (self->iface, name != NULL ? name : "");
  lactd_sensor1_set_battery (self->iface, 255);
  lactd_sensor1_set_sync_state (self->iface, "idle");
  lactd_sensor1_set_last_error (self->iface, "");
  lactd_sensor1_set_live (self->iface, empty_dict ());
  load_stored_state (self);

  self->sync = lactd_sync_new (self->link, self->store);

  /* Properties that map one to one follow the engine directly. */
  g_object_bind_property (self->sync, "kind", self->iface, "kind",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->sync, "model", self->iface, "model",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->sync, "firmware", self->iface, "firmware",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->sync, "last-sync", self->iface, "last-sync",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->sync, "rejected-records", self->iface,
                          "rejected-records", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->sync, "lost-records", self->iface,
                          "lost-records", G_BINDING_SYNC_CREATE);

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
                           G_CALLBACK (on_link_error), self, 0);
  g_signal_connect_object (self->iface, "handle-sync",
                           G_CALLBACK (handle_sync), self, 0);

  lactd_sensor1_set_connected (self->iface, lactd_link_get_ready (self->link));
  update_last_error (self);
  lactd_object_skeleton_set_sensor1 (self->object, self->iface);
}

static void
lactd_sensor_dispose (GObject *object)
{
  LactdSensor *self = LACTD_SENSOR (object);

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  g_clear_object (&self->link);
  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (lactd_sensor_parent_class)->dispose (object);
}

static void
lactd_sensor_finalize (GObject *object)
{
  LactdSensor *self = LACTD_SENSOR (object);

  g_free (self->object_path);
  G_OBJECT_CLASS (lactd_sensor_parent_class)->finalize (object);
}

static void
lactd_sensor_class_init (LactdSensorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lactd_sensor_dispose;
  object_class->finalize = lactd_sensor_finalize;

  signals[SIGNAL_SESSION_STORED] =
    g_signal_new ("session-stored", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_LIVE_ACTIVE_CHANGED] =
    g_signal_new ("live-active-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_BATTERY_CHANGED] =
    g_signal_new ("battery-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_SYNC_FAILED] =
    g_signal_new ("sync-failed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lactd_sensor_init (LactdSensor *self)
{
}

LactdSensor *
lactd_sensor_new (LactdStore *store, LactdLink *link, LactdManager1 *manager)
{
  LactdSensor *self;

  g_return_val_if_fail (LACTD_IS_LINK (link), NULL);

  self = g_object_new (LACTD_TYPE_SENSOR, NULL);
  self->store = store;
  self->link = g_object_ref (link);
  self->manager = g_object_ref (manager);
  lactd_sensor_constructed (self);
  return self;
}

const char *
lactd_sensor_get_address (LactdSensor *self)
{
  return lactd_link_get_address (self->link);
}

const char *
lactd_sensor_get_object_path (LactdSensor *self)
{
  return self->object_path;
}

LactdObjectSkeleton *
lactd_sensor_get_object (LactdSensor *self)
{
  return self->object;
}

LactdLink *
lactd_sensor_get_link (LactdSensor *self)
{
  return self->link;
}

gboolean
lactd_sensor_get_live_active (LactdSensor *self)
{
  return self->live_active;
}

guint
lactd_sensor_get_battery (LactdSensor *self)
{
  return lactd_sensor1_get_battery (self->iface);
}
