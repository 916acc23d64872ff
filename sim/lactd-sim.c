/* lactd-sim.c — a BLE peripheral speaking LSP v1 through BlueZ.
 *
 * The simulated sensor (lsp-sim-sensor.h) served as a real GATT server on
 * the system bus: GattManager1.RegisterApplication for the LSP, Battery
 * and Device Information services, LEAdvertisingManager1 for an
 * advertisement carrying the LSP service UUID, and a NoInputNoOutput
 * agent so a central can pair with Just Works. Runs on any Linux machine
 * with a BLE adapter and bluetoothd, or on a btvirt controller in the e2e
 * VM. Signals drive it from scripts; --status-file shows its state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "lactd-sim-gatt.h"

#define BLUEZ "org.bluez"
#define RETRY_SECONDS 3

typedef enum {
  REG_NONE,     /* not registered with bluetoothd */
  REG_PENDING,  /* the registration calls are running */
  REG_DONE,
} RegState;

typedef struct {
  /* options */
  char *adapter;
  char *scenario;
  char *name;
  char *status_file;
  int session_seconds;
  double speed;
  int add_count;

  GMainLoop *loop;
  GDBusConnection *bus;
  LspSimSensor *sensor;
  SimGatt *gatt;
  char *adapter_path;
  guint bluez_watch;
  gboolean bluez_present;
  RegState reg;
  guint reg_step;
  GCancellable *cancellable;   /* cancelled when bluetoothd goes away */
  guint retry_id;
  guint props_sub;
  guint removed_sub;
  guint added_sub;
  GHashTable *connected;       /* Device1 paths on our adapter */
  gboolean powered;
  guint status_idle;
  guint sessions_started;
  guint sessions_ended;
  guint last_session_seq;
  guint links;                 /* connections seen since start */
  gint64 delete_us;            /* last accepted RACP delete */
  guint delete_upto;
  int exit_code;
} SimApp;

static void register_next (SimApp *app);
static void schedule_status (SimApp *app);

/* -------------------------------------------------------- status file */

static gboolean
write_status_cb (gpointer user_data)
{
  SimApp *app = user_data;
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *notifying = sim_gatt_describe_notifying (app->gatt);
  guint32 low = 0, high = 0;
  gint64 report_us, record_us;

  app->status_idle = 0;
  sim_gatt_get_report_times (app->gatt, &report_us, &record_us);
  lsp_sim_sensor_get_seq_range (app->sensor, &low, &high);
  g_string_append_printf (s, "pid=%d\n", (int) getpid ());
  g_string_append_printf (s, "adapter=%s\n", app->adapter);
  g_string_append_printf (s, "scenario=%s\n", app->scenario);
  g_string_append_printf (s, "registered=%d\n", app->reg == REG_DONE);
  g_string_append_printf (s, "powered=%d\n", app->powered);
  g_string_append_printf (s, "connected=%u\n", g_hash_table_size (app->connected));
  g_string_append_printf (s, "links=%u\n", app->links);
  g_string_append_printf (s, "notifying=%s\n", notifying);
  g_string_append_printf (s, "epoch=%u\n", lsp_sim_sensor_get_epoch (app->sensor));
  g_string_append_printf (s, "records=%u\n", lsp_sim_sensor_get_n_records (app->sensor));
  g_string_append_printf (s, "low=%u\nhigh=%u\n", low, high);
  g_string_append_printf (s, "next_seq=%u\n", lsp_sim_sensor_get_next_seq (app->sensor));
  g_string_append_printf (s, "highest_deleted=%u\n",
                          lsp_sim_sensor_get_highest_deleted (app->sensor));
  g_string_append_printf (s, "overwritten=%u\n", lsp_sim_sensor_get_overwritten (app->sensor));
  g_string_append_printf (s, "records_sent=%" G_GUINT64_FORMAT "\n",
                          sim_gatt_get_records_sent (app->gatt));
  g_string_append_printf (s, "procedure_running=%d\n",
                          lsp_sim_sensor_get_procedure_running (app->sensor));
  g_string_append_printf (s, "session_running=%d\n",
                          lsp_sim_sensor_get_session_running (app->sensor));
  g_string_append_printf (s, "sessions_started=%u\nsessions_ended=%u\n",
                          app->sessions_started, app->sessions_ended);
  g_string_append_printf (s, "last_session_seq=%u\n", app->last_session_seq);
  g_string_append_printf (s, "battery=%u\n", lsp_sim_sensor_get_battery (app->sensor));
  /* Seconds since 1970 with µs, for the benchmark. */
  g_string_append_printf (s, "report_start=%.6f\n", (double) report_us / G_USEC_PER_SEC);
  g_string_append_printf (s, "last_record=%.6f\n", (double) record_us / G_USEC_PER_SEC);
  g_string_append_printf (s, "delete_at=%.6f\n", (double) app->delete_us / G_USEC_PER_SEC);
  g_string_append_printf (s, "delete_upto=%u\n", app->delete_upto);
  /* Atomic replace: a reader never sees half a file. */
  if (!g_file_set_contents (app->status_file, s->str, (gssize) s->len, &error))
    g_warning ("Could not write %s: %s", app->status_file, error->message);
  return G_SOURCE_REMOVE;
}

