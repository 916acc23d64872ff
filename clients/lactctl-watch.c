/* lactctl-watch.c — `lactctl watch`: follows lactd appearing and
 * vanishing (like iio-sensor-proxy's monitor-sensor) and prints a line per
 * change: as text, as one JSON object per line (--json), or as waybar
 * custom-module JSON lines (--format=waybar) re-printed whenever the state
 * changes. Text on a terminal shows the live session as one line updated
 * in place (lactctl-term.h), the other changes as lines above it; text on
 * a pipe stays a line per change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactctl"

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "lactctl.h"
#include "lactctl-term.h"

typedef enum {
  WATCH_TEXT,
  WATCH_JSON,
  WATCH_WAYBAR,
} WatchFormat;

typedef struct {
  LactctlApp *app;
  WatchFormat format;
  gboolean present;
  gboolean seen_absent;
  LactdManager1 *manager;
  LactdHistory1 *history;
  LactdGoals1 *goals;
  GHashTable *sensors;      /* object path → LactdSensor1 proxy */
  char *live_sensor;        /* the sensor of the running session, or NULL */
  GVariant *live;           /* its latest live dictionary */
  gboolean reminder_pending;
  char *last_waybar;
  gboolean terminal;        /* text on a terminal: the live line is drawn */
  gboolean live_shown;      /* the live line is on screen, cursor after it */
} LactctlWatch;

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static const char *
or_unknown (const char *value)
{
  return value != NULL ? value : "unknown";
}

static gboolean
dict_has (GVariant *dict, const char *key)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (dict, key, NULL);
  return value != NULL;
}

/* ------------------------------------------------------------ output */

/* Wipes the live line so that the cursor is at the start of an empty
 * line. */
static void
live_line_clear (LactctlWatch *watch)
{
  if (!watch->live_shown)
    return;
  g_print ("\r\033[K");
  fflush (stdout);
  watch->live_shown = FALSE;
}

/* Draws the live session over the live line, in place. */
static void
live_line_draw (LactctlWatch *watch)
{
  g_autofree char *line = NULL;

  if (!watch->terminal || watch->live == NULL || g_variant_n_children (watch->live) == 0)
    {
      live_line_clear (watch);
      return;
    }
  line = lactctl_term_live_line (watch->live, lactctl_term_columns (stdout));
  g_print ("\r\033[K%s", line);
  fflush (stdout);
  watch->live_shown = TRUE;
}

static void
print_text (LactctlWatch *watch, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
print_text (LactctlWatch *watch, const char *format, ...)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *message = NULL;
  g_autofree char *printable = NULL;
  va_list args;

  if (watch->format != WATCH_TEXT)
    return;
  now = g_date_time_new_now (watch->app->local_tz);
  stamp = g_date_time_format (now, "%H:%M:%S");
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  printable = lactd_client_printable (message);
  /* Above the live line: wipe it, print, draw it again below. */
  live_line_clear (watch);
  g_print ("%s  %s\n", stamp, printable);
  fflush (stdout);
  live_line_draw (watch);
}

static JsonObject *
event_new (const char *name)
{
  JsonObject *event = json_object_new ();

  json_object_set_string_member (event, "event", name);
  json_object_set_int_member (event, "time", now_unix ());
  return event;
}

static void
event_print (LactctlWatch *watch, JsonObject *event)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  if (watch->format == WATCH_JSON)
    {
      json_node_set_object (node, event);
      lactctl_json_print (node, FALSE);
    }
  json_object_unref (event);
}

static const char *
sensor_address (LactctlWatch *watch, const char *path)
{
  LactdSensor1 *sensor = watch->sensors != NULL
                         ? g_hash_table_lookup (watch->sensors, path) : NULL;
  const char *address = sensor != NULL ? lactd_sensor1_get_address (sensor) : NULL;

  return address != NULL ? address : path;
}

/* -------------------------------------------------------------- waybar */

