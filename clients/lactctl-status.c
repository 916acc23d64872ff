/* lactctl-status.c — status, sensors, discover, forget, sync and
 * version: Manager1 and Sensor1. Names and messages from lactd pass
 * through lactd_client_printable() before they reach the terminal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactctl"

#include "config.h"

#include <string.h>

#include "lactctl.h"

GPtrArray *
lactctl_get_sensors (LactctlApp *app, int *exit_code)
{
  g_autoptr(GPtrArray) sensors = g_ptr_array_new_with_free_func (g_object_unref);
  const char *const *paths;

  if (!lactctl_connect (app))
    {
      *exit_code = LACTCTL_EXIT_UNREACHABLE;
      return NULL;
    }
  paths = lactd_manager1_get_sensors (app->manager);
  for (gsize i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      LactdSensor1 *sensor =
        lactd_sensor1_proxy_new_sync (app->bus,
                                      G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                      LACTD_BUS_NAME, paths[i], NULL, &error);
      if (sensor == NULL)
        {
          *exit_code = lactctl_fail (app, "reading the sensors", error);
          return NULL;
        }
      g_ptr_array_add (sensors, sensor);
    }
  return g_steal_pointer (&sensors);
}

static char *
format_battery (guint8 battery)
{
  if (battery > 100)
    return g_strdup ("unknown");
  return g_strdup_printf ("%u %%", battery);
}

static char *
sensor_label (LactdSensor1 *sensor)
{
  g_autofree char *name = lactd_client_printable (lactd_sensor1_get_name (sensor));
  g_autofree char *address =
    lactd_client_printable (lactd_sensor1_get_address (sensor));

  if (name[0] != '\0')
    return g_strdup_printf ("%s (%s)", name, address[0] ? address : "?");
  return g_strdup (address[0] ? address : "?");
}

static JsonNode *
sensors_to_json (GPtrArray *sensors)
{
  g_autoptr(JsonArray) array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < sensors->len; i++)
    json_array_add_element (array,
                            lactctl_json_from_proxy (g_ptr_array_index (sensors, i),
                                                     lactctl_sensor_properties));
  json_node_set_array (node, array);
  return node;
}

static void
print_sensor_table (LactctlApp *app, GPtrArray *sensors)
{
  g_autoptr(LactctlTable) table =
    lactctl_table_new (8, "ADDRESS", "NAME", "KIND", "CONNECTED", ">BATTERY",
                       "SYNC", "LAST SYNC", "LAST SEEN");

  for (guint i = 0; i < sensors->len; i++)
    {
      LactdSensor1 *sensor = g_ptr_array_index (sensors, i);
      g_autofree char *battery = format_battery (lactd_sensor1_get_battery (sensor));
      g_autofree char *last_sync =
        lactctl_format_local_time (app, lactd_sensor1_get_last_sync (sensor));
      g_autofree char *last_seen =
        lactctl_format_local_time (app, lactd_sensor1_get_last_seen (sensor));
      const char *sync_state = lactd_sensor1_get_sync_state (sensor);
      const char *last_error = lactd_sensor1_get_last_error (sensor);
      g_autofree char *sync = NULL;

      if (g_strcmp0 (sync_state, "error") == 0 && last_error != NULL &&
          last_error[0] != '\0')
        sync = g_strdup_printf ("error: %s", last_error);
      else
        sync = g_strdup (sync_state != NULL ? sync_state : "?");

      lactctl_table_add_row (table, lactd_sensor1_get_address (sensor),
                             lactd_sensor1_get_name (sensor),
                             lactd_sensor1_get_kind (sensor),
                             lactd_sensor1_get_connected (sensor) ? "yes" : "no",
                             battery, sync, last_sync, last_seen);
    }
  lactctl_table_print (table, stdout);
}

/* ------------------------------------------------------------ status */