static void
schedule_status (SimApp *app)
{
  /* Coalesced: a burst of notifications rewrites the file once. */
  if (app->status_file != NULL && app->status_idle == 0)
    app->status_idle = g_idle_add (write_status_cb, app);
}

static void
on_gatt_changed (gpointer user_data)
{
  schedule_status (user_data);
}

/* ------------------------------------------------ links to centrals */

/* For calls whose failure is only worth a line in the log. */
static void
logged_call_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GVariant) ret = NULL;
  g_autoptr(GError) error = NULL;

  ret = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (ret == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("%s failed: %s", (const char *) user_data, error->message);
}

static void
on_link_lost (LspSimSensor *sensor, gpointer user_data)
{
  SimApp *app = user_data;
  GHashTableIter iter;
  gpointer path;

  /* The sensor "rebooted" or stopped mid-report: drop the link the way a
   * real one would, from our side. */
  g_message ("sensor dropped the link (%u connected)", g_hash_table_size (app->connected));
  g_hash_table_iter_init (&iter, app->connected);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    g_dbus_connection_call (app->bus, BLUEZ, path, "org.bluez.Device1", "Disconnect",
                            NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                            app->cancellable, logged_call_cb, (gpointer) "Disconnect");
}

static void
set_connected (SimApp *app, const char *device_path, gboolean connected)
{
  gboolean was = g_hash_table_contains (app->connected, device_path);

  if (connected == was)
    return;
  if (connected)
    {
      g_hash_table_add (app->connected, g_strdup (device_path));
      app->links++;
      g_message ("central connected: %s", device_path);
      /* When the central runs on the same bluetoothd (the e2e VM, or a
       * dongle on the same machine), the responder's Just Works
       * confirmation goes to the default agent: make sure it is ours. */
      g_dbus_connection_call (app->bus, BLUEZ, "/org/bluez", "org.bluez.AgentManager1",
                              "RequestDefaultAgent", g_variant_new ("(o)", SIM_AGENT_PATH),
                              NULL, G_DBUS_CALL_FLAGS_NONE, -1, app->cancellable,
                              logged_call_cb, (gpointer) "RequestDefaultAgent");
      sim_gatt_link_up (app->gatt);
    }
  else
    {
      g_hash_table_remove (app->connected, device_path);
      g_message ("central disconnected: %s", device_path);
      if (g_hash_table_size (app->connected) == 0)
        sim_gatt_link_down (app->gatt);
    }
  schedule_status (app);
}

static gboolean
on_our_adapter (SimApp *app, const char *path)
{
  return g_str_has_prefix (path, app->adapter_path) &&
         path[strlen (app->adapter_path)] == '/';
}

static void
on_adapter_powered (SimApp *app, gboolean powered)
{
  gboolean was = app->powered;

  app->powered = powered;
  schedule_status (app);
  if (powered && !was && app->reg == REG_DONE)
    {
      /* Re-advertise after a power cycle: bluetoothd may have dropped
       * the instance; AlreadyExists is fine (see register_step_cb). */
      g_message ("adapter powered on again: registering again");
      app->reg = REG_NONE;
      register_next (app);
    }
  else if (!powered && was)
    {
      g_message ("adapter powered off");
      /* Every link went down with it. */
      while (g_hash_table_size (app->connected) > 0)
        {
          GHashTableIter iter;
          gpointer path;

          g_hash_table_iter_init (&iter, app->connected);
          g_hash_table_iter_next (&iter, &path, NULL);
          set_connected (app, path, FALSE);
        }
    }
}