static void
append_volume (GString *text, GVariant *dict)
{
  double left = 0, right = 0, supplement = 0;
  gboolean has_left = lactctl_dict_double (dict, "volume_left_ml", &left);
  gboolean has_right = lactctl_dict_double (dict, "volume_right_ml", &right);

  if (has_left || has_right)
    g_string_append_printf (text, " %.1f mL", left + right);
  if (lactctl_dict_double (dict, "supplement_ml", &supplement))
    g_string_append_printf (text, " +%.1f mL", supplement);
}

static void
waybar_update (LactctlWatch *watch)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) tooltip = g_string_new (NULL);
  const char *class;
  gint64 percentage = 0;
  g_autofree char *line = NULL;

  if (watch->format != WATCH_WAYBAR)
    return;

  if (!watch->present || watch->goals == NULL)
    {
      g_string_append (text, "lactd off");
      g_string_append (tooltip, "lactd is not running; start it with "
                                "`systemctl --user start lactd`");
      class = "offline";
    }
  else
    {
      g_autoptr(GVariant) progress = lactd_goals1_dup_progress (watch->goals);
      guint32 sessions = lactctl_dict_uint (progress, "sessions", 0);
      guint32 target = lactctl_dict_uint (progress, "target", 0);
      gint64 next_due = lactd_goals1_get_next_due (watch->goals);
      g_autofree char *next = lactctl_format_clock (watch->app, next_due);
      g_autofree char *left =
        lactctl_format_duration (lactctl_dict_uint (progress, "seconds_left", 0));
      g_autofree char *right =
        lactctl_format_duration (lactctl_dict_uint (progress, "seconds_right", 0));
      double expressed = 0, supplement = 0;

      lactctl_dict_double (progress, "expressed_ml", &expressed);
      lactctl_dict_double (progress, "supplement_ml", &supplement);
      if (target > 0)
        percentage = MIN (100, (gint64) sessions * 100 / target);

      if (watch->live != NULL)
        {
          g_autofree char *elapsed =
            lactctl_format_elapsed (lactctl_dict_uint (watch->live, "elapsed", 0));
          g_string_append (text, elapsed);
          append_volume (text, watch->live);
          g_string_append_printf (tooltip, "Session running on %s: %s, side %s\n",
                                  sensor_address (watch, watch->live_sensor),
                                  lactctl_dict_string (watch->live, "phase", "?"),
                                  lactctl_dict_string (watch->live, "side", "?"));
          class = "session";
        }
      else
        {
          g_string_append_printf (text, "%u/%u", sessions, target);
          if (next_due > 0)
            g_string_append_printf (text, " next %s", next);
          class = watch->reminder_pending ? "overdue"
                  : target > 0 && sessions >= target ? "done" : "ok";
        }
      g_string_append_printf (tooltip,
                              "Last 24 h: %u of %u sessions\n"
                              "Left %s, right %s\n"
                              "Expressed %.1f mL, supplement %.1f mL\n"
                              "Next due: %s%s",
                              sessions, target, left, right, expressed,
                              supplement, next,
                              watch->reminder_pending ? " (overdue)" : "");
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text->str);
  json_builder_set_member_name (builder, "tooltip");
  json_builder_add_string_value (builder, tooltip->str);
  json_builder_set_member_name (builder, "class");
  json_builder_add_string_value (builder, class);
  json_builder_set_member_name (builder, "percentage");
  json_builder_add_int_value (builder, percentage);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);

  if (g_strcmp0 (line, watch->last_waybar) == 0)
    return;
  g_print ("%s\n", line);
  fflush (stdout);
  g_free (watch->last_waybar);
  watch->last_waybar = g_steal_pointer (&line);
}

/* ------------------------------------------------------------ sensors */

