/* test-mqtt-core.c — lactd-mqtt's pure parts: command validation, the
 * configuration and its private files, payloads, discovery, the mark.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mqtt-command.h"
#include "mqtt-config.h"
#include "mqtt-discovery.h"
#include "mqtt-json.h"
#include "mqtt-mark.h"

#define NOW G_GINT64_CONSTANT (1780000000)   /* 2026-05-28 */

/* ----------------------------------------------------------- commands */

static gboolean
parse (LactdMqttCommandKind kind, const char *payload, LactdMqttCommand *command,
       GError **error)
{
  return lactd_mqtt_command_parse (kind, payload, strlen (payload), NOW, command, error);
}

static void
test_snooze (void)
{
  const struct { const char *text; guint32 minutes; } good[] = {
    { "1", 1 }, { "15", 15 }, { "240", 240 }, { " 30\n", 30 }, { "007", 7 },
  };
  const char *bad[] = { "", " ", "0", "241", "999", "1000", "-1", "+1", "1.5",
                        "15 min", "abc", "0x10", "1e2", "\xd9\xa1" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_auto(LactdMqttCommand) command = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_true (parse (LACTD_MQTT_CMD_SNOOZE, good[i].text, &command, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (command.minutes, ==, good[i].minutes);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(LactdMqttCommand) command = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_false (parse (LACTD_MQTT_CMD_SNOOZE, bad[i], &command, &error));
      g_assert_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_PAYLOAD);
      g_assert_nonnull (strstr (error->message, "snooze"));
    }
  /* An embedded NUL: the length, not strlen, bounds the payload. */
  {
    g_auto(LactdMqttCommand) command = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_false (lactd_mqtt_command_parse (LACTD_MQTT_CMD_SNOOZE, "15\0", 3, NOW,
                                              &command, &error));
  }
}

static void
test_dismiss_and_sync_take_anything (void)
{
  g_auto(LactdMqttCommand) command = { 0 };

  g_assert_true (lactd_mqtt_command_parse (LACTD_MQTT_CMD_DISMISS, NULL, 0, NOW,
                                           &command, NULL));
  g_assert_true (lactd_mqtt_command_parse (LACTD_MQTT_CMD_SYNC, "\xff\x00", 2, NOW,
                                           &command, NULL));
}

static void
test_add_valid (void)
{
  g_auto(LactdMqttCommand) command = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *epoch = g_strdup_printf (
    "{\"kind\": \"pump\", \"start\": %" G_GINT64_FORMAT ", \"duration_left\": 600,"
    " \"duration_right\": 0, \"double\": true, \"volume_left_ml\": 30,"
    " \"volume_right_ml\": 28.5, \"supplement_ml\": 0, \"utc_offset\": -300}", NOW - 3600);
  gint64 start;
  gint32 offset;
  guint32 left;
  double ml;
  gboolean both;

  g_assert_true (parse (LACTD_MQTT_CMD_ADD, epoch, &command, &error));
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (command.session, G_VARIANT_TYPE_VARDICT));
  g_assert_cmpuint (g_variant_n_children (command.session), ==, 9);
  g_assert_true (g_variant_lookup (command.session, "start", "x", &start));
  g_assert_cmpint (start, ==, NOW - 3600);
  g_assert_true (g_variant_lookup (command.session, "utc_offset", "i", &offset));
  g_assert_cmpint (offset, ==, -300);
  g_assert_true (g_variant_lookup (command.session, "duration_left", "u", &left));
  g_assert_cmpuint (left, ==, 600);
  g_assert_true (g_variant_lookup (command.session, "volume_left_ml", "d", &ml));
  g_assert_cmpfloat (ml, ==, 30.0);
  g_assert_true (g_variant_lookup (command.session, "double", "b", &both));
  g_assert_true (both);
}