static void
properties_changed_cb (GDBusConnection *bus, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *parameters,
                       gpointer user_data)
{
  SimApp *app = user_data;
  const char *changed_iface;
  g_autoptr(GVariant) changed = NULL;
  gboolean value;

  g_variant_get (parameters, "(&s@a{sv}@as)", &changed_iface, &changed, NULL);
  if (g_str_equal (changed_iface, "org.bluez.Device1") && on_our_adapter (app, path) &&
      g_variant_lookup (changed, "Connected", "b", &value))
    set_connected (app, path, value);
  else if (g_str_equal (changed_iface, "org.bluez.Adapter1") &&
           g_str_equal (path, app->adapter_path) &&
           g_variant_lookup (changed, "Powered", "b", &value))
    on_adapter_powered (app, value);
}

static void
interfaces_removed_cb (GDBusConnection *bus, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *parameters,
                       gpointer user_data)
{
  SimApp *app = user_data;
  const char *object;
  g_autoptr(GVariant) ifaces = NULL;

  g_variant_get (parameters, "(&o@as)", &object, &ifaces);
  if (g_hash_table_contains (app->connected, object))
    set_connected (app, object, FALSE);
  if (g_str_equal (object, app->adapter_path))
    {
      g_message ("adapter %s went away", app->adapter);
      on_adapter_powered (app, FALSE);
      app->reg = REG_NONE;
    }
}

/* A central that connects for the first time appears as a new Device1
 * object that is already Connected: no PropertiesChanged for that. */
static void
interfaces_added_cb (GDBusConnection *bus, const char *sender, const char *path,
                     const char *iface, const char *signal, GVariant *parameters,
                     gpointer user_data)
{
  SimApp *app = user_data;
  const char *object;
  g_autoptr(GVariant) ifaces = NULL;
  g_autoptr(GVariant) dev = NULL;
  gboolean value;

  g_variant_get (parameters, "(&o@a{sa{sv}})", &object, &ifaces);
  dev = g_variant_lookup_value (ifaces, "org.bluez.Device1", G_VARIANT_TYPE_VARDICT);
  if (dev != NULL && on_our_adapter (app, object) &&
      g_variant_lookup (dev, "Connected", "b", &value) && value)
    set_connected (app, object, TRUE);
}

/* Adopts links that were up before we started (or before bluetoothd
 * came back). */
static void
managed_objects_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SimApp *app = user_data;
  g_autoptr(GVariant) ret = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GError) error = NULL;
  GVariantIter iter;
  const char *path;
  GVariant *ifaces;

  ret = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (ret == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("GetManagedObjects failed: %s", error->message);
      return;
    }
  objects = g_variant_get_child_value (ret, 0);
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_loop (&iter, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      g_autoptr(GVariant) dev = g_variant_lookup_value (ifaces, "org.bluez.Device1",
                                                        G_VARIANT_TYPE_VARDICT);
      g_autoptr(GVariant) adapter = g_variant_lookup_value (ifaces, "org.bluez.Adapter1",
                                                            G_VARIANT_TYPE_VARDICT);
      gboolean value;

      if (dev != NULL && on_our_adapter (app, path) &&
          g_variant_lookup (dev, "Connected", "b", &value) && value)
        set_connected (app, path, TRUE);
      if (adapter != NULL && g_str_equal (path, app->adapter_path) &&
          g_variant_lookup (adapter, "Powered", "b", &value))
        app->powered = value;
    }
  schedule_status (app);
}

/* ------------------------------------------- registration with BlueZ */

typedef struct {
  const char *iface;
  const char *method;
  gboolean fatal;       /* retry the whole sequence when it fails */
} RegStep;

/* In order: power on, agent, GATT application, advertisement. Each
 * "already registered" answer counts as success, so the sequence can be
 * replayed after a power cycle. */