static void
on_sensor_properties_changed (GDBusProxy *proxy, GVariant *changed,
                              GStrv invalidated, gpointer user_data)
{
  LactctlWatch *watch = user_data;
  const char *path = g_dbus_proxy_get_object_path (proxy);
  const char *address = sensor_address (watch, path);
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean connected;
  guchar battery;
  const char *state;
  JsonObject *event;

  if (g_variant_lookup (changed, "Connected", "b", &connected))
    g_string_append_printf (line, ", %s", connected ? "connected" : "disconnected");
  if (g_variant_lookup (changed, "SyncState", "&s", &state))
    {
      g_string_append_printf (line, ", sync %s", state);
      if (g_str_equal (state, "error"))
        g_string_append_printf (line, " (%s)",
                                lactd_sensor1_get_last_error (LACTD_SENSOR1 (proxy)));
    }
  if (g_variant_lookup (changed, "Battery", "y", &battery))
    {
      if (battery <= 100)
        g_string_append_printf (line, ", battery %u %%", battery);
      else
        g_string_append (line, ", battery unknown");
    }
  if (line->len > 0)
    print_text (watch, "sensor %s%s", address, line->str);

  event = event_new ("sensor");
  json_object_set_string_member (event, "sensor", path);
  json_object_set_string_member (event, "address", address);
  json_object_set_member (event, "changed", lactctl_json_from_variant (changed));
  event_print (watch, event);
  waybar_update (watch);
}

/* Sensors already paired when lactd appears are counted in its line;
 * only later changes (watch->present) are announced. */
static void
on_sensor_added (const char *path, LactdSensor1 *sensor, const GError *error,
                 gpointer user_data)
{
  LactctlWatch *watch = user_data;

  if (sensor == NULL)
    {
      g_printerr ("lactctl: watch: sensor %s: %s\n", path, error->message);
      return;
    }
  if (watch->present)
    {
      JsonObject *event = event_new ("sensor-added");
      print_text (watch, "sensor %s added (%s)",
                  lactd_sensor1_get_address (sensor), path);
      json_object_set_string_member (event, "sensor", path);
      json_object_set_member (event, "properties",
                              lactctl_json_from_proxy (G_DBUS_PROXY (sensor),
                                                       lactctl_sensor_properties));
      event_print (watch, event);
    }
  /* A session already running when we start. */
  if (watch->live == NULL)
    {
      g_autoptr(GVariant) live = lactd_sensor1_dup_live (sensor);
      if (live != NULL && g_variant_n_children (live) > 0)
        {
          watch->live = g_steal_pointer (&live);
          watch->live_sensor = g_strdup (path);
        }
    }
}

static void
on_sensor_removed (const char *path, gpointer user_data)
{
  LactctlWatch *watch = user_data;
  JsonObject *event;

  if (!watch->present)
    return;
  event = event_new ("sensor-removed");
  print_text (watch, "sensor %s removed", sensor_address (watch, path));
  json_object_set_string_member (event, "sensor", path);
  event_print (watch, event);
}

static void
sensors_sync (LactctlWatch *watch)
{
  lactd_client_sync_sensors (watch->manager, watch->sensors,
                             G_CALLBACK (on_sensor_properties_changed),
                             on_sensor_added, on_sensor_removed, watch);
}

/* ---------------------------------------------------- Manager1 signals */

static void
on_progress (LactdManager1 *manager, const char *sensor, GVariant *live,
             gpointer user_data)
{
  LactctlWatch *watch = user_data;
  g_autofree char *elapsed =
    lactctl_format_elapsed (lactctl_dict_uint (live, "elapsed", 0));
  g_autofree char *left = lactctl_format_dict_volume (live, "volume_left_ml");
  g_autofree char *right = lactctl_format_dict_volume (live, "volume_right_ml");
  JsonObject *event;

  g_clear_pointer (&watch->live, g_variant_unref);
  watch->live = g_variant_ref (live);
  if (g_strcmp0 (watch->live_sensor, sensor) != 0)
    {
      g_free (watch->live_sensor);
      watch->live_sensor = g_strdup (sensor);
    }
  if (watch->terminal)
    live_line_draw (watch);
  else
    print_text (watch, "progress %s: %s elapsed, %s, side %s, left %s, right %s",
                sensor_address (watch, sensor), elapsed,
                lactctl_dict_string (live, "phase", "?"),
                lactctl_dict_string (live, "side", "?"), left, right);
  event = event_new ("progress");
  json_object_set_string_member (event, "sensor", sensor);
  json_object_set_string_member (event, "address", sensor_address (watch, sensor));
  json_object_set_member (event, "live", lactctl_json_from_variant (live));
  event_print (watch, event);
  waybar_update (watch);
}

