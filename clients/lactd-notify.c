/* lactd-notify — shows lactd's reminders, sync errors and low sensor
 * batteries as desktop notifications (org.freedesktop.Notifications).
 *
 * A reminder gets the actions "Snooze 15 min" and "Dismiss", which call
 * org.lactd.Goals1. Every notification replaces the previous one
 * (replaces_id), so they never pile up. Bodies hold sensor names, which
 * anyone nearby can choose: they are escaped for a server that reads
 * markup. Follows lactd appearing and vanishing; runs for the whole
 * graphical session (lactd-notify.service).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-notify"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>

#include "lactd-client-common.h"

#define NOTIFY_BUS_NAME     "org.freedesktop.Notifications"
#define NOTIFY_OBJECT_PATH  "/org/freedesktop/Notifications"
#define NOTIFY_INTERFACE    "org.freedesktop.Notifications"

#define SNOOZE_MINUTES      15
#define BATTERY_LOW         15   /* percent: warn at or below */
#define BATTERY_RECOVERED   25   /* percent: warn again after rising above */

typedef struct {
  GDBusConnection *bus;
  GMainLoop *loop;
  LactdManager1 *manager;
  LactdGoals1 *goals;
  GHashTable *sensors;          /* object path → LactdSensor1 proxy */
  GHashTable *battery_warned;   /* object paths warned about */
  guint32 notification_id;      /* the one notification we show, or 0 */
  gboolean notification_is_reminder;
} LactdNotify;

/* ------------------------------------------------------ notifications */

static void
on_notify_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LactdNotify *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_warning ("Showing a notification failed: %s", error->message);
      return;
    }
  g_variant_get (reply, "(u)", &self->notification_id);
  g_debug ("Notification %u shown", self->notification_id);
}

/* One notification on its way: the server's capabilities decide whether
 * the body is sent as markup. */
typedef struct {
  LactdNotify *self;
  char *summary;
  char *body;
  gboolean reminder;
  guchar urgency;
  char *category;
} Notification;

static void
notification_free (Notification *n)
{
  g_free (n->summary);
  g_free (n->body);
  g_free (n->category);
  g_free (n);
}

static void
send_notification (Notification *n, gboolean body_markup)
{
  LactdNotify *self = n->self;
  GVariantBuilder actions;
  GVariantBuilder hints;
  g_autofree char *plain = lactd_client_printable (n->body);
  /* Names in the body ("Mom & Baby", "<b>") are text, not markup; a server
   * without body-markup shows the body as it is (the specification). */
  g_autofree char *body = body_markup ? g_markup_escape_text (plain, -1)
                                      : g_strdup (plain);

  g_variant_builder_init (&actions, G_VARIANT_TYPE_STRING_ARRAY);
  if (n->reminder)
    {
      g_variant_builder_add (&actions, "s", "snooze");
      g_variant_builder_add (&actions, "s", "Snooze 15 min");
      g_variant_builder_add (&actions, "s", "dismiss");
      g_variant_builder_add (&actions, "s", "Dismiss");
    }
  g_variant_builder_init (&hints, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&hints, "{sv}", "urgency", g_variant_new_byte (n->urgency));
  g_variant_builder_add (&hints, "{sv}", "category", g_variant_new_string (n->category));
  g_variant_builder_add (&hints, "{sv}", "desktop-entry", g_variant_new_string ("lactd"));

  self->notification_is_reminder = n->reminder;
  g_dbus_connection_call (self->bus, NOTIFY_BUS_NAME, NOTIFY_OBJECT_PATH,
                          NOTIFY_INTERFACE, "Notify",
                          g_variant_new ("(susssasa{sv}i)", "lactd",
                                         self->notification_id,
                                         "appointment-soon", n->summary, body,
                                         &actions, &hints, -1),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, on_notify_done, self);
}

static void
on_capabilities (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Notification *n = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autofree const char **caps = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(^a&s)", &caps);
  else
    g_debug ("GetCapabilities: %s", error->message);
  send_notification (n, caps != NULL
                        && g_strv_contains (caps, "body-markup"));
  notification_free (n);
}

static void
notify (LactdNotify *self, const char *summary, const char *body,
        gboolean reminder, guchar urgency, const char *category)
{
  Notification *n = g_new0 (Notification, 1);

  n->self = self;
  n->summary = g_strdup (summary);
  n->body = g_strdup (body);
  n->reminder = reminder;
  n->urgency = urgency;
  n->category = g_strdup (category);
  /* Asked every time: the server may have been replaced meanwhile. */
  g_dbus_connection_call (self->bus, NOTIFY_BUS_NAME, NOTIFY_OBJECT_PATH,
                          NOTIFY_INTERFACE, "GetCapabilities", NULL,
                          G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, on_capabilities, n);
}

