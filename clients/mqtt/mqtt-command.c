/* mqtt-command.c — command payload validation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "mqtt-command.h"
#include "mqtt-config.h"

#define SNOOZE_MIN        1
#define SNOOZE_MAX        240
#define START_MIN         G_GINT64_CONSTANT (1577836800)   /* 2020-01-01 UTC */
#define START_AHEAD_MAX   60
#define OFFSET_MIN        (-720)
#define OFFSET_MAX        840
#define DURATION_MAX      14400
#define VOLUME_MAX        1000.0

static const char *const command_names[] = {
  [LACTD_MQTT_CMD_SNOOZE] = "snooze",
  [LACTD_MQTT_CMD_DISMISS] = "dismiss",
  [LACTD_MQTT_CMD_SYNC] = "sync",
  [LACTD_MQTT_CMD_ADD] = "add",
};

static const char *const session_kinds[] = { "pump", "sns", "hand", "breastfeed", NULL };

gboolean
lactd_mqtt_command_lookup (const char *name, LactdMqttCommandKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (command_names); i++)
    if (g_str_equal (name, command_names[i]))
      {
        *kind = (LactdMqttCommandKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
lactd_mqtt_command_name (LactdMqttCommandKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (command_names), "?");
  return command_names[kind];
}

void
lactd_mqtt_command_clear (LactdMqttCommand *command)
{
  g_clear_pointer (&command->session, g_variant_unref);
}

static gboolean
payload_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
payload_error (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_PAYLOAD, message);
  return FALSE;
}

/* ------------------------------------------------------------ snooze */

static gboolean
parse_snooze (const char *payload, gsize length, guint32 *minutes, GError **error)
{
  gsize first = 0, last = length;
  guint32 value = 0;

  while (first < last && g_ascii_isspace (payload[first]))
    first++;
  while (last > first && g_ascii_isspace (payload[last - 1]))
    last--;
  if (last == first || last - first > 3)
    return payload_error (error, "snooze: the payload must be the minutes, "
                          "a whole number from %d to %d", SNOOZE_MIN, SNOOZE_MAX);
  for (gsize i = first; i < last; i++)
    {
      if (!g_ascii_isdigit (payload[i]))
        return payload_error (error, "snooze: the payload must be the minutes, "
                              "a whole number from %d to %d", SNOOZE_MIN, SNOOZE_MAX);
      value = value * 10 + (guint32) (payload[i] - '0');
    }
  if (value < SNOOZE_MIN || value > SNOOZE_MAX)
    return payload_error (error, "snooze: %u minutes is out of range (%d-%d)",
                          value, SNOOZE_MIN, SNOOZE_MAX);
  *minutes = value;
  return TRUE;
}

/* --------------------------------------------------------------- add */

typedef enum { FIELD_KIND, FIELD_START, FIELD_OFFSET, FIELD_DURATION,
               FIELD_BOOL, FIELD_VOLUME } FieldType;

static const struct {
  const char *name;
  FieldType type;
} add_fields[] = {
  { "kind", FIELD_KIND },
  { "start", FIELD_START },
  { "utc_offset", FIELD_OFFSET },
  { "duration_left", FIELD_DURATION },
  { "duration_right", FIELD_DURATION },
  { "double", FIELD_BOOL },
  { "volume_left_ml", FIELD_VOLUME },
  { "volume_right_ml", FIELD_VOLUME },
  { "supplement_ml", FIELD_VOLUME },
};

typedef struct {
  gint64 now;
  GVariantDict *dict;
  gboolean has_offset;
  gboolean has_iso_offset;
  gint32 iso_offset;
} AddParse;