static void
test_add_iso8601 (void)
{
  g_auto(LactdMqttCommand) with_offset = { 0 };
  g_auto(LactdMqttCommand) local = { 0 };
  gint64 start;
  gint32 offset;

  /* 2026-05-28T21:26:40+02:00 is NOW - 3600. */
  g_assert_true (parse (LACTD_MQTT_CMD_ADD,
                        "{\"kind\": \"hand\", \"start\": \"2026-05-28T21:26:40+02:00\"}",
                        &with_offset, NULL));
  g_assert_true (g_variant_lookup (with_offset.session, "start", "x", &start));
  g_assert_cmpint (start, ==, NOW - 3600);
  g_assert_true (g_variant_lookup (with_offset.session, "utc_offset", "i", &offset));
  g_assert_cmpint (offset, ==, 120);

  /* Without an offset: local time, and lactd picks the offset. */
  g_assert_true (parse (LACTD_MQTT_CMD_ADD,
                        "{\"kind\": \"hand\", \"start\": \"2026-05-27T10:00:00\"}",
                        &local, NULL));
  g_assert_false (g_variant_lookup (local.session, "utc_offset", "i", &offset));
}

static void
test_add_invalid (void)
{
  const char *bad[] = {
    "", "{", "[]", "null", "42", "\"hand\"", "{}",
    "{\"kind\": \"hand\"}",
    "{\"start\": 1779990000}",
    "{\"kind\": \"bottle\", \"start\": 1779990000}",
    "{\"kind\": null, \"start\": 1779990000}",
    "{\"kind\": \"hand\", \"start\": 1779990000.5}",
    "{\"kind\": \"hand\", \"start\": \"soon\"}",
    "{\"kind\": \"hand\", \"start\": 1577836799}",
    "{\"kind\": \"hand\", \"start\": 1780000061}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"id\": 1}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"seq\": 0}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"duration_left\": 14401}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"duration_left\": -1}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"duration_right\": 1.0}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"double\": \"yes\"}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"volume_left_ml\": 1000.1}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"supplement_ml\": -1}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"supplement_ml\": true}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"utc_offset\": 841}",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"utc_offset\": -721}",
    "{\"kind\": \"hand\", \"start\": \"2026-05-28T08:26:40+14:30\"}",
    "{\"kind\": \"hand\", \"start\": 1779990000}trailing",
    "{\"kind\": \"hand\", \"start\": 1779990000, \"volume_left_ml\": 1e999}",
    "{\"kind\": \"h\xffnd\", \"start\": 1779990000}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(LactdMqttCommand) command = { 0 };
      g_autoptr(GError) error = NULL;

      if (parse (LACTD_MQTT_CMD_ADD, bad[i], &command, &error))
        g_error ("accepted: %s", bad[i]);
      g_assert_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_PAYLOAD);
      g_assert_null (command.session);
    }
}

static void
test_add_too_long (void)
{
  g_auto(LactdMqttCommand) command = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *payload = g_malloc (LACTD_MQTT_PAYLOAD_MAX + 2);

  memset (payload, ' ', LACTD_MQTT_PAYLOAD_MAX + 1);
  payload[0] = '{';
  payload[LACTD_MQTT_PAYLOAD_MAX] = '}';
  payload[LACTD_MQTT_PAYLOAD_MAX + 1] = '\0';
  g_assert_false (parse (LACTD_MQTT_CMD_ADD, payload, &command, &error));
  g_assert_nonnull (strstr (error->message, "longer than"));
}

static void
test_command_names (void)
{
  LactdMqttCommandKind kind;

  g_assert_true (lactd_mqtt_command_lookup ("add", &kind));
  g_assert_cmpint (kind, ==, LACTD_MQTT_CMD_ADD);
  g_assert_false (lactd_mqtt_command_lookup ("result", &kind));
  g_assert_false (lactd_mqtt_command_lookup ("Snooze", &kind));
}

/* ------------------------------------------------------------- config */

typedef struct {
  char *dir;
  char *config;
  char *password;
  char *machine_id;
} Files;