/* SessionStarted and SessionEnded print alike; HOW is "started" or
 * "ended". */
static void
print_session_event (LactctlWatch *watch, const char *how, const char *sensor,
                     guint seq)
{
  g_autofree char *name = g_strconcat ("session-", how, NULL);
  JsonObject *event = event_new (name);

  print_text (watch, "session %u %s on %s", seq, how,
              sensor_address (watch, sensor));
  json_object_set_string_member (event, "sensor", sensor);
  json_object_set_string_member (event, "address", sensor_address (watch, sensor));
  json_object_set_int_member (event, "seq", seq);
  event_print (watch, event);
  waybar_update (watch);
}

static void
on_session_started (LactdManager1 *manager, const char *sensor, guint seq,
                    gpointer user_data)
{
  LactctlWatch *watch = user_data;

  watch->reminder_pending = FALSE;
  g_clear_pointer (&watch->live, g_variant_unref);
  watch->live = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  g_free (watch->live_sensor);
  watch->live_sensor = g_strdup (sensor);
  print_session_event (watch, "started", sensor, seq);
}

static void
on_session_ended (LactdManager1 *manager, const char *sensor, guint seq,
                  gpointer user_data)
{
  LactctlWatch *watch = user_data;

  if (g_strcmp0 (watch->live_sensor, sensor) == 0)
    {
      g_clear_pointer (&watch->live, g_variant_unref);
      g_clear_pointer (&watch->live_sensor, g_free);
    }
  print_session_event (watch, "ended", sensor, seq);
}

static void
on_pairing_passkey (LactdManager1 *manager, const char *address, guint passkey,
                    gboolean confirm, gpointer user_data)
{
  LactctlWatch *watch = user_data;
  JsonObject *event = event_new ("pairing-passkey");

  print_text (watch, "pairing %s: passkey %06u%s", address, passkey,
              confirm ? " (to compare)" : "");
  json_object_set_string_member (event, "address", address);
  json_object_set_int_member (event, "passkey", passkey);
  json_object_set_boolean_member (event, "confirm", confirm);
  event_print (watch, event);
}

static void
on_manager_properties_changed (GDBusProxy *proxy, GVariant *changed,
                               GStrv invalidated, gpointer user_data)
{
  LactctlWatch *watch = user_data;
  const char *state;

  if (g_variant_lookup (changed, "BluetoothState", "&s", &state))
    {
      JsonObject *event = event_new ("bluetooth");
      print_text (watch, "bluetooth %s", state);
      json_object_set_string_member (event, "state", state);
      event_print (watch, event);
    }
  if (dict_has (changed, "Sensors"))
    sensors_sync (watch);
  waybar_update (watch);
}

/* ------------------------------------------- History1, Goals1 signals */

static void
on_session_added (LactdHistory1 *history, GVariant *session, gpointer user_data)
{
  LactctlWatch *watch = user_data;
  g_autofree char *start =
    lactctl_format_local_time (watch->app, lactctl_dict_int64 (session, "start", 0));
  g_autofree char *left =
    lactctl_format_duration (lactctl_dict_uint (session, "duration_left", 0));
  g_autofree char *right =
    lactctl_format_duration (lactctl_dict_uint (session, "duration_right", 0));
  JsonObject *event = event_new ("session-added");

  watch->reminder_pending = FALSE;
  print_text (watch, "session %" G_GINT64_FORMAT " stored: %s %s, left %s, right %s",
              lactctl_dict_int64 (session, "id", 0),
              lactctl_dict_string (session, "kind", "?"), start, left, right);
  json_object_set_member (event, "session", lactctl_json_from_variant (session));
  event_print (watch, event);
  waybar_update (watch);
}