static const RegStep reg_steps[] = {
  { "org.freedesktop.DBus.Properties", "Set", FALSE },
  { "org.bluez.AgentManager1", "RegisterAgent", FALSE },
  { "org.bluez.AgentManager1", "RequestDefaultAgent", FALSE },
  { "org.bluez.GattManager1", "RegisterApplication", TRUE },
  { "org.bluez.LEAdvertisingManager1", "UnregisterAdvertisement", FALSE },
  { "org.bluez.LEAdvertisingManager1", "RegisterAdvertisement", TRUE },
};

static GVariant *
reg_step_params (const RegStep *step)
{
  GVariantBuilder empty;

  g_variant_builder_init (&empty, G_VARIANT_TYPE_VARDICT);
  if (g_str_equal (step->method, "Set"))
    return g_variant_new ("(ssv)", "org.bluez.Adapter1", "Powered",
                          g_variant_new_boolean (TRUE));
  if (g_str_equal (step->method, "RegisterAgent"))
    return g_variant_new ("(os)", SIM_AGENT_PATH, "NoInputNoOutput");
  if (g_str_equal (step->method, "RequestDefaultAgent"))
    return g_variant_new ("(o)", SIM_AGENT_PATH);
  if (g_str_equal (step->method, "RegisterApplication"))
    return g_variant_new ("(oa{sv})", SIM_APP_PATH, &empty);
  if (g_str_equal (step->method, "UnregisterAdvertisement"))
    return g_variant_new ("(o)", SIM_ADV_PATH);
  return g_variant_new ("(oa{sv})", SIM_ADV_PATH, &empty);
}

static gboolean
retry_cb (gpointer user_data)
{
  SimApp *app = user_data;

  app->retry_id = 0;
  if (app->bluez_present && app->reg == REG_NONE)
    register_next (app);
  return G_SOURCE_REMOVE;
}

static void
register_step_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SimApp *app = user_data;
  const RegStep *step = &reg_steps[app->reg_step];
  g_autoptr(GVariant) ret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;

  ret = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    remote = g_dbus_error_get_remote_error (error);
  if (error != NULL && g_strcmp0 (remote, "org.bluez.Error.AlreadyExists") != 0)
    {
      if (step->fatal)
        {
          g_warning ("%s on %s failed: %s (retrying in %d s)", step->method,
                     app->adapter, error->message, RETRY_SECONDS);
          app->reg = REG_NONE;
          if (app->retry_id == 0)
            app->retry_id = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, app);
          schedule_status (app);
          return;
        }
      g_debug ("%s: %s (ignored)", step->method, error->message);
    }
  app->reg_step++;
  if (app->reg_step < G_N_ELEMENTS (reg_steps))
    {
      register_next (app);
      return;
    }
  app->reg = REG_DONE;
  g_message ("advertising as “%s” on %s with the LSP service", app->name, app->adapter);
  schedule_status (app);
}

static void
register_next (SimApp *app)
{
  const RegStep *step;
  const char *path;

  if (app->reg == REG_NONE)
    {
      app->reg = REG_PENDING;
      app->reg_step = 0;
    }
  step = &reg_steps[app->reg_step];
  path = g_str_has_prefix (step->iface, "org.bluez.AgentManager1") ? "/org/bluez"
                                                                    : app->adapter_path;
  g_dbus_connection_call (app->bus, BLUEZ, path, step->iface, step->method,
                          reg_step_params (step), NULL, G_DBUS_CALL_FLAGS_NONE,
                          25000, app->cancellable, register_step_cb, app);
}

static void
bluez_appeared_cb (GDBusConnection *bus, const char *name, const char *owner,
                   gpointer user_data)
{
  SimApp *app = user_data;

  g_message ("bluetoothd is up (%s)", owner);
  app->bluez_present = TRUE;
  g_clear_object (&app->cancellable);
  app->cancellable = g_cancellable_new ();
  g_dbus_connection_call (app->bus, BLUEZ, "/", "org.freedesktop.DBus.ObjectManager",
                          "GetManagedObjects", NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                          G_DBUS_CALL_FLAGS_NONE, -1, app->cancellable,
                          managed_objects_cb, app);
  app->reg = REG_NONE;
  register_next (app);
}

