/* mqtt-json.c — payloads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include "mqtt-json.h"

char *
lactd_mqtt_iso8601 (gint64 unix_time, int offset_minutes)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (offset_minutes * 60);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (tz == NULL || utc == NULL)
    return NULL;
  local = g_date_time_to_timezone (utc, tz);
  return local != NULL ? g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
}

char *
lactd_mqtt_iso8601_local (gint64 unix_time)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (unix_time);

  return local != NULL ? g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
}

char *
lactd_mqtt_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static void
add_time_or_null (JsonBuilder *builder, const char *name, gint64 unix_time)
{
  g_autofree char *iso = unix_time != 0 ? lactd_mqtt_iso8601_local (unix_time) : NULL;

  json_builder_set_member_name (builder, name);
  if (iso != NULL)
    json_builder_add_string_value (builder, iso);
  else
    json_builder_add_null_value (builder);
}

/* The dictionary's entries as members of the object being built. */
static void
add_dict_members (JsonBuilder *builder, GVariant *dict)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (dict == NULL || !g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT))
    return;
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_value (builder, json_gvariant_serialize (value));
      g_variant_unref (value);
    }
}

static void
add_dict (JsonBuilder *builder, const char *name, GVariant *dict)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  add_dict_members (builder, dict);
  json_builder_end_object (builder);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return lactd_mqtt_json_to_string (root);
}

char *
lactd_mqtt_session_json (GVariant *session)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 start = 0, end = 0;
  gint32 offset = 0;
  g_autofree char *start_iso = NULL;
  g_autofree char *end_iso = NULL;

  g_variant_lookup (session, "start", "x", &start);
  g_variant_lookup (session, "end", "x", &end);
  g_variant_lookup (session, "utc_offset", "i", &offset);
  start_iso = lactd_mqtt_iso8601 (start, offset);
  end_iso = lactd_mqtt_iso8601 (end, offset);

  json_builder_begin_object (builder);
  add_dict_members (builder, session);
  json_builder_set_member_name (builder, "start_iso");
  json_builder_add_string_value (builder, start_iso != NULL ? start_iso : "");
  json_builder_set_member_name (builder, "end_iso");
  json_builder_add_string_value (builder, end_iso != NULL ? end_iso : "");
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

char *
lactd_mqtt_reminder_json (const char *kind, gint64 due, const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  add_time_or_null (builder, "due", due);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

char *
lactd_mqtt_live_json (GVariant *live)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_dict_members (builder, live);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

char *
lactd_mqtt_result_json (const char *command, gboolean ok,
                        const char *error_name, const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "command");
  json_builder_add_string_value (builder, command);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, ok);
  json_builder_set_member_name (builder, "error");
  if (error_name != NULL)
    json_builder_add_string_value (builder, error_name);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message != NULL ? message : "");
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

static void
add_sensor (JsonBuilder *builder, const LactdMqttSensorState *sensor)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, sensor->address);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, sensor->name);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, sensor->kind);
  json_builder_set_member_name (builder, "connected");
  json_builder_add_boolean_value (builder, sensor->connected);
  json_builder_set_member_name (builder, "battery");
  if (sensor->battery <= 100)
    json_builder_add_int_value (builder, sensor->battery);
  else
    json_builder_add_null_value (builder);
  add_time_or_null (builder, "last_sync", sensor->last_sync);
  json_builder_set_member_name (builder, "lost_records");
  json_builder_add_int_value (builder, sensor->lost_records);
  json_builder_end_object (builder);
}

static void
add_reminder (JsonBuilder *builder, const LactdMqttState *state)
{
  json_builder_set_member_name (builder, "reminder");
  if (state->reminder_kind == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, state->reminder_kind);
  add_time_or_null (builder, "due", state->reminder_due);
  json_builder_end_object (builder);
}

char *
lactd_mqtt_state_json (const LactdMqttState *state)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean night_done = FALSE;

  if (state->progress != NULL)
    g_variant_lookup (state->progress, "night_done", "b", &night_done);

  json_builder_begin_object (builder);
  add_dict (builder, "progress", state->progress);
  add_time_or_null (builder, "next_due", state->next_due);
  json_builder_set_member_name (builder, "night_done");
  json_builder_add_boolean_value (builder, night_done);
  add_reminder (builder, state);
  add_dict (builder, "trend", state->trend);
  json_builder_set_member_name (builder, "bluetooth");
  json_builder_add_string_value (builder, state->bluetooth != NULL ? state->bluetooth : "");
  json_builder_set_member_name (builder, "sensors");
  json_builder_begin_array (builder);
  for (guint i = 0; i < state->n_sensors; i++)
    add_sensor (builder, &state->sensors[i]);
  json_builder_end_array (builder);
  if (state->live != NULL && g_variant_n_children (state->live) > 0)
    add_dict (builder, "live", state->live);
  else
    {
      json_builder_set_member_name (builder, "live");
      json_builder_add_null_value (builder);
    }
  add_time_or_null (builder, "updated", state->now);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}
