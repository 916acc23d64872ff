/* lactd-daemon.c — the owner object: store, sensors, goals and the D-Bus
 * service, wired in the order the contract asks for (store open and
 * sensors loaded before the bus name is taken).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "config.h"

#include "lactd-daemon.h"

#include "lactd-clock.h"
#include "lactd-dbus.h"
#include "lactd-dbus-values.h"
#include "lactd-error.h"
#include "lactd-goals.h"
#include "lactd-history.h"
#include "lactd-pair-caller.h"
#include "lactd-sensor.h"
#include "lactd-store-upkeep.h"
#include "lactd-transports.h"

#define LACTD_BUS_NAME "org.lactd"
#define LACTD_OBJECT_PATH "/org/lactd"

struct _LactdDaemon {
  GObject parent_instance;

  char *db_path;
  char *simulate;                     /* the transport's option */
  gboolean replace;

  LactdStore *store;
  LactdStoreUpkeep *store_upkeep;
  GDBusConnection *bus;
  GDBusConnection *system_bus;        /* NULL when there is none */
  guint sleep_subscription;
  guint name_id;

  GDBusObjectManagerServer *object_manager;
  LactdManager1 *manager;
  LactdHistory *history;
  LactdClock *clock;
  LactdGoals *goals;
  LactdTransport *transport;

  GHashTable *sensors;                /* address → LactdSensor */
  guint goals_refresh_id;             /* idle: sessions were stored */
  LactdPairCaller *pair_caller;       /* while a Pair runs (one at a time) */
};

G_DEFINE_TYPE (LactdDaemon, lactd_daemon, G_TYPE_OBJECT)

enum { SIGNAL_QUIT, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------- sensors */

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
update_sensors_property (LactdDaemon *self)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sensors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (paths,
                     (gpointer) lactd_sensor_get_object_path (value));
  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_add (paths, NULL);
  lactd_manager1_set_sensors (self->manager,
                              (const char *const *) paths->pdata);
}

static gboolean
any_live_session (LactdDaemon *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sensors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (lactd_sensor_get_live_active (value))
      return TRUE;
  return FALSE;
}

static gboolean
refresh_goals_cb (gpointer user_data)
{
  LactdDaemon *self = user_data;

  self->goals_refresh_id = 0;
  lactd_goals_session_stored (self->goals);
  return G_SOURCE_REMOVE;
}

static void
on_sensor_session_stored (LactdSensor *sensor, gpointer session,
                          LactdDaemon *self)
{
  lactd_history_announce (self->history, session);
  /* A backlog stores thousands of sessions in a burst: goals are
   * re-evaluated once the burst is over, not once per session. */
  if (self->goals_refresh_id == 0)
    self->goals_refresh_id = g_idle_add_full (G_PRIORITY_LOW, refresh_goals_cb,
                                              self, NULL);
}

static void
on_sensor_live_active (LactdSensor *sensor, gboolean active,
                       LactdDaemon *self)
{
  lactd_goals_set_live_active (self->goals, any_live_session (self));
}

static void
on_sensor_battery (LactdSensor *sensor, guint percent, LactdDaemon *self)
{
  if (percent <= 100)
    lactd_goals_battery_level (self->goals, lactd_sensor_get_address (sensor),
                               (guint8) percent);
}

static LactdSensor *
add_sensor (LactdDaemon *self, LactdLink *link)
{
  LactdSensor *sensor = lactd_sensor_new (self->store, link, self->manager);

  g_signal_connect_object (sensor, "session-stored",
                           G_CALLBACK (on_sensor_session_stored), self, 0);
  g_signal_connect_object (sensor, "live-active-changed",
                           G_CALLBACK (on_sensor_live_active), self, 0);
  g_signal_connect_object (sensor, "battery-changed",
                           G_CALLBACK (on_sensor_battery), self, 0);
  g_hash_table_insert (self->sensors,
                       g_strdup (lactd_sensor_get_address (sensor)), sensor);
  /* Announced through InterfacesAdded when exported. */
  g_dbus_object_manager_server_export (
      self->object_manager,
      G_DBUS_OBJECT_SKELETON (lactd_sensor_get_object (sensor)));
  update_sensors_property (self);
  g_message ("Sensor %s at %s", lactd_sensor_get_address (sensor),
             lactd_sensor_get_object_path (sensor));
  return sensor;
}