static void
bluez_vanished_cb (GDBusConnection *bus, const char *name, gpointer user_data)
{
  SimApp *app = user_data;

  if (app->bluez_present)
    g_message ("bluetoothd went away; waiting for it to come back");
  app->bluez_present = FALSE;
  g_cancellable_cancel (app->cancellable);
  g_clear_handle_id (&app->retry_id, g_source_remove);
  app->reg = REG_NONE;
  app->powered = FALSE;
  while (g_hash_table_size (app->connected) > 0)
    {
      GHashTableIter iter;
      gpointer path;

      g_hash_table_iter_init (&iter, app->connected);
      g_hash_table_iter_next (&iter, &path, NULL);
      set_connected (app, path, FALSE);
    }
  /* A new bluetoothd has no CCC state for us either. */
  sim_gatt_link_down (app->gatt);
  schedule_status (app);
}

/* --------------------------------------------------- script controls */

static gboolean
start_session_cb (gpointer user_data)
{
  SimApp *app = user_data;
  gboolean sns = lsp_sim_sensor_get_kind (app->sensor) == LSP_SENSOR_KIND_SNS;
  LspSimSession session = {
    .kind = sns ? LSP_RECORD_KIND_SNS : LSP_RECORD_KIND_PUMP,
    .side = LSP_SIDE_BOTH,
    .double_sided = !sns,
    .duration_s = (guint) app->session_seconds,
    .volume_left_tenths = sns ? LSP_NOT_MEASURED : 320,
    .volume_right_tenths = sns ? LSP_NOT_MEASURED : 290,
    .supplement_tenths = sns ? 150 : LSP_NOT_MEASURED,
    .suction = sns ? LSP_NOT_APPLICABLE : 7,
  };

  if (!lsp_sim_sensor_start_session (app->sensor, &session))
    g_message ("SIGUSR1: a session is already running");
  else
    g_message ("SIGUSR1: live session of %d s started", app->session_seconds);
  schedule_status (app);
  return G_SOURCE_CONTINUE;
}

static gboolean
add_records_cb (gpointer user_data)
{
  SimApp *app = user_data;

  lsp_sim_sensor_add_backlog (app->sensor, (guint) app->add_count, 1);
  g_message ("SIGUSR2: %d records added (%u stored)", app->add_count,
             lsp_sim_sensor_get_n_records (app->sensor));
  schedule_status (app);
  return G_SOURCE_CONTINUE;
}