static void
print_live (LactctlApp *app, LactdSensor1 *sensor, GVariant *live)
{
  g_autofree char *label = sensor_label (sensor);
  g_autofree char *elapsed =
    lactctl_format_elapsed (lactctl_dict_uint (live, "elapsed", 0));
  g_autofree char *left = lactctl_format_dict_volume (live, "volume_left_ml");
  g_autofree char *right = lactctl_format_dict_volume (live, "volume_right_ml");
  double supplement;

  g_print ("Live session:  %s, %s elapsed, %s, side %s\n", label, elapsed,
           lactctl_dict_string (live, "phase", "?"),
           lactctl_dict_string (live, "side", "?"));
  g_print ("               left %s, right %s", left, right);
  if (lactctl_dict_double (live, "supplement_ml", &supplement))
    {
      g_autofree char *s = lactctl_format_volume (supplement);
      g_print (", supplement %s", s);
    }
  g_print ("\n");
}

static void
print_status (LactctlApp *app, GPtrArray *sensors, GVariant *progress,
              gint64 next_due)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *left = NULL, *right = NULL, *expressed = NULL,
                  *supplement = NULL;
  double ml = 0;
  gboolean any_live = FALSE;

  const char *recovery = lactd_manager1_get_store_recovery (app->manager);

  g_print ("Daemon:        lactd %s\n", lactd_manager1_get_version (app->manager));
  if (recovery != NULL && *recovery != '\0')
    g_print ("Database:      %s\n", recovery);
  g_print ("Bluetooth:     %s\n", lactd_manager1_get_bluetooth_state (app->manager));
  if (sensors->len == 0)
    g_print ("Sensors:       none paired (pair one with 'lactctl pair ADDRESS')\n");
  for (guint i = 0; i < sensors->len; i++)
    {
      LactdSensor1 *sensor = g_ptr_array_index (sensors, i);
      g_autofree char *label = sensor_label (sensor);
      g_autofree char *battery = format_battery (lactd_sensor1_get_battery (sensor));
      g_autofree char *last_sync =
        lactctl_format_local_time (app, lactd_sensor1_get_last_sync (sensor));
      g_autofree char *kind = lactd_client_printable (lactd_sensor1_get_kind (sensor));
      g_autofree char *state =
        lactd_client_printable (lactd_sensor1_get_sync_state (sensor));
      g_autofree char *error =
        lactd_client_printable (lactd_sensor1_get_last_error (sensor));

      g_print ("%s%s, %s, %s, battery %s, sync %s, last sync %s\n",
               i == 0 ? "Sensors:       " : "               ", label, kind,
               lactd_sensor1_get_connected (sensor) ? "connected" : "away",
               battery, state, last_sync);
      if (g_str_equal (state, "error") && error[0] != '\0')
        g_print ("               last error: %s\n", error);
    }
  for (guint i = 0; i < sensors->len; i++)
    {
      LactdSensor1 *sensor = g_ptr_array_index (sensors, i);
      GVariant *live = lactd_sensor1_get_live (sensor);
      if (live != NULL && g_variant_n_children (live) > 0)
        {
          print_live (app, sensor, live);
          any_live = TRUE;
        }
    }
  if (!any_live)
    g_print ("Live session:  none\n");

  left = lactctl_format_duration (lactctl_dict_uint (progress, "seconds_left", 0));
  right = lactctl_format_duration (lactctl_dict_uint (progress, "seconds_right", 0));
  lactctl_dict_double (progress, "expressed_ml", &ml);
  expressed = lactctl_format_volume (ml);
  ml = 0;
  lactctl_dict_double (progress, "supplement_ml", &ml);
  supplement = lactctl_format_volume (ml);
  g_print ("Last 24 h:     %u of %u sessions%s\n",
           lactctl_dict_uint (progress, "sessions", 0),
           lactctl_dict_uint (progress, "target", 0),
           lactctl_dict_bool (progress, "night_done", FALSE) ? ", night session done" : "");
  g_print ("               left %s, right %s\n", left, right);
  g_print ("               expressed %s, supplement %s\n", expressed, supplement);
  if (next_due > 0)
    {
      g_autofree char *when = lactctl_format_clock (app, next_due);
      g_autofree char *relative = lactctl_format_relative (next_due, now);
      g_print ("Next due:      %s (%s)%s\n", when, relative,
               next_due <= now ? ", overdue" : "");
    }
  else
    g_print ("Next due:      none\n");
}