static void
on_goals_call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  const char *what = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_str_equal (what, "snooze"))
    ok = lactd_goals1_call_snooze_finish (LACTD_GOALS1 (source), result, &error);
  else
    ok = lactd_goals1_call_dismiss_finish (LACTD_GOALS1 (source), result, &error);
  if (!ok)
    {
      g_dbus_error_strip_remote_error (error);
      g_warning ("%s failed: %s", what, error->message);
    }
  else
    g_debug ("%s done", what);
}

static void
on_action_invoked (GDBusConnection *bus, const char *sender, const char *path,
                   const char *interface, const char *signal,
                   GVariant *parameters, gpointer user_data)
{
  LactdNotify *self = user_data;
  guint32 id;
  const char *action;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(us)")))
    return;
  g_variant_get (parameters, "(u&s)", &id, &action);
  if (id == 0 || id != self->notification_id || !self->notification_is_reminder)
    return;
  if (self->goals == NULL)
    {
      g_warning ("Cannot %s the reminder: lactd is not running", action);
      return;
    }
  g_message ("Action %s on notification %u", action, id);
  if (g_str_equal (action, "snooze"))
    lactd_goals1_call_snooze (self->goals, SNOOZE_MINUTES, NULL,
                              on_goals_call_done, (gpointer) "snooze");
  else if (g_str_equal (action, "dismiss") || g_str_equal (action, "default"))
    lactd_goals1_call_dismiss (self->goals, NULL, on_goals_call_done,
                               (gpointer) "dismiss");
}

static void
on_notification_closed (GDBusConnection *bus, const char *sender,
                        const char *path, const char *interface,
                        const char *signal, GVariant *parameters,
                        gpointer user_data)
{
  LactdNotify *self = user_data;
  guint32 id, reason;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(uu)")))
    return;
  g_variant_get (parameters, "(uu)", &id, &reason);
  if (id != 0 && id == self->notification_id)
    {
      g_debug ("Notification %u closed (reason %u)", id, reason);
      self->notification_id = 0;
    }
}

/* ------------------------------------------------------------ lactd */

static void
on_reminder_due (LactdGoals1 *goals, const char *kind, gint64 due,
                 const char *message, gpointer user_data)
{
  LactdNotify *self = user_data;
  gboolean battery = g_str_equal (kind, "battery");
  const char *summary = battery ? "Sensor battery low"
                        : g_str_equal (kind, "night") ? "Night session due"
                        : "Session due";

  g_message ("ReminderDue %s: %s", kind, message);
  notify (self, summary, message, !battery, battery ? 1 : 2,
          battery ? "device" : "x-lactd.reminder");
}

static const char *
sensor_name (LactdSensor1 *sensor)
{
  const char *name = lactd_sensor1_get_name (sensor);

  if (name == NULL || name[0] == '\0')
    name = lactd_sensor1_get_address (sensor);
  return name != NULL ? name : "sensor";
}

static void
check_battery (LactdNotify *self, LactdSensor1 *sensor)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (sensor));
  guint battery = lactd_sensor1_get_battery (sensor);

  if (battery > 100)
    return;
  if (battery > BATTERY_RECOVERED)
    g_hash_table_remove (self->battery_warned, path);
  else if (battery <= BATTERY_LOW &&
           !g_hash_table_contains (self->battery_warned, path))
    {
      g_autofree char *body =
        g_strdup_printf ("%s has %u %% battery left; charge it before the next session.",
                         sensor_name (sensor), battery);
      g_hash_table_add (self->battery_warned, g_strdup (path));
      notify (self, "Sensor battery low", body, FALSE, 1, "device");
    }
}

static void
on_sensor_properties_changed (GDBusProxy *proxy, GVariant *changed,
                              GStrv invalidated, gpointer user_data)
{
  LactdNotify *self = user_data;
  LactdSensor1 *sensor = LACTD_SENSOR1 (proxy);
  const char *state;
  guchar battery;

  if (g_variant_lookup (changed, "SyncState", "&s", &state) &&
      g_str_equal (state, "error"))
    {
      const char *error = lactd_sensor1_get_last_error (sensor);
      g_autofree char *body =
        g_strdup_printf ("%s: %s", sensor_name (sensor),
                         error != NULL && error[0] != '\0' ? error : "unknown error");
      g_message ("Sync error: %s", body);
      notify (self, "Sensor sync failed", body, FALSE, 1, "device.error");
    }
  if (g_variant_lookup (changed, "Battery", "y", &battery))
    check_battery (self, sensor);
}

static void
on_sensor_added (const char *path, LactdSensor1 *sensor, const GError *error,
                 gpointer user_data)
{
  LactdNotify *self = user_data;

  if (sensor == NULL)
    {
      g_warning ("Sensor %s: %s", path, error->message);
      return;
    }
  g_debug ("Watching sensor %s", path);
  check_battery (self, sensor);
}