static void
write_file (const char *path, const char *text, int mode)
{
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
files_setup (Files *files, gconstpointer data)
{
  files->dir = g_dir_make_tmp ("lactd-mqtt-config-XXXXXX", NULL);
  files->config = g_build_filename (files->dir, "mqtt.conf", NULL);
  files->password = g_build_filename (files->dir, "password", NULL);
  files->machine_id = g_build_filename (files->dir, "machine-id", NULL);
  write_file (files->password, "pa ss\n", 0600);
  write_file (files->machine_id, "0123ABCDef456789\n", 0644);
}

static void
files_teardown (Files *files, gconstpointer data)
{
  g_unlink (files->config);
  g_unlink (files->password);
  g_unlink (files->machine_id);
  g_rmdir (files->dir);
  g_free (files->dir);
  g_free (files->config);
  g_free (files->password);
  g_free (files->machine_id);
}

static LactdMqttConfig *
load (Files *files, const char *text, GError **error)
{
  write_file (files->config, text, 0600);
  return lactd_mqtt_config_load (files->config, files->machine_id, error);
}

static void
test_config_defaults (Files *files, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("[mqtt]\nhost = broker.lan\nusername=lactd\n"
                                           "password_file=%s\n", files->password);
  g_autoptr(LactdMqttConfig) config = load (files, text, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (config->host, ==, "broker.lan");
  g_assert_cmpuint (config->port, ==, 1883);
  g_assert_false (config->tls);
  g_assert_cmpstr (config->id, ==, "0123abcd");
  g_assert_cmpstr (config->client_id, ==, "lactd-0123abcd");
  g_assert_cmpstr (config->base_topic, ==, "lactd/0123abcd");
  g_assert_cmpstr (config->discovery_prefix, ==, "homeassistant");
  /* One final line break is not part of the password. */
  g_assert_cmpstr (config->password, ==, "pa ss");
}

static void
test_config_tls_port (Files *files, gconstpointer data)
{
  g_autoptr(LactdMqttConfig) by_port = load (files, "[mqtt]\nhost=h\nport=8883\n", NULL);
  g_autoptr(LactdMqttConfig) by_tls = load (files, "[mqtt]\nhost=h\ntls=true\n", NULL);
  g_autoptr(LactdMqttConfig) off = load (files, "[mqtt]\nhost=h\nport=8883\ntls=false\n", NULL);
  g_autoptr(LactdMqttConfig) empty = load (files, "[mqtt]\nhost=h\ndiscovery_prefix=\n", NULL);

  g_assert_true (by_port->tls);
  g_assert_true (by_tls->tls);
  g_assert_cmpuint (by_tls->port, ==, 8883);
  g_assert_false (off->tls);
  g_assert_cmpstr (empty->discovery_prefix, ==, "");
}

static void
test_config_refused (Files *files, gconstpointer data)
{
  const char *bad[] = {
    "[other]\nhost=h\n",
    "[mqtt]\nport=1883\n",
    "[mqtt]\nhost=h\nport=0\n",
    "[mqtt]\nhost=h\nport=x\n",
    "[mqtt]\nhost=h\ntls=maybe\n",
    "[mqtt]\nhost=h\ntls_insecure=true\n",
    "[mqtt]\nhost=h\npassword=secret\n",
    "[mqtt]\nhost=h\nbase_topic=a/+/b\n",
    "[mqtt]\nhost=h\nbase_topic=/lactd\n",
    "[mqtt]\nhost=h\ndiscovery_prefix=ha/#\n",
    "[mqtt]\nhost=h\nid=a b\n",
    "[mqtt]\nhost=h\nca_file=/etc/hosts\n",
    "not a key file",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LactdMqttConfig) config = load (files, bad[i], &error);

      if (config != NULL)
        g_error ("accepted: %s", bad[i]);
      g_assert_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, files->config));
    }
}