static gboolean
node_is (JsonNode *node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
parse_int_field (const char *name, JsonNode *node, gint64 min, gint64 max,
                 gint64 *value, GError **error)
{
  if (!node_is (node, G_TYPE_INT64) ||
      (*value = json_node_get_int (node)) < min || *value > max)
    return payload_error (error, "add: '%s' must be an integer from %" G_GINT64_FORMAT
                          " to %" G_GINT64_FORMAT, name, min, max);
  return TRUE;
}

static gboolean
parse_start_text (AddParse *parse, const char *text, gint64 *start, GError **error)
{
  g_autoptr(GDateTime) with_offset = g_date_time_new_from_iso8601 (text, NULL);
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;

  if (with_offset != NULL)
    {
      parse->has_iso_offset = TRUE;
      parse->iso_offset = (gint32) (g_date_time_get_utc_offset (with_offset) /
                                    G_TIME_SPAN_MINUTE);
      dt = g_date_time_ref (with_offset);
    }
  else
    dt = g_date_time_new_from_iso8601 (text, local);
  if (dt == NULL)
    return payload_error (error, "add: 'start' is neither epoch seconds nor an "
                          "ISO 8601 date and time");
  *start = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
parse_start (AddParse *parse, JsonNode *node, GError **error)
{
  gint64 start = 0;

  if (node_is (node, G_TYPE_STRING))
    {
      if (!parse_start_text (parse, json_node_get_string (node), &start, error))
        return FALSE;
    }
  else if (node_is (node, G_TYPE_INT64))
    start = json_node_get_int (node);
  else
    return payload_error (error, "add: 'start' must be an integer of epoch "
                          "seconds or an ISO 8601 string");
  if (start < START_MIN || start > parse->now + START_AHEAD_MAX)
    return payload_error (error, "add: 'start' must be from 2020-01-01 to at "
                          "most %d s from now", START_AHEAD_MAX);
  g_variant_dict_insert (parse->dict, "start", "x", start);
  return TRUE;
}

static gboolean
parse_volume (const char *name, JsonNode *node, double *ml, GError **error)
{
  if (node_is (node, G_TYPE_INT64))
    *ml = (double) json_node_get_int (node);
  else if (node_is (node, G_TYPE_DOUBLE))
    *ml = json_node_get_double (node);
  else
    *ml = -1.0;
  if (!isfinite (*ml) || *ml < 0.0 || *ml > VOLUME_MAX)
    return payload_error (error, "add: '%s' must be a number of mL from 0 to %.0f",
                          name, VOLUME_MAX);
  return TRUE;
}

static gboolean
parse_field (AddParse *parse, const char *name, FieldType type, JsonNode *node,
             GError **error)
{
  gint64 integer = 0;
  double ml;

  switch (type)
    {
    case FIELD_KIND:
      if (!node_is (node, G_TYPE_STRING) ||
          !g_strv_contains (session_kinds, json_node_get_string (node)))
        return payload_error (error, "add: 'kind' must be one of pump, sns, "
                              "hand, breastfeed");
      g_variant_dict_insert (parse->dict, name, "s", json_node_get_string (node));
      return TRUE;
    case FIELD_START:
      return parse_start (parse, node, error);
    case FIELD_OFFSET:
      if (!parse_int_field (name, node, OFFSET_MIN, OFFSET_MAX, &integer, error))
        return FALSE;
      parse->has_offset = TRUE;
      g_variant_dict_insert (parse->dict, name, "i", (gint32) integer);
      return TRUE;
    case FIELD_DURATION:
      if (!parse_int_field (name, node, 0, DURATION_MAX, &integer, error))
        return FALSE;
      g_variant_dict_insert (parse->dict, name, "u", (guint32) integer);
      return TRUE;
    case FIELD_BOOL:
      if (!node_is (node, G_TYPE_BOOLEAN))
        return payload_error (error, "add: '%s' must be true or false", name);
      g_variant_dict_insert (parse->dict, name, "b", json_node_get_boolean (node));
      return TRUE;
    case FIELD_VOLUME:
      if (!parse_volume (name, node, &ml, error))
        return FALSE;
      g_variant_dict_insert (parse->dict, name, "d", ml);
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
parse_member (AddParse *parse, const char *name, JsonNode *node, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (add_fields); i++)
    if (g_str_equal (name, add_fields[i].name))
      return parse_field (parse, name, add_fields[i].type, node, error);
  return payload_error (error, "add: unknown key '%s' (allowed: kind, start, "
                        "utc_offset, duration_left, duration_right, double, "
                        "volume_left_ml, volume_right_ml, supplement_ml)", name);
}

static gboolean
parse_add (const char *payload, gsize length, gint64 now, GVariant **session,
           GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GVariantDict) dict = g_variant_dict_new (NULL);
  g_autoptr(GError) json_error = NULL;
  g_autoptr(GList) names = NULL;
  AddParse parse = { .now = now, .dict = dict };
  JsonObject *object;

  if (memchr (payload, '\0', length) != NULL || !g_utf8_validate (payload, (gssize) length, NULL))
    return payload_error (error, "add: the payload is not UTF-8 text");
  if (!json_parser_load_from_data (parser, payload, (gssize) length, &json_error))
    return payload_error (error, "add: not valid JSON: %s", json_error->message);
  /* An empty payload parses, to no root at all. */
  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return payload_error (error, "add: the payload must be a JSON object");
  object = json_node_get_object (json_parser_get_root (parser));
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    if (!parse_member (&parse, l->data, json_object_get_member (object, l->data), error))
      return FALSE;
  if (!g_variant_dict_contains (dict, "kind") || !g_variant_dict_contains (dict, "start"))
    return payload_error (error, "add: 'kind' and 'start' are required");
  if (!parse.has_offset && parse.has_iso_offset)
    {
      if (parse.iso_offset < OFFSET_MIN || parse.iso_offset > OFFSET_MAX)
        return payload_error (error, "add: the offset of 'start' is out of range");
      g_variant_dict_insert (dict, "utc_offset", "i", parse.iso_offset);
    }
  *session = g_variant_ref_sink (g_variant_dict_end (dict));
  return TRUE;
}

gboolean
lactd_mqtt_command_parse (LactdMqttCommandKind kind, const void *payload,
                          gsize length, gint64 now, LactdMqttCommand *command,
                          GError **error)
{
  memset (command, 0, sizeof *command);
  command->kind = kind;
  if (payload == NULL)      /* libmosquitto's empty payload */
    payload = "";
  if (length > LACTD_MQTT_PAYLOAD_MAX)
    return payload_error (error, "%s: the payload is longer than %d bytes",
                          lactd_mqtt_command_name (kind), LACTD_MQTT_PAYLOAD_MAX);
  switch (kind)
    {
    case LACTD_MQTT_CMD_SNOOZE:
      return parse_snooze (payload, length, &command->minutes, error);
    case LACTD_MQTT_CMD_DISMISS:
    case LACTD_MQTT_CMD_SYNC:
      return TRUE;
    case LACTD_MQTT_CMD_ADD:
      return parse_add (payload, length, now, &command->session, error);
    default:
      g_assert_not_reached ();
    }
}