int
lactctl_cmd_status (LactctlApp *app, int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL,
                                "Shows the daemon, Bluetooth, the sensors, a live session,\n"
                                "the last 24 hours against the goal and when the next\n"
                                "session is due.", entries);
  g_autoptr(GPtrArray) sensors = NULL;
  g_autoptr(GVariant) progress = NULL;
  g_autoptr(GVariant) goal = NULL;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;
  sensors = lactctl_get_sensors (app, &exit_code);
  if (sensors == NULL)
    return exit_code;
  progress = lactd_goals1_dup_progress (app->goals);
  goal = lactd_goals1_dup_goal (app->goals);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, lactd_manager1_get_version (app->manager));
      json_builder_set_member_name (builder, "bluetooth");
      json_builder_add_string_value (builder,
                                     lactd_manager1_get_bluetooth_state (app->manager));
      json_builder_set_member_name (builder, "store_recovery");
      json_builder_add_string_value (builder,
          lactd_manager1_get_store_recovery (app->manager) != NULL
          ? lactd_manager1_get_store_recovery (app->manager) : "");
      json_builder_set_member_name (builder, "sensors");
      json_builder_add_value (builder, sensors_to_json (sensors));
      json_builder_set_member_name (builder, "progress");
      json_builder_add_value (builder, lactctl_json_from_variant (progress));
      json_builder_set_member_name (builder, "goal");
      json_builder_add_value (builder, lactctl_json_from_variant (goal));
      json_builder_set_member_name (builder, "next_due");
      json_builder_add_int_value (builder, lactd_goals1_get_next_due (app->goals));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      lactctl_json_print (root, TRUE);
      return LACTCTL_EXIT_OK;
    }

  print_status (app, sensors, progress, lactd_goals1_get_next_due (app->goals));
  return LACTCTL_EXIT_OK;
}

/* ----------------------------------------------------------- sensors */

int
lactctl_cmd_sensors (LactctlApp *app, int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL, "Lists the paired sensors.", entries);
  g_autoptr(GPtrArray) sensors = NULL;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;
  sensors = lactctl_get_sensors (app, &exit_code);
  if (sensors == NULL)
    return exit_code;

  if (json)
    {
      g_autoptr(JsonNode) root = sensors_to_json (sensors);
      lactctl_json_print (root, TRUE);
    }
  else if (sensors->len == 0)
    g_print ("No sensors paired. Find one with 'lactctl discover' and pair it "
             "with 'lactctl pair ADDRESS'.\n");
  else
    print_sensor_table (app, sensors);
  return LACTCTL_EXIT_OK;
}

/* ---------------------------------------------------------- discover */

int
lactctl_cmd_discover (LactctlApp *app, int argc, char **argv)
{
  int timeout = 10;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      "Scan for S seconds, 1-60 (default 10)", "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL,
                                "Scans for lactation sensors nearby for the whole timeout.",
                                entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) devices = NULL;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;
  if (timeout < 1 || timeout > 60)
    return lactctl_usage (app, "--timeout must be 1-60 seconds, not %d", timeout);
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  if (!json)
    {
      g_print ("Scanning for %d s…\n", timeout);
      fflush (stdout);
    }
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (app->manager),
                                    (timeout + 30) * 1000);
  if (!lactd_manager1_call_discover_sync (app->manager, (guint) timeout,
                                          &devices, NULL, &error))
    return lactctl_fail (app, "discover", error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      GVariantIter iter;
      const char *address, *name, *kind, *device;
      gint16 rssi;

      json_builder_begin_array (builder);
      g_variant_iter_init (&iter, devices);
      while (g_variant_iter_next (&iter, "(&s&s&s&sn)", &address, &name,
                                  &kind, &device, &rssi))
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "address");
          json_builder_add_string_value (builder, address);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, name);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, kind);
          json_builder_set_member_name (builder, "device");
          json_builder_add_string_value (builder, device);
          json_builder_set_member_name (builder, "rssi");
          json_builder_add_int_value (builder, rssi);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      lactctl_json_print (root, TRUE);
    }
  else if (g_variant_n_children (devices) == 0)
    g_print ("No sensors found. Is the sensor switched on and close by?\n");
  else
    {
      g_autoptr(LactctlTable) table =
        lactctl_table_new (4, "ADDRESS", "NAME", "KIND", ">SIGNAL");
      GVariantIter iter;
      const char *address, *name, *kind, *device;
      gint16 rssi;

      g_variant_iter_init (&iter, devices);
      while (g_variant_iter_next (&iter, "(&s&s&s&sn)", &address, &name,
                                  &kind, &device, &rssi))
        {
          g_autofree char *signal = g_strdup_printf ("%d dBm", rssi);
          lactctl_table_add_row (table, address, name, kind, signal);
        }
      lactctl_table_print (table, stdout);
    }
  return LACTCTL_EXIT_OK;
}