static void
on_sensor_removed (const char *path, gpointer user_data)
{
  LactdNotify *self = user_data;

  g_hash_table_remove (self->battery_warned, path);
}

static void
sensors_sync (LactdNotify *self)
{
  lactd_client_sync_sensors (self->manager, self->sensors,
                             G_CALLBACK (on_sensor_properties_changed),
                             on_sensor_added, on_sensor_removed, self);
}

static void
on_manager_properties_changed (GDBusProxy *proxy, GVariant *changed,
                               GStrv invalidated, gpointer user_data)
{
  LactdNotify *self = user_data;
  g_autoptr(GVariant) sensors = g_variant_lookup_value (changed, "Sensors", NULL);

  if (sensors != NULL)
    sensors_sync (self);
}

static void
drop_daemon (LactdNotify *self)
{
  lactd_client_proxies_clear (&self->manager, NULL, &self->goals, self);
  g_hash_table_remove_all (self->sensors);
}

static void
on_name_appeared (GDBusConnection *bus, const char *name, const char *owner,
                  gpointer user_data)
{
  LactdNotify *self = user_data;
  g_autoptr(GError) error = NULL;

  drop_daemon (self);
  if (!lactd_client_proxies_new (bus, name, &self->manager, NULL, &self->goals,
                                 &error))
    {
      g_warning ("lactd appeared but cannot be read: %s", error->message);
      return;
    }
  g_signal_connect (self->goals, "reminder-due", G_CALLBACK (on_reminder_due), self);
  g_signal_connect_after (self->manager, "g-properties-changed",
                    G_CALLBACK (on_manager_properties_changed), self);
  sensors_sync (self);
  g_message ("Following lactd (%s)", owner);
}

static void
on_name_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  LactdNotify *self = user_data;

  if (self->goals != NULL)
    g_message ("lactd vanished");
  else
    g_message ("Waiting for lactd");
  drop_daemon (self);
}

int
main (int argc, char **argv)
{
  gboolean verbose = FALSE, version = FALSE;
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print debug messages", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) sensors = NULL;
  g_autoptr(GHashTable) battery_warned = NULL;
  LactdNotify self = { 0 };
  guint watch_id, action_sub, closed_sub, sigint_id, sigterm_id;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context,
                                "Shows lactd's reminders, sync errors and low sensor batteries\n"
                                "as desktop notifications.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lactd-notify: %s\nTry 'lactd-notify --help'\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("lactd-notify %s\n", VERSION);
      return 0;
    }
  /* Every message on stderr (the journal under systemd). */
  g_log_writer_default_set_use_stderr (TRUE);
  if (verbose)
    g_log_set_debug_enabled (TRUE);

  self.bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (self.bus == NULL)
    {
      g_printerr ("lactd-notify: no session bus: %s\n", error->message);
      return 1;
    }
  sensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  battery_warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.sensors = sensors;
  self.battery_warned = battery_warned;
  self.loop = g_main_loop_new (NULL, FALSE);

  action_sub = g_dbus_connection_signal_subscribe (self.bus, NOTIFY_BUS_NAME,
                                                   NOTIFY_INTERFACE, "ActionInvoked",
                                                   NOTIFY_OBJECT_PATH, NULL,
                                                   G_DBUS_SIGNAL_FLAGS_NONE,
                                                   on_action_invoked, &self, NULL);
  closed_sub = g_dbus_connection_signal_subscribe (self.bus, NOTIFY_BUS_NAME,
                                                   NOTIFY_INTERFACE, "NotificationClosed",
                                                   NOTIFY_OBJECT_PATH, NULL,
                                                   G_DBUS_SIGNAL_FLAGS_NONE,
                                                   on_notification_closed, &self, NULL);
  sigint_id = g_unix_signal_add (SIGINT, lactd_client_quit_loop, self.loop);
  sigterm_id = g_unix_signal_add (SIGTERM, lactd_client_quit_loop, self.loop);
  watch_id = g_bus_watch_name_on_connection (self.bus, LACTD_BUS_NAME,
                                             G_BUS_NAME_WATCHER_FLAGS_AUTO_START,
                                             on_name_appeared, on_name_vanished,
                                             &self, NULL);
  g_main_loop_run (self.loop);

  g_bus_unwatch_name (watch_id);
  g_dbus_connection_signal_unsubscribe (self.bus, action_sub);
  g_dbus_connection_signal_unsubscribe (self.bus, closed_sub);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  drop_daemon (&self);
  g_main_loop_unref (self.loop);
  g_object_unref (self.bus);
  return 0;
}
