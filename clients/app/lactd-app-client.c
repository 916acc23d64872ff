/* lactd-app-client.c — following org.lactd and holding its proxies (see
 * the header). Everything is asynchronous: the name watch, the three
 * proxies of /org/lactd (loading their properties) and the object manager
 * client that brings the sensors; the state turns READY once all four are
 * there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include "lactd-app-client.h"
#include "lactd-client-common.h"

struct _LactdAppClient {
  GObject parent_instance;

  GDBusConnection *bus;
  guint watch_id;
  LactdAppClientState state;
  char *problem;
  GCancellable *cancellable;   /* this appearance's calls */
  guint pending;               /* proxies still being made */

  LactdManager1 *manager;
  LactdHistory1 *history;
  LactdGoals1 *goals;
  GDBusObjectManager *objects; /* the sensors, as LactdObjectProxy */
};

G_DEFINE_FINAL_TYPE (LactdAppClient, lactd_app_client, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_SENSOR_ADDED, SIGNAL_SENSOR_REMOVED, SIGNAL_SESSION_DELETED, N_SIGNALS };
static guint signals[N_SIGNALS];

gboolean
lactd_app_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

char *
lactd_app_error_message (const GError *error)
{
  g_autoptr(GError) copy = g_error_copy (error);

  g_dbus_error_strip_remote_error (copy);
  return g_strdup (copy->message);
}

static void
set_state (LactdAppClient *self, LactdAppClientState state, const char *problem)
{
  g_free (self->problem);
  self->problem = g_strdup (problem);
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

/* --------------------------------------------------------------- sensors */

static void
on_object_added (GDBusObjectManager *objects, GDBusObject *object,
                 gpointer user_data)
{
  LactdAppClient *self = user_data;
  LactdSensor1 *sensor = lactd_object_peek_sensor1 (LACTD_OBJECT (object));

  if (sensor != NULL && self->state == LACTD_APP_CLIENT_READY)
    g_signal_emit (self, signals[SIGNAL_SENSOR_ADDED], 0, sensor);
}

static void
on_object_removed (GDBusObjectManager *objects, GDBusObject *object,
                   gpointer user_data)
{
  LactdAppClient *self = user_data;
  LactdSensor1 *sensor = lactd_object_peek_sensor1 (LACTD_OBJECT (object));

  if (sensor != NULL && self->state == LACTD_APP_CLIENT_READY)
    g_signal_emit (self, signals[SIGNAL_SENSOR_REMOVED], 0, sensor);
}

GList *
lactd_app_client_get_sensors (LactdAppClient *self)
{
  g_autolist(GDBusObject) objects = NULL;
  GList *sensors = NULL;

  if (self->state != LACTD_APP_CLIENT_READY)
    return NULL;
  objects = g_dbus_object_manager_get_objects (self->objects);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      LactdSensor1 *sensor = lactd_object_peek_sensor1 (LACTD_OBJECT (l->data));
      if (sensor != NULL)
        sensors = g_list_prepend (sensors, sensor);
    }
  return g_list_reverse (sensors);
}

LactdSensor1 *
lactd_app_client_lookup_sensor (LactdAppClient *self, const char *path)
{
  GDBusInterface *sensor;

  if (self->state != LACTD_APP_CLIENT_READY || !g_variant_is_object_path (path))
    return NULL;
  sensor = g_dbus_object_manager_get_interface (self->objects, path,
                                                "org.lactd.Sensor1");
  return sensor != NULL ? LACTD_SENSOR1 (sensor) : NULL;
}

/* -------------------------------------------------------------- proxies */

static void
drop_daemon (LactdAppClient *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pending = 0;
  g_clear_object (&self->manager);
  g_clear_object (&self->history);
  g_clear_object (&self->goals);
  if (self->objects != NULL)
    g_signal_handlers_disconnect_by_data (self->objects, self);
  g_clear_object (&self->objects);
}

/* One of the four proxies is there (or failed): READY after the last. */
static void
proxy_done (LactdAppClient *self, const GError *error)
{
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf ("lactd is running but cannot be read: %s",
                                                  error->message);
      g_warning ("%s", message);
      drop_daemon (self);
      set_state (self, LACTD_APP_CLIENT_ABSENT, message);
      return;
    }
  if (--self->pending > 0)
    return;
  g_signal_connect (self->objects, "object-added", G_CALLBACK (on_object_added), self);
  g_signal_connect (self->objects, "object-removed", G_CALLBACK (on_object_removed), self);
  set_state (self, LACTD_APP_CLIENT_READY, NULL);
}

#define PROXY_READY_CB(name, type, field, finish)                           \
  static void                                                                \
  name (GObject *source, GAsyncResult *result, gpointer user_data)           \
  {                                                                          \
    g_autoptr(GError) error = NULL;                                          \
    type *proxy = finish (result, &error);                                   \
    LactdAppClient *self = user_data;                                        \
                                                                             \
    if (lactd_app_error_is_cancelled (error))                                \
      return;                                                                \
    self->field = proxy;                                                     \
    proxy_done (self, error);                                                \
  }

PROXY_READY_CB (on_manager_ready, LactdManager1, manager, lactd_manager1_proxy_new_finish)
PROXY_READY_CB (on_history_ready, LactdHistory1, history, lactd_history1_proxy_new_finish)
PROXY_READY_CB (on_goals_ready, LactdGoals1, goals, lactd_goals1_proxy_new_finish)
PROXY_READY_CB (on_objects_ready, GDBusObjectManager, objects,
                lactd_object_manager_client_new_finish)