static void
test_config_private_files (Files *files, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("[mqtt]\nhost=h\nusername=u\npassword_file=%s\n",
                                           files->password);
  g_autoptr(LactdMqttConfig) config = NULL;

  g_assert_cmpint (g_chmod (files->password, 0640), ==, 0);
  config = load (files, text, &error);
  g_assert_null (config);
  g_assert_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, files->password));
  g_assert_nonnull (strstr (error->message, "readable by group or others"));
  g_assert_null (strstr (error->message, "pa ss"));
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (files->password, 0600), ==, 0);
  write_file (files->config, text, 0604);
  config = lactd_mqtt_config_load (files->config, files->machine_id, &error);
  g_assert_null (config);
  g_assert_nonnull (strstr (error->message, files->config));
  g_clear_error (&error);

  /* A symlink is not followed. */
  {
    g_autofree char *link = g_build_filename (files->dir, "link", NULL);
    g_autofree char *contents = NULL;

    g_assert_cmpint (symlink (files->password, link), ==, 0);
    g_assert_false (lactd_mqtt_read_private_file (link, "password file", 100, &contents,
                                                  NULL, &error));
    g_assert_nonnull (strstr (error->message, "symbolic link"));
    g_unlink (link);
  }
}

/* ----------------------------------------------------------- payloads */

static JsonObject *
parse_object (const char *text, JsonParser *parser)
{
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_session_json (void)
{
  g_autoptr(GVariantDict) dict = g_variant_dict_new (NULL);
  g_autoptr(GVariant) session = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonObject *object;

  g_variant_dict_insert (dict, "id", "t", (guint64) 42);
  g_variant_dict_insert (dict, "start", "x", NOW);
  g_variant_dict_insert (dict, "end", "x", NOW + 900);
  g_variant_dict_insert (dict, "utc_offset", "i", 60);
  g_variant_dict_insert (dict, "kind", "s", "pump");
  session = g_variant_ref_sink (g_variant_dict_end (dict));
  text = lactd_mqtt_session_json (session);
  object = parse_object (text, parser);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, 42);
  g_assert_cmpint (json_object_get_int_member (object, "start"), ==, NOW);
  g_assert_cmpstr (json_object_get_string_member (object, "start_iso"), ==,
                   "2026-05-28T21:26:40+01:00");
  g_assert_cmpstr (json_object_get_string_member (object, "end_iso"), ==,
                   "2026-05-28T21:41:40+01:00");
}

static void
test_state_json (void)
{
  LactdMqttSensorState sensor = {
    .address = "C0:FF:EE:00:00:01", .name = "Pump", .kind = "pump",
    .connected = TRUE, .battery = 255, .last_sync = 0, .lost_records = 2,
  };
  g_autoptr(GVariant) empty = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  LactdMqttState state = {
    .progress = NULL, .next_due = 0, .bluetooth = "ready", .sensors = &sensor,
    .n_sensors = 1, .live = empty, .now = NOW,
  };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = lactd_mqtt_state_json (&state);
  JsonObject *object = parse_object (text, parser);
  JsonObject *entry;

  g_assert_true (json_object_get_null_member (object, "next_due"));
  g_assert_true (json_object_get_null_member (object, "reminder"));
  g_assert_true (json_object_get_null_member (object, "live"));
  g_assert_false (json_object_get_boolean_member (object, "night_done"));
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "progress")),
                    ==, 0);
  entry = json_array_get_object_element (json_object_get_array_member (object, "sensors"), 0);
  g_assert_true (json_object_get_null_member (entry, "battery"));
  g_assert_true (json_object_get_null_member (entry, "last_sync"));
  g_assert_cmpint (json_object_get_int_member (entry, "lost_records"), ==, 2);
  g_assert_cmpuint (json_object_get_size (object), ==, 9);
}

static void
test_result_json (void)
{
  g_autofree char *ok = lactd_mqtt_result_json ("dismiss", TRUE, NULL, "Dismissed");
  g_autofree char *failed = lactd_mqtt_result_json ("snooze", FALSE,
                                                    "org.lactd.Error.NotFound", "none");

  g_assert_cmpstr (ok, ==, "{\"command\":\"dismiss\",\"ok\":true,\"error\":null,"
                   "\"message\":\"Dismissed\"}");
  g_assert_cmpstr (failed, ==, "{\"command\":\"snooze\",\"ok\":false,\"error\":"
                   "\"org.lactd.Error.NotFound\",\"message\":\"none\"}");
}