static void
remove_sensor (LactdDaemon *self, LactdSensor *sensor)
{
  g_autofree char *address = g_strdup (lactd_sensor_get_address (sensor));

  g_dbus_object_manager_server_unexport (self->object_manager,
                                         lactd_sensor_get_object_path (sensor));
  g_hash_table_remove (self->sensors, address);
  update_sensors_property (self);
  lactd_goals_set_live_active (self->goals, any_live_session (self));
}

/* The sensors the transport brings along paired (the simulated one). */
static gboolean
remember_preset_sensors (LactdDaemon *self, GError **error)
{
  g_autoptr(GPtrArray) preset =
    lactd_transport_list_preset_sensors (self->transport);

  for (guint i = 0; i < preset->len; i++)
    {
      LactdFoundSensor *found = g_ptr_array_index (preset, i);

      if (!lactd_store_remember_sensor (self->store, found->address,
                                        found->name,
                                        LACTD_SENSOR_KIND_UNKNOWN, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_sensors (LactdDaemon *self, GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  if (!remember_preset_sensors (self, error))
    return FALSE;
  rows = lactd_store_list_sensors (self->store, error);
  if (rows == NULL)
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      LactdSensorRow *row = g_ptr_array_index (rows, i);
      g_autoptr(LactdLink) link = NULL;
      g_autoptr(GError) link_error = NULL;

      /* Only the transport's own: a simulated daemon never shows a real
       * sensor, nor a real one the simulated sensor. */
      if (!lactd_transport_owns_sensor (self->transport, row->address))
        continue;

      link = lactd_transport_create_link (self->transport, row->address,
                                          &link_error);
      if (link == NULL)
        {
          g_warning ("Cannot set up sensor %s: %s", row->address,
                     link_error->message);
          continue;
        }
      add_sensor (self, link);
    }
  return TRUE;
}

/* ------------------------------------------------------------ Manager1 */

static void
discover_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;  /* consumed by the reply */
  LactdDaemon *self = g_object_get_data (G_OBJECT (invocation), "lactd-daemon");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GVariantBuilder builder;

  found = lactd_transport_discover_finish (LACTD_TRANSPORT (source), result,
                                           &error);
  if (found == NULL)
    {
      lactd_error_from_transport (&error);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssssn)"));
  for (guint i = 0; i < found->len; i++)
    {
      LactdFoundSensor *d = g_ptr_array_index (found, i);
      LactdSensor *known = g_hash_table_lookup (self->sensors, d->address);
      g_autofree char *kind = NULL;

      if (known != NULL)
        {
          LactdObjectSkeleton *object = lactd_sensor_get_object (known);
          g_autoptr(LactdSensor1) iface = lactd_object_get_sensor1 (LACTD_OBJECT (object));
          kind = g_strdup (lactd_sensor1_get_kind (iface));
        }
      if (kind == NULL || !g_str_equal (lactd_sensor_kind_or_unknown (kind),
                                        kind))
        {
          g_free (kind);
          kind = g_strdup (LACTD_SENSOR_KIND_UNKNOWN);
        }
      g_variant_builder_add (&builder, "(ssssn)", d->address,
                             d->name != NULL ? d->name : "", kind,
                             d->path, d->rssi);
    }
  lactd_manager1_complete_discover (self->manager,
                                    invocation,
                                    g_variant_builder_end (&builder));
}

static gboolean
handle_discover (LactdManager1 *manager, GDBusMethodInvocation *invocation,
                 guint timeout_seconds, LactdDaemon *self)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_check_u32_range ("timeout_seconds", timeout_seconds,
                              LACTD_DISCOVER_MIN_S, LACTD_DISCOVER_MAX_S, "",
                              &error))
    {
      lactd_error_from_model (&error);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_object_set_data (G_OBJECT (invocation), "lactd-daemon", self);
  lactd_transport_discover_async (self->transport, timeout_seconds, NULL,
                                  discover_done, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
pair_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;  /* consumed by the reply */
  LactdDaemon *self = g_object_get_data (G_OBJECT (invocation), "lactd-daemon");
  const char *address = g_object_get_data (G_OBJECT (invocation), "lactd-address");
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  g_autofree char *name = NULL;
  LactdSensor *sensor;

  g_clear_pointer (&self->pair_caller, lactd_pair_caller_free);
  if (!lactd_transport_pair_finish (LACTD_TRANSPORT (source), result, &error))
    {
      lactd_error_from_transport (&error);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  name = lactd_transport_dup_sensor_name (self->transport, address);
  if (!lactd_store_remember_sensor (self->store, address,
                                    name != NULL ? name : "", "unknown",
                                    &error))
    {
      lactd_error_from_store (&error);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  sensor = g_hash_table_lookup (self->sensors, address);
  if (sensor == NULL)
    {
      link = lactd_transport_create_link (self->transport, address, &error);
      if (link == NULL)
        {
          g_dbus_method_invocation_return_error_literal (
              invocation, LACTD_ERROR,
              LACTD_ERROR_PAIRING_FAILED, error->message);
          return;
        }
      sensor = add_sensor (self, link);
    }
  g_message ("Paired with %s (%s)", address, name);
  lactd_link_request_connect (lactd_sensor_get_link (sensor));
  lactd_manager1_complete_pair (self->manager, invocation,
                                lactd_sensor_get_object_path (sensor));
}

static gboolean
handle_pair (LactdManager1 *manager, GDBusMethodInvocation *invocation,
             const char *address_arg, LactdDaemon *self)
{
  g_autoptr(GError) error = NULL;
  char address[LACTD_ADDRESS_STRLEN];
  LactdSensor *sensor;

  if (!lactd_address_normalize (address_arg, address, &error))
    {
      lactd_error_from_model (&error);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  /* Pairing an already paired sensor returns its path. */
  sensor = g_hash_table_lookup (self->sensors, address);
  if (sensor != NULL)
    {
      lactd_manager1_complete_pair (manager, invocation,
                                    lactd_sensor_get_object_path (sensor));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (self->pair_caller != NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, LACTD_ERROR,
          LACTD_ERROR_BUSY, "another pairing is in progress");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  /* Only this caller may answer a passkey comparison. */
  self->pair_caller = lactd_pair_caller_new (
      self->bus, self->transport,
      g_dbus_method_invocation_get_sender (invocation));
  g_object_set_data (G_OBJECT (invocation), "lactd-daemon", self);
  g_object_set_data_full (G_OBJECT (invocation), "lactd-address",
                          g_strdup (address), g_free);
  lactd_transport_pair_async (self->transport, address, NULL, pair_done,
                              invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_confirm_pairing (LactdManager1 *manager,
                        GDBusMethodInvocation *invocation,
                        const char *address_arg, gboolean accept,
                        LactdDaemon *self)
{
  g_autoptr(GError) error = NULL;
  char address[LACTD_ADDRESS_STRLEN];
  gboolean ok = lactd_address_normalize (address_arg, address, &error);

  lactd_error_from_model (&error);
  if (ok && self->pair_caller == NULL)
    {
      g_set_error (&error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND,
                   "no pairing confirmation is pending for %s", address);
      ok = FALSE;
    }
  if (ok)
    ok = lactd_pair_caller_confirm (self->pair_caller,
                                    g_dbus_method_invocation_get_sender (invocation),
                                    address, accept, &error);
  if (ok)
    lactd_manager1_complete_confirm_pairing (manager, invocation);
  else
    g_dbus_method_invocation_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static LactdSensor *
sensor_for_path (LactdDaemon *self, const char *path, GError **error)
{
  char address[LACTD_ADDRESS_STRLEN];
  LactdSensor *sensor;

  if (!lactd_address_from_object_path (path, address, error))
    return NULL;
  sensor = g_hash_table_lookup (self->sensors, address);
  if (sensor == NULL)
    g_set_error (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND,
                 "%s is not a paired sensor", path);
  return sensor;
}

static void
forget_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;  /* consumed by the reply */
  g_autoptr(GError) error = NULL;

  if (!lactd_transport_forget_finish (LACTD_TRANSPORT (source), result,
                                      &error))
    g_message ("Could not remove the bond: %s", error->message);
  lactd_manager1_complete_forget (
      LACTD_MANAGER1 (g_object_get_data (G_OBJECT (invocation), "lactd-manager")),
      invocation);
}

static gboolean
handle_forget (LactdManager1 *manager, GDBusMethodInvocation *invocation,
               const char *path, LactdDaemon *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  LactdSensor *sensor = sensor_for_path (self, path, &error);

  if (sensor == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  address = g_strdup (lactd_sensor_get_address (sensor));
  if (!lactd_store_forget_sensor (self->store, address, &error))
    {
      lactd_error_from_store (&error);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  remove_sensor (self, sensor);
  g_message ("Forgot sensor %s; its sessions stay", address);

  g_object_set_data (G_OBJECT (invocation), "lactd-manager", manager);
  lactd_transport_forget_async (self->transport, address, NULL, forget_done,
                                invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ------------------------------------------------------------- goals */

static LactdNightWindow
current_night_window (gpointer user_data)
{
  LactdDaemon *self = user_data;
  return lactd_goal_night_window (lactd_goals_get_goal (self->goals));
}

static void
on_history_changed (LactdHistory *history, LactdDaemon *self)
{
  lactd_goals_session_stored (self->goals);
}

static void
on_prepare_for_sleep (GDBusConnection *connection, const char *sender,
                      const char *path, const char *interface,
                      const char *signal, GVariant *parameters,
                      gpointer user_data)
{
  LactdDaemon *self = user_data;
  gboolean going_to_sleep = FALSE;

  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (going_to_sleep)
    return;
  g_message ("Resumed from suspend: re-evaluating reminders and links");
  /* The BlueZ link watches the same signal for its reconnections. */
  lactd_goals_resume (self->goals);
}

/* ---------------------------------------------------------- bluetooth */

static void
on_bluetooth_state (GObject *object, GParamSpec *pspec, LactdDaemon *self)
{
  lactd_manager1_set_bluetooth_state (
      self->manager, lactd_transport_get_state (self->transport));
}

static void
on_pairing_passkey (LactdTransport *transport, const char *address,
                    guint passkey, gboolean confirm, LactdDaemon *self)
{
  lactd_manager1_emit_pairing_passkey (self->manager, address, passkey,
                                       confirm);
}

static void
transport_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **result_out = user_data;

  *result_out = g_object_ref (result);
}

static gboolean
start_bluetooth (LactdDaemon *self, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  /* Learn the transport's state before taking the name; BlueZ's never
   * waits longer than the contract's 2 s for org.bluez. */
  lactd_transport_new_for_options_async (self->simulate, NULL,
                                         transport_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  self->transport = lactd_transport_new_for_options_finish (result, error);
  if (self->transport == NULL)
    return FALSE;
  g_signal_connect_object (self->transport, "notify::bluetooth-state",
                           G_CALLBACK (on_bluetooth_state), self, 0);
  g_signal_connect_object (self->transport, "pairing-passkey",
                           G_CALLBACK (on_pairing_passkey), self, 0);
  lactd_manager1_set_bluetooth_state (
      self->manager, lactd_transport_get_state (self->transport));
  return TRUE;
}

/* ---------------------------------------------------------- bus name */

static void
on_name_acquired (GDBusConnection *connection, const char *name,
                  gpointer user_data)
{
  LactdDaemon *self = user_data;

  g_message ("Owning %s", name);
  /* Reminders and the integrity check only once a client can hear them. */
  lactd_goals_start (self->goals);
  lactd_store_upkeep_start (self->store_upkeep);
}

static void
on_name_lost (GDBusConnection *connection, const char *name,
              gpointer user_data)
{
  LactdDaemon *self = user_data;

  if (connection == NULL)
    return;   /* the connection closed: on_bus_closed() says so */
  g_signal_emit (self, signals[SIGNAL_QUIT], 0,
                 "Lost the bus name org.lactd (another lactd replaced this "
                 "one or already runs; use --replace)", FALSE);
}

/* A failure, unlike a lost name: systemd restarts lactd. */
static void
on_bus_closed (GDBusConnection *connection, gboolean remote_peer_vanished,
               GError *error, LactdDaemon *self)
{
  g_signal_emit (self, signals[SIGNAL_QUIT], 0,
                 connection == self->bus ? "Lost the session bus connection"
                 : "Lost the system bus connection", TRUE);
}

/* GDBus's default for a bus connection is to raise SIGTERM when it
 * closes, which ended lactd with status 0 (no restart by systemd):
 * instead the "closed" signal quits with a failure. */
static GDBusConnection *
get_bus (LactdDaemon *self, GBusType type, GError **error)
{
  GDBusConnection *bus = g_bus_get_sync (type, NULL, error);

  if (bus == NULL)
    return NULL;
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  g_signal_connect_object (bus, "closed", G_CALLBACK (on_bus_closed), self,
                           0);
  return bus;
}

static void
own_name (LactdDaemon *self)
{
  GBusNameOwnerFlags flags = G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT;

  if (self->replace)
    flags |= G_BUS_NAME_OWNER_FLAGS_REPLACE;
  self->name_id = g_bus_own_name_on_connection (self->bus, LACTD_BUS_NAME,
                                                flags, on_name_acquired,
                                                on_name_lost, self, NULL);
}

static gboolean
export_objects (LactdDaemon *self, GError **error)
{
  if (!g_dbus_interface_skeleton_export (
          G_DBUS_INTERFACE_SKELETON (self->manager), self->bus,
          LACTD_OBJECT_PATH, error))
    return FALSE;
  if (!g_dbus_interface_skeleton_export (
          G_DBUS_INTERFACE_SKELETON (lactd_history_get_interface (self->history)),
          self->bus, LACTD_OBJECT_PATH, error))
    return FALSE;
  if (!g_dbus_interface_skeleton_export (
          G_DBUS_INTERFACE_SKELETON (self->goals),
          self->bus, LACTD_OBJECT_PATH, error))
    return FALSE;
  g_dbus_object_manager_server_set_connection (self->object_manager, self->bus);
  return TRUE;
}

gboolean
lactd_daemon_start (LactdDaemon *self, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  /* The bus first (--replace looks there for the lactd holding the
   * store), the name only once everything is ready. */
  self->bus = get_bus (self, G_BUS_TYPE_SESSION, error);
  if (self->bus == NULL)
    return FALSE;
  self->store = lactd_store_open_replacing (self->db_path,
                                            self->replace ? self->bus : NULL,
                                            LACTD_BUS_NAME, error);
  if (self->store == NULL)
    return FALSE;
  g_message ("Database %s", self->db_path);

  /* Suspend and resume come from logind on the system bus; without one
   * (tests, a container) there is simply nothing to watch. */
  self->system_bus = get_bus (self, G_BUS_TYPE_SYSTEM, &local_error);
  if (self->system_bus == NULL)
    g_debug ("No system bus: %s", local_error->message);

  self->clock = lactd_real_clock_new (error);
  if (self->clock == NULL)
    return FALSE;
  self->goals = lactd_goals_new (self->store, self->clock, error);
  if (self->goals == NULL)
    return FALSE;
  self->history = lactd_history_new (self->store, current_night_window, self);
  g_signal_connect_object (self->history, "sessions-changed",
                           G_CALLBACK (on_history_changed), self, 0);

  self->manager = lactd_manager1_skeleton_new ();
  lactd_manager1_set_version (self->manager, VERSION);
  self->store_upkeep = lactd_store_upkeep_new (self->store, self->manager);
  lactd_manager1_set_bluetooth_state (self->manager, "no-bluez");
  g_signal_connect (self->manager, "handle-discover",
                    G_CALLBACK (handle_discover), self);
  g_signal_connect (self->manager, "handle-pair",
                    G_CALLBACK (handle_pair), self);
  g_signal_connect (self->manager, "handle-forget",
                    G_CALLBACK (handle_forget), self);
  g_signal_connect (self->manager, "handle-confirm-pairing",
                    G_CALLBACK (handle_confirm_pairing), self);
  self->object_manager = g_dbus_object_manager_server_new (LACTD_OBJECT_PATH);

  if (!start_bluetooth (self, error))
    return FALSE;
  if (!load_sensors (self, error))
    return FALSE;
  update_sensors_property (self);

  if (self->system_bus != NULL)
    self->sleep_subscription = g_dbus_connection_signal_subscribe (
        self->system_bus, "org.freedesktop.login1",
        "org.freedesktop.login1.Manager", "PrepareForSleep",
        "/org/freedesktop/login1", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
        on_prepare_for_sleep, self, NULL);

  if (!export_objects (self, error))
    return FALSE;

  own_name (self);
  return TRUE;
}

void
lactd_daemon_stop (LactdDaemon *self)
{
  if (self->store_upkeep != NULL)
    lactd_store_upkeep_stop (self->store_upkeep);
  if (self->name_id != 0)
    g_bus_unown_name (self->name_id);
  self->name_id = 0;
  if (self->bus != NULL && !g_dbus_connection_is_closed (self->bus))
    g_dbus_connection_flush_sync (self->bus, NULL, NULL);
}

static void
lactd_daemon_dispose (GObject *object)
{
  LactdDaemon *self = LACTD_DAEMON (object);

  lactd_daemon_stop (self);
  g_clear_handle_id (&self->goals_refresh_id, g_source_remove);
  if (self->sleep_subscription != 0 && self->system_bus != NULL)
    g_dbus_connection_signal_unsubscribe (self->system_bus,
                                          self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_pointer (&self->sensors, g_hash_table_unref);
  g_clear_object (&self->store_upkeep);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->history);
  g_clear_object (&self->goals);
  g_clear_object (&self->clock);
  g_clear_object (&self->transport);
  g_clear_pointer (&self->pair_caller, lactd_pair_caller_free);
  g_clear_object (&self->manager);
  /* Closed (and its lock released) while this lactd is still on the bus:
   * a replacing lactd opens the store as soon as this one has left. */
  g_clear_pointer (&self->store, lactd_store_free);
  g_clear_object (&self->system_bus);
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (lactd_daemon_parent_class)->dispose (object);
}

static void
lactd_daemon_finalize (GObject *object)
{
  LactdDaemon *self = LACTD_DAEMON (object);

  g_free (self->db_path);
  g_free (self->simulate);
  G_OBJECT_CLASS (lactd_daemon_parent_class)->finalize (object);
}

static void
lactd_daemon_class_init (LactdDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lactd_daemon_dispose;
  object_class->finalize = lactd_daemon_finalize;

  signals[SIGNAL_QUIT] =
    g_signal_new ("quit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                  G_TYPE_BOOLEAN);
}

static void
lactd_daemon_init (LactdDaemon *self)
{
  self->sensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         g_object_unref);
}

LactdDaemon *
lactd_daemon_new (const char *db_path, const char *simulate, gboolean replace)
{
  LactdDaemon *self = g_object_new (LACTD_TYPE_DAEMON, NULL);

  self->db_path = g_strdup (db_path);
  self->simulate = g_strdup (simulate);
  self->replace = replace;
  return self;
}