static gboolean
reset_epoch_cb (gpointer user_data)
{
  SimApp *app = user_data;

  lsp_sim_sensor_reset_epoch (app->sensor);
  g_message ("SIGHUP: store erased, new epoch %u", lsp_sim_sensor_get_epoch (app->sensor));
  schedule_status (app);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  SimApp *app = user_data;

  g_main_loop_quit (app->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_session_started (LspSimSensor *sensor, guint seq, gpointer user_data)
{
  SimApp *app = user_data;

  app->sessions_started++;
  app->last_session_seq = seq;
  schedule_status (app);
}

static void
on_session_ended (LspSimSensor *sensor, guint seq, gpointer user_data)
{
  SimApp *app = user_data;

  app->sessions_ended++;
  schedule_status (app);
}

static void
on_delete_requested (LspSimSensor *sensor, guint upto, gpointer user_data)
{
  SimApp *app = user_data;

  app->delete_us = g_get_real_time ();
  app->delete_upto = upto;
  g_message ("central deleted records up to %u", upto);
  schedule_status (app);
}

/* Leaves bluetoothd clean: it would otherwise keep advertising a service
 * nobody answers for until it notices we left. */
static void
unregister_all (SimApp *app)
{
  static const struct { const char *iface, *method, *path; } calls[] = {
    { "org.bluez.LEAdvertisingManager1", "UnregisterAdvertisement", SIM_ADV_PATH },
    { "org.bluez.GattManager1", "UnregisterApplication", SIM_APP_PATH },
  };

  GHashTableIter iter;
  gpointer path;

  if (!app->bluez_present)
    return;
  /* A sensor that switches off drops its links; without this the
   * central would stay connected to a GATT server that vanished. */
  g_hash_table_iter_init (&iter, app->connected);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      g_autoptr(GVariant) ret = NULL;

      ret = g_dbus_connection_call_sync (app->bus, BLUEZ, path, "org.bluez.Device1",
                                         "Disconnect", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                         3000, NULL, NULL);
    }
  if (app->reg == REG_NONE)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(GVariant) ret = NULL;

      ret = g_dbus_connection_call_sync (app->bus, BLUEZ, app->adapter_path, calls[i].iface,
                                         calls[i].method, g_variant_new ("(o)", calls[i].path),
                                         NULL, G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
    }
}

/* --------------------------------------------------------------- main */

static void
sim_app_clear (SimApp *app)
{
  g_clear_handle_id (&app->status_idle, g_source_remove);
  g_clear_handle_id (&app->retry_id, g_source_remove);
  if (app->bluez_watch != 0)
    g_bus_unwatch_name (app->bluez_watch);
  if (app->bus != NULL && app->props_sub != 0)
    g_dbus_connection_signal_unsubscribe (app->bus, app->props_sub);
  if (app->bus != NULL && app->removed_sub != 0)
    g_dbus_connection_signal_unsubscribe (app->bus, app->removed_sub);
  if (app->bus != NULL && app->added_sub != 0)
    g_dbus_connection_signal_unsubscribe (app->bus, app->added_sub);
  if (app->cancellable != NULL)
    g_cancellable_cancel (app->cancellable);
  g_clear_object (&app->cancellable);
  g_clear_pointer (&app->gatt, sim_gatt_free);
  if (app->sensor != NULL)
    g_signal_handlers_disconnect_by_data (app->sensor, app);
  g_clear_object (&app->sensor);
  g_clear_object (&app->bus);
  g_clear_pointer (&app->connected, g_hash_table_unref);
  g_clear_pointer (&app->loop, g_main_loop_unref);
  g_clear_pointer (&app->adapter, g_free);
  g_clear_pointer (&app->adapter_path, g_free);
  g_clear_pointer (&app->scenario, g_free);
  g_clear_pointer (&app->name, g_free);
  g_clear_pointer (&app->status_file, g_free);
}

static gboolean
parse_options (SimApp *app, int *argc, char ***argv, GError **error)
{
  gboolean verbose = FALSE, list = FALSE;
  const GOptionEntry entries[] = {
    { "adapter", 'i', 0, G_OPTION_ARG_STRING, &app->adapter,
      "Adapter to advertise on (default hci0)", "hciN" },
    { "scenario", 's', 0, G_OPTION_ARG_STRING, &app->scenario,
      "What the sensor holds and does (default demo; see --list-scenarios)", "NAME" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &app->name,
      "Advertised name (default “LSP Pump” or “LSP SNS”; at most 8 bytes fit)", "NAME" },
    { "status-file", 0, 0, G_OPTION_ARG_FILENAME, &app->status_file,
      "Write key=value state to PATH after every change", "PATH" },
    { "session-seconds", 0, 0, G_OPTION_ARG_INT, &app->session_seconds,
      "Length of a session started by SIGUSR1 (default 120)", "S" },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &app->speed,
      "Time scale of live sessions (default: the scenario's)", "X" },
    { "add-count", 0, 0, G_OPTION_ARG_INT, &app->add_count,
      "Records SIGUSR2 adds (default 10)", "N" },
    { "list-scenarios", 0, 0, G_OPTION_ARG_NONE, &list, "List scenarios and exit", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Debug messages", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— an LSP v1 sensor over BlueZ");

  g_option_context_set_description (context,
      "Signals: SIGUSR1 starts a live session, SIGUSR2 adds records,\n"
      "SIGHUP erases the store and takes a new record epoch.\n");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (list)
    {
      for (const char *const *n = lsp_sim_scenario_names (); *n != NULL; n++)
        g_print ("%-12s %s\n", *n, lsp_sim_scenario_help (*n));
      exit (EXIT_SUCCESS);
    }
  if (verbose)
    g_setenv ("G_MESSAGES_DEBUG", G_LOG_DOMAIN, TRUE);
  if (app->adapter == NULL)
    app->adapter = g_strdup ("hci0");
  if (app->scenario == NULL)
    app->scenario = g_strdup ("demo");
  if (app->session_seconds <= 0 || app->session_seconds > 14400)
    app->session_seconds = 120;
  if (app->add_count <= 0)
    app->add_count = 10;
  if (strchr (app->adapter, '/') != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--adapter takes a name like hci0, not a path");
      return FALSE;
    }
  app->adapter_path = g_strconcat ("/org/bluez/", app->adapter, NULL);
  return TRUE;
}

int
main (int argc, char **argv)
{
  SimApp app = { .exit_code = EXIT_SUCCESS };
  g_autoptr(GError) error = NULL;
  guint sigs[5];

  setlocale (LC_ALL, "");
  if (!parse_options (&app, &argc, &argv, &error))
    {
      g_printerr ("lactd-sim: %s\n", error->message);
      sim_app_clear (&app);
      return 2;
    }

  app.sensor = lsp_sim_sensor_new_for_scenario (app.scenario, &error);
  if (app.sensor == NULL)
    {
      g_printerr ("lactd-sim: %s\n", error->message);
      sim_app_clear (&app);
      return 2;
    }
  if (app.speed > 0)
    lsp_sim_sensor_set_speed (app.sensor, app.speed);
  if (app.name == NULL)
    app.name = g_strdup (lsp_sim_sensor_get_kind (app.sensor) == LSP_SENSOR_KIND_SNS
                         ? "LSP SNS" : "LSP Pump");

  app.bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (app.bus == NULL)
    {
      g_printerr ("lactd-sim: cannot reach the system bus: %s\n", error->message);
      sim_app_clear (&app);
      return 1;
    }
  app.connected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  app.loop = g_main_loop_new (NULL, FALSE);
  app.gatt = sim_gatt_new (app.bus, app.sensor, app.name, on_gatt_changed, &app, &error);
  if (app.gatt == NULL)
    {
      g_printerr ("lactd-sim: cannot export objects: %s\n", error->message);
      sim_app_clear (&app);
      return 1;
    }

  g_signal_connect (app.sensor, "link-lost", G_CALLBACK (on_link_lost), &app);
  g_signal_connect (app.sensor, "session-started", G_CALLBACK (on_session_started), &app);
  g_signal_connect (app.sensor, "session-ended", G_CALLBACK (on_session_ended), &app);
  g_signal_connect (app.sensor, "delete-requested", G_CALLBACK (on_delete_requested), &app);

  app.props_sub = g_dbus_connection_signal_subscribe (app.bus, BLUEZ,
      "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, properties_changed_cb, &app, NULL);
  app.removed_sub = g_dbus_connection_signal_subscribe (app.bus, BLUEZ,
      "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved", "/", NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, interfaces_removed_cb, &app, NULL);
  app.added_sub = g_dbus_connection_signal_subscribe (app.bus, BLUEZ,
      "org.freedesktop.DBus.ObjectManager", "InterfacesAdded", "/", NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, interfaces_added_cb, &app, NULL);
  app.bluez_watch = g_bus_watch_name_on_connection (app.bus, BLUEZ,
      G_BUS_NAME_WATCHER_FLAGS_NONE, bluez_appeared_cb, bluez_vanished_cb, &app, NULL);

  sigs[0] = g_unix_signal_add (SIGUSR1, start_session_cb, &app);
  sigs[1] = g_unix_signal_add (SIGUSR2, add_records_cb, &app);
  sigs[2] = g_unix_signal_add (SIGHUP, reset_epoch_cb, &app);
  sigs[3] = g_unix_signal_add (SIGINT, quit_cb, &app);
  sigs[4] = g_unix_signal_add (SIGTERM, quit_cb, &app);

  g_message ("scenario %s: %u records, epoch %u, adapter %s", app.scenario,
             lsp_sim_sensor_get_n_records (app.sensor),
             lsp_sim_sensor_get_epoch (app.sensor), app.adapter);
  schedule_status (&app);
  g_main_loop_run (app.loop);

  unregister_all (&app);
  for (guint i = 0; i < G_N_ELEMENTS (sigs); i++)
    g_source_remove (sigs[i]);
  if (app.status_file != NULL)
    write_status_cb (&app);
  sim_app_clear (&app);
  return app.exit_code;
}