/* ------------------------------------------------------------ forget */

int
lactctl_cmd_forget (LactctlApp *app, int argc, char **argv)
{
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, "ADDRESS",
                                "Disconnects and forgets a paired sensor. "
                                "Its stored sessions stay.",
                                NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, "ADDRESS",
                                &exit_code))
    return exit_code;
  path = lactctl_sensor_path_from_arg (argv[1]);
  if (path == NULL)
    return lactctl_usage (app, "'%s' is not a Bluetooth address (XX:XX:XX:XX:XX:XX)",
                          argv[1]);
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  if (!lactd_manager1_call_forget_sync (app->manager, path, NULL, &error))
    return lactctl_fail (app, "forget", error);
  g_print ("Forgot %s.\n", argv[1]);
  return LACTCTL_EXIT_OK;
}

/* -------------------------------------------------------------- sync */

int
lactctl_cmd_sync (LactctlApp *app, int argc, char **argv)
{
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, "[ADDRESS]",
                                "Syncs the stored records of every paired sensor, or of the\n"
                                "one given, now; returns when the sync has completed.",
                                NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sensors = NULL;
  g_autofree char *only = NULL;
  int exit_code = LACTCTL_EXIT_OK;
  guint n_synced = 0;

  if (!lactctl_parse_options (app, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 2)
    return lactctl_usage (app, "expected at most one ADDRESS");
  if (argc == 2)
    {
      only = lactctl_sensor_path_from_arg (argv[1]);
      if (only == NULL)
        return lactctl_usage (app, "'%s' is not a Bluetooth address "
                              "(XX:XX:XX:XX:XX:XX)", argv[1]);
    }
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  if (only != NULL)
    {
      LactdSensor1 *sensor =
        lactd_sensor1_proxy_new_sync (app->bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                      LACTD_BUS_NAME, only, NULL, &error);
      if (sensor == NULL)
        return lactctl_fail (app, "sync", error);
      sensors = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (sensors, sensor);
    }
  else
    {
      sensors = lactctl_get_sensors (app, &exit_code);
      if (sensors == NULL)
        return exit_code;
      if (sensors->len == 0)
        {
          g_printerr ("lactctl: sync: no sensor is paired; pair one with "
                      "'lactctl pair ADDRESS'\n");
          return LACTCTL_EXIT_FAILED;
        }
    }

  for (guint i = 0; i < sensors->len; i++)
    {
      LactdSensor1 *sensor = g_ptr_array_index (sensors, i);
      const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (sensor));
      g_autofree char *what = NULL;
      g_autoptr(GError) sync_error = NULL;

      g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (sensor), 300 * 1000);
      if (!lactd_sensor1_call_sync_sync (sensor, NULL, &sync_error))
        {
          const char *address = lactd_sensor1_get_address (sensor);
          int code;

          what = g_strdup_printf ("sync %s", address != NULL ? address : path);
          code = lactctl_fail (app, what, sync_error);
          exit_code = MAX (exit_code, code);
          continue;
        }
      n_synced++;
      g_print ("Synced %s.\n", lactd_sensor1_get_address (sensor) != NULL
                                 ? lactd_sensor1_get_address (sensor) : path);
    }
  return exit_code;
}

/* ----------------------------------------------------------- version */

int
lactctl_cmd_version (LactctlApp *app, int argc, char **argv)
{
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL,
                                "Shows the versions of lactctl and of the running lactd.",
                                NULL);
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;

  g_print ("lactctl %s\n", VERSION);
  fflush (stdout);
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;
  g_print ("lactd %s\n", lactd_manager1_get_version (app->manager));
  return LACTCTL_EXIT_OK;
}