static void
on_name_appeared (GDBusConnection *bus, const char *name, const char *owner,
                  gpointer user_data)
{
  LactdAppClient *self = user_data;
  GDBusProxyFlags flags = G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START;

  g_debug ("%s appeared as %s", name, owner);
  drop_daemon (self);
  set_state (self, LACTD_APP_CLIENT_CONNECTING, NULL);
  self->pending = 4;
  lactd_manager1_proxy_new (bus, flags, LACTD_BUS_NAME, LACTD_OBJECT_PATH,
                            self->cancellable, on_manager_ready, self);
  /* History1 has no properties to load. */
  lactd_history1_proxy_new (bus, flags | G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                            LACTD_BUS_NAME, LACTD_OBJECT_PATH, self->cancellable,
                            on_history_ready, self);
  lactd_goals1_proxy_new (bus, flags, LACTD_BUS_NAME, LACTD_OBJECT_PATH,
                          self->cancellable, on_goals_ready, self);
  lactd_object_manager_client_new (bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                   LACTD_BUS_NAME, LACTD_OBJECT_PATH,
                                   self->cancellable, on_objects_ready, self);
}

static void
on_name_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  LactdAppClient *self = user_data;

  g_debug ("%s vanished", name);
  drop_daemon (self);
  set_state (self, LACTD_APP_CLIENT_ABSENT,
             bus == NULL ? "The session bus is gone." : "lactd is not running.");
}

/* ---------------------------------------------------------------- API */

void
lactd_app_client_start (LactdAppClient *self)
{
  g_return_if_fail (LACTD_IS_APP_CLIENT (self));

  if (self->bus == NULL)
    {
      set_state (self, LACTD_APP_CLIENT_ABSENT, "There is no session bus.");
      return;
    }
  if (self->watch_id != 0)
    return;
  set_state (self, LACTD_APP_CLIENT_CONNECTING, NULL);
  self->watch_id = g_bus_watch_name_on_connection (self->bus, LACTD_BUS_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_AUTO_START,
                                                   on_name_appeared, on_name_vanished,
                                                   self, NULL);
}

void
lactd_app_client_retry (LactdAppClient *self)
{
  g_return_if_fail (LACTD_IS_APP_CLIENT (self));

  if (self->state == LACTD_APP_CLIENT_READY)
    return;
  if (self->watch_id != 0)
    g_bus_unwatch_name (self->watch_id);
  self->watch_id = 0;
  lactd_app_client_start (self);
}

LactdAppClientState
lactd_app_client_get_state (LactdAppClient *self)
{
  return self->state;
}

const char *
lactd_app_client_get_problem (LactdAppClient *self)
{
  return self->problem;
}

LactdManager1 *
lactd_app_client_get_manager (LactdAppClient *self)
{
  return self->state == LACTD_APP_CLIENT_READY ? self->manager : NULL;
}

LactdHistory1 *
lactd_app_client_get_history (LactdAppClient *self)
{
  return self->state == LACTD_APP_CLIENT_READY ? self->history : NULL;
}

LactdGoals1 *
lactd_app_client_get_goals (LactdAppClient *self)
{
  return self->state == LACTD_APP_CLIENT_READY ? self->goals : NULL;
}

void
lactd_app_client_session_deleted (LactdAppClient *self, guint64 id)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_DELETED], 0, id);
}

GCancellable *
lactd_app_client_get_cancellable (LactdAppClient *self)
{
  return self->cancellable;
}

/* -------------------------------------------------------------- GObject */

static void
lactd_app_client_dispose (GObject *object)
{
  LactdAppClient *self = LACTD_APP_CLIENT (object);

  if (self->watch_id != 0)
    g_bus_unwatch_name (self->watch_id);
  self->watch_id = 0;
  if (self->cancellable != NULL)
    drop_daemon (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (lactd_app_client_parent_class)->dispose (object);
}

static void
lactd_app_client_finalize (GObject *object)
{
  LactdAppClient *self = LACTD_APP_CLIENT (object);

  g_free (self->problem);
  G_OBJECT_CLASS (lactd_app_client_parent_class)->finalize (object);
}

static void
lactd_app_client_get_property (GObject *object, guint prop_id, GValue *value,
                               GParamSpec *pspec)
{
  LactdAppClient *self = LACTD_APP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_app_client_class_init (LactdAppClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lactd_app_client_dispose;
  object_class->finalize = lactd_app_client_finalize;
  object_class->get_property = lactd_app_client_get_property;

  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL,
                                        LACTD_APP_CLIENT_CONNECTING,
                                        LACTD_APP_CLIENT_ABSENT,
                                        LACTD_APP_CLIENT_CONNECTING,
                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_SENSOR_ADDED] =
    g_signal_new ("sensor-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, LACTD_TYPE_SENSOR1);
  signals[SIGNAL_SENSOR_REMOVED] =
    g_signal_new ("sensor-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, LACTD_TYPE_SENSOR1);
  signals[SIGNAL_SESSION_DELETED] =
    g_signal_new ("session-deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
lactd_app_client_init (LactdAppClient *self)
{
  self->cancellable = g_cancellable_new ();
}

LactdAppClient *
lactd_app_client_new (GDBusConnection *bus)
{
  LactdAppClient *self = g_object_new (LACTD_TYPE_APP_CLIENT, NULL);

  self->bus = bus != NULL ? g_object_ref (bus) : NULL;
  return self;
}