static void
on_reminder_due (LactdGoals1 *goals, const char *kind, gint64 due,
                 const char *message, gpointer user_data)
{
  LactctlWatch *watch = user_data;
  JsonObject *event = event_new ("reminder-due");

  watch->reminder_pending = TRUE;
  print_text (watch, "reminder (%s): %s", kind, message);
  json_object_set_string_member (event, "kind", kind);
  json_object_set_int_member (event, "due", due);
  json_object_set_string_member (event, "message", message);
  event_print (watch, event);
  waybar_update (watch);
}

static void
on_goals_properties_changed (GDBusProxy *proxy, GVariant *changed,
                             GStrv invalidated, gpointer user_data)
{
  LactctlWatch *watch = user_data;
  g_autoptr(GVariant) progress = g_variant_lookup_value (changed, "Progress", NULL);
  gint64 next_due;
  JsonObject *event;

  if (progress != NULL)
    print_text (watch, "last 24 h: %u of %u sessions",
                lactctl_dict_uint (progress, "sessions", 0),
                lactctl_dict_uint (progress, "target", 0));
  if (g_variant_lookup (changed, "NextDue", "x", &next_due))
    {
      g_autofree char *when = lactctl_format_clock (watch->app, next_due);
      print_text (watch, "next due: %s", when);
      /* Dismissed, snoozed into the future or a new session. */
      if (next_due == 0 || next_due > now_unix ())
        watch->reminder_pending = FALSE;
    }
  if (dict_has (changed, "Goal"))
    print_text (watch, "goal changed");
  event = event_new ("goals");
  json_object_set_member (event, "changed", lactctl_json_from_variant (changed));
  event_print (watch, event);
  waybar_update (watch);
}

/* ---------------------------------------------------------- presence */

static void
watch_drop_daemon (LactctlWatch *watch)
{
  lactd_client_proxies_clear (&watch->manager, &watch->history, &watch->goals,
                              watch);
  if (watch->sensors != NULL)
    g_hash_table_remove_all (watch->sensors);
  g_clear_pointer (&watch->live, g_variant_unref);
  g_clear_pointer (&watch->live_sensor, g_free);
  watch->present = FALSE;
}

static void
on_name_appeared (GDBusConnection *bus, const char *name, const char *owner,
                  gpointer user_data)
{
  LactctlWatch *watch = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *event;
  gint64 next_due;

  watch_drop_daemon (watch);
  if (!lactd_client_proxies_new (bus, name, &watch->manager, &watch->history,
                                 &watch->goals, &error))
    {
      g_printerr ("lactctl: watch: %s appeared but cannot be read: %s\n",
                  name, error->message);
      return;
    }
  sensors_sync (watch);
  watch->present = TRUE;
  next_due = lactd_goals1_get_next_due (watch->goals);
  watch->reminder_pending = next_due > 0 && next_due <= now_unix ();

  g_signal_connect (watch->manager, "progress", G_CALLBACK (on_progress), watch);
  g_signal_connect (watch->manager, "session-started",
                    G_CALLBACK (on_session_started), watch);
  g_signal_connect (watch->manager, "session-ended",
                    G_CALLBACK (on_session_ended), watch);
  g_signal_connect (watch->manager, "pairing-passkey",
                    G_CALLBACK (on_pairing_passkey), watch);
  g_signal_connect_after (watch->manager, "g-properties-changed",
                    G_CALLBACK (on_manager_properties_changed), watch);
  g_signal_connect (watch->history, "session-added",
                    G_CALLBACK (on_session_added), watch);
  g_signal_connect (watch->goals, "reminder-due",
                    G_CALLBACK (on_reminder_due), watch);
  g_signal_connect_after (watch->goals, "g-properties-changed",
                    G_CALLBACK (on_goals_properties_changed), watch);

  print_text (watch, "+++ lactd %s appeared (%s), Bluetooth %s, %u sensor(s)",
              or_unknown (lactd_manager1_get_version (watch->manager)), owner,
              or_unknown (lactd_manager1_get_bluetooth_state (watch->manager)),
              g_hash_table_size (watch->sensors));
  event = event_new ("appeared");
  json_object_set_string_member (event, "version",
                                 or_unknown (lactd_manager1_get_version (watch->manager)));
  json_object_set_string_member (event, "bluetooth",
                                 or_unknown (lactd_manager1_get_bluetooth_state (watch->manager)));
  json_object_set_member (event, "progress",
                          lactctl_json_from_variant (lactd_goals1_get_progress (watch->goals)));
  json_object_set_int_member (event, "next_due", next_due);
  event_print (watch, event);
  waybar_update (watch);
}