static void
test_discovery (void)
{
  LactdMqttDiscovery discovery = { "homeassistant", "abc", "lactd/abc", "1.0" };
  g_autoptr(GPtrArray) device = lactd_mqtt_discovery_device (&discovery);
  g_autoptr(GPtrArray) sensor = lactd_mqtt_discovery_sensor (&discovery,
                                                             "C0:FF:EE:00:00:01", "Pump");
  g_autoptr(GPtrArray) removal = lactd_mqtt_discovery_sensor (&discovery,
                                                              "C0:FF:EE:00:00:01", NULL);

  g_assert_cmpuint (device->len, ==, 12);
  for (guint i = 0; i < device->len; i++)
    {
      LactdMqttRetained *config = g_ptr_array_index (device, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object = parse_object (config->payload, parser);

      g_assert_true (g_str_has_prefix (config->topic, "homeassistant/"));
      g_assert_true (g_str_has_suffix (config->topic, "/config"));
      g_assert_nonnull (strstr (config->topic, "/lactd_abc/"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "unique_id"),
                                       "lactd_abc_"));
    }
  g_assert_cmpuint (sensor->len, ==, 2);
  g_assert_cmpstr (((LactdMqttRetained *) g_ptr_array_index (sensor, 0))->topic, ==,
                   "homeassistant/sensor/lactd_abc/battery_c0ffee000001/config");
  g_assert_cmpstr (((LactdMqttRetained *) g_ptr_array_index (removal, 1))->topic, ==,
                   "homeassistant/sensor/lactd_abc/last_sync_c0ffee000001/config");
  g_assert_cmpstr (((LactdMqttRetained *) g_ptr_array_index (removal, 0))->payload, ==, "");
}

/* --------------------------------------------------------------- mark */

static void
test_mark (Files *files, gconstpointer data)
{
  g_autofree char *path = g_build_filename (files->dir, "state", "lactd", "mqtt.state", NULL);
  g_autofree char *state_dir = g_path_get_dirname (path);
  g_autofree char *parent = g_path_get_dirname (state_dir);
  g_autoptr(GError) error = NULL;
  guint64 mark = 99;
  GStatBuf st;

  g_assert_true (lactd_mqtt_mark_load (path, &mark, &error));
  g_assert_cmpuint (mark, ==, 0);
  g_assert_true (lactd_mqtt_mark_save (path, 12345, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (lactd_mqtt_mark_load (path, &mark, &error));
  g_assert_cmpuint (mark, ==, 12345);
  write_file (path, "[sessions]\npublished=-1\n", 0600);
  g_assert_false (lactd_mqtt_mark_load (path, &mark, &error));
  g_assert_nonnull (strstr (error->message, path));
  g_unlink (path);
  g_rmdir (state_dir);
  g_rmdir (parent);
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mqtt/command/snooze", test_snooze);
  g_test_add_func ("/mqtt/command/dismiss-sync", test_dismiss_and_sync_take_anything);
  g_test_add_func ("/mqtt/command/add-valid", test_add_valid);
  g_test_add_func ("/mqtt/command/add-iso8601", test_add_iso8601);
  g_test_add_func ("/mqtt/command/add-invalid", test_add_invalid);
  g_test_add_func ("/mqtt/command/add-too-long", test_add_too_long);
  g_test_add_func ("/mqtt/command/names", test_command_names);
  g_test_add ("/mqtt/config/defaults", Files, NULL, files_setup, test_config_defaults,
              files_teardown);
  g_test_add ("/mqtt/config/tls-port", Files, NULL, files_setup, test_config_tls_port,
              files_teardown);
  g_test_add ("/mqtt/config/refused", Files, NULL, files_setup, test_config_refused,
              files_teardown);
  g_test_add ("/mqtt/config/private-files", Files, NULL, files_setup,
              test_config_private_files, files_teardown);
  g_test_add_func ("/mqtt/json/session", test_session_json);
  g_test_add_func ("/mqtt/json/state", test_state_json);
  g_test_add_func ("/mqtt/json/result", test_result_json);
  g_test_add_func ("/mqtt/discovery", test_discovery);
  g_test_add ("/mqtt/mark", Files, NULL, files_setup, test_mark, files_teardown);
  return g_test_run ();
}