static void
on_name_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  LactctlWatch *watch = user_data;
  gboolean was_present = watch->present;
  JsonObject *event;

  if (!was_present && watch->seen_absent)
    return;
  watch_drop_daemon (watch);
  if (was_present)
    print_text (watch, "--- lactd vanished");
  else
    print_text (watch, "--- lactd is not running; waiting for it");
  watch->seen_absent = TRUE;
  event = event_new ("vanished");
  event_print (watch, event);
  waybar_update (watch);
}

int
lactctl_cmd_watch (LactctlApp *app, int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *format = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "One JSON object per line (same as --format=json)", NULL },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      "text, json, or waybar (JSON lines with text, tooltip, class, percentage)",
      "FORMAT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL,
                                "Prints a line per change until interrupted, following lactd\n"
                                "as it appears and vanishes. --format=waybar suits waybar's\n"
                                "custom module (\"return-type\": \"json\") and i3bar or polybar\n"
                                "scripts; its class is offline, session, overdue, done or ok.",
                                entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) sensors = NULL;
  LactctlWatch watch = { 0 };
  guint watch_id, sigint_id, sigterm_id;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;
  watch.format = json ? WATCH_JSON : WATCH_TEXT;
  if (format != NULL)
    {
      if (g_str_equal (format, "text") && !json)
        watch.format = WATCH_TEXT;
      else if (g_str_equal (format, "json"))
        watch.format = WATCH_JSON;
      else if (g_str_equal (format, "waybar") && !json)
        watch.format = WATCH_WAYBAR;
      else
        return lactctl_usage (app, "--format must be text, json or waybar, not '%s'%s",
                              format, json ? " with --json" : "");
    }

  app->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (app->bus == NULL)
    {
      g_printerr ("lactctl: cannot reach lactd: no session bus: %s\n", error->message);
      return LACTCTL_EXIT_UNREACHABLE;
    }

  sensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  watch.terminal = watch.format == WATCH_TEXT && lactctl_term_is_terminal (stdout);
  watch.app = app;
  watch.sensors = sensors;
  app->loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, lactd_client_quit_loop, app->loop);
  sigterm_id = g_unix_signal_add (SIGTERM, lactd_client_quit_loop, app->loop);
  watch_id = g_bus_watch_name_on_connection (app->bus, LACTD_BUS_NAME,
                                             G_BUS_NAME_WATCHER_FLAGS_AUTO_START,
                                             on_name_appeared, on_name_vanished,
                                             &watch, NULL);
  g_main_loop_run (app->loop);
  live_line_clear (&watch);

  g_bus_unwatch_name (watch_id);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  watch_drop_daemon (&watch);
  g_free (watch.last_waybar);
  return LACTCTL_EXIT_OK;
}
