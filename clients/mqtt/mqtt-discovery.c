/* mqtt-discovery.c — Home Assistant discovery payloads.
 *
 * The keys follow Home Assistant's MQTT sensor, binary_sensor and button
 * platforms. The rolling 24-hour volumes have device_class volume and no
 * state_class: Home Assistant allows only total/total_increasing with
 * that class, and a sum over a sliding window is neither (it would turn
 * every session leaving the window into negative consumption).
 *
 * Entity names are chosen so that Home Assistant's entity ids come out as
 * `<domain>.lactd_<object>` (the device name "lactd" and the entity name,
 * slugified): sensor.lactd_sessions_24h, button.lactd_snooze_15, ...
 * docs/usage.md uses these ids.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include <json-glib/json-glib.h>

#include "mqtt-discovery.h"
#include "mqtt-json.h"

typedef struct {
  const char *component;     /* sensor, binary_sensor, button */
  const char *object;
  const char *name;
  const char *value_template;      /* NULL for a button */
  const char *device_class;
  const char *state_class;
  const char *unit;
  const char *icon;
  int precision;                   /* suggested_display_precision, -1: none */
  const char *command;             /* button: the cmd/ level */
  const char *payload_press;
  const char *attributes_template; /* json_attributes_template */
  gboolean diagnostic;
} Entity;

static const Entity device_entities[] = {
  { "sensor", "sessions_24h", "Sessions 24h",
    "{{ value_json.progress.sessions }}", NULL, "measurement", NULL,
    "mdi:counter", -1, NULL, NULL,
    "{{ {'target': value_json.progress.target} | tojson }}", FALSE },
  { "sensor", "expressed_24h", "Expressed 24h",
    "{{ value_json.progress.expressed_ml }}", "volume", NULL, "mL",
    "mdi:baby-bottle-outline", 1, NULL, NULL, NULL, FALSE },
  { "sensor", "supplement_24h", "Supplement 24h",
    "{{ value_json.progress.supplement_ml }}", "volume", NULL, "mL",
    "mdi:baby-bottle", 1, NULL, NULL, NULL, FALSE },
  { "sensor", "next_due", "Next due",
    "{{ value_json.next_due }}", "timestamp", NULL, NULL,
    "mdi:timer-sand", -1, NULL, NULL, NULL, FALSE },
  { "sensor", "own_milk_share", "Own milk share",
    "{{ (value_json.trend.own_milk_share * 100) | round(1) "
    "if value_json.trend.own_milk_share is defined else None }}",
    NULL, "measurement", "%", "mdi:water-percent", 1, NULL, NULL, NULL, FALSE },
  { "sensor", "expressed_per_day_7d", "Expressed per day 7d",
    "{{ value_json.trend.expressed_ml_per_day }}", NULL, "measurement", "mL",
    "mdi:chart-line", 1, NULL, NULL, NULL, FALSE },
  { "binary_sensor", "live_session", "Live session",
    "{{ 'ON' if value_json.live else 'OFF' }}", "running", NULL, NULL,
    NULL, -1, NULL, NULL, NULL, FALSE },
  { "binary_sensor", "reminder_pending", "Reminder pending",
    "{{ 'ON' if value_json.reminder else 'OFF' }}", NULL, NULL, NULL,
    "mdi:bell-ring", -1, NULL, NULL, NULL, FALSE },
  { "binary_sensor", "night_done", "Night done",
    "{{ 'ON' if value_json.night_done else 'OFF' }}", NULL, NULL, NULL,
    "mdi:weather-night", -1, NULL, NULL, NULL, FALSE },
  { "button", "snooze_15", "Snooze 15", NULL, NULL, NULL, NULL,
    "mdi:alarm-snooze", -1, "snooze", "15", NULL, FALSE },
  { "button", "dismiss", "Dismiss", NULL, NULL, NULL, NULL,
    "mdi:bell-off", -1, "dismiss", "PRESS", NULL, FALSE },
  { "button", "sync", "Sync", NULL, NULL, NULL, NULL,
    "mdi:sync", -1, "sync", "PRESS", NULL, FALSE },
};

void
lactd_mqtt_retained_free (LactdMqttRetained *retained)
{
  if (retained == NULL)
    return;
  g_free (retained->topic);
  g_free (retained->payload);
  g_free (retained);
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_device (JsonBuilder *builder, const LactdMqttDiscovery *discovery)
{
  g_autofree char *identifier = g_strdup_printf ("lactd_%s", discovery->id);

  json_builder_set_member_name (builder, "device");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identifiers");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, identifier);
  json_builder_end_array (builder);
  add_string (builder, "name", "lactd");
  add_string (builder, "sw_version", discovery->version);
  add_string (builder, "manufacturer", "lactd");
  add_string (builder, "model", "lactd-mqtt");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "origin");
  json_builder_begin_object (builder);
  add_string (builder, "name", "lactd-mqtt");
  add_string (builder, "sw_version", discovery->version);
  json_builder_end_object (builder);
}

static void
add_entity_keys (JsonBuilder *builder, const LactdMqttDiscovery *discovery,
                 const Entity *entity, const char *state_topic)
{
  g_autofree char *command_topic = NULL;

  if (entity->command != NULL)
    {
      command_topic = g_strdup_printf ("%s/cmd/%s", discovery->base_topic,
                                       entity->command);
      add_string (builder, "command_topic", command_topic);
      add_string (builder, "payload_press", entity->payload_press);
      json_builder_set_member_name (builder, "retain");
      json_builder_add_boolean_value (builder, FALSE);
    }
  else
    {
      add_string (builder, "state_topic", state_topic);
      add_string (builder, "value_template", entity->value_template);
    }
  if (entity->attributes_template != NULL)
    {
      add_string (builder, "json_attributes_topic", state_topic);
      add_string (builder, "json_attributes_template", entity->attributes_template);
    }
  add_string (builder, "device_class", entity->device_class);
  add_string (builder, "state_class", entity->state_class);
  add_string (builder, "unit_of_measurement", entity->unit);
  add_string (builder, "icon", entity->icon);
  if (entity->precision >= 0)
    {
      json_builder_set_member_name (builder, "suggested_display_precision");
      json_builder_add_int_value (builder, entity->precision);
    }
  if (entity->diagnostic)
    add_string (builder, "entity_category", "diagnostic");
}

static LactdMqttRetained *
entity_config (const LactdMqttDiscovery *discovery, const Entity *entity)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *unique_id = g_strdup_printf ("lactd_%s_%s", discovery->id,
                                                entity->object);
  g_autofree char *state_topic = g_strdup_printf ("%s/state", discovery->base_topic);
  g_autofree char *availability = g_strdup_printf ("%s/availability",
                                                   discovery->base_topic);
  LactdMqttRetained *retained = g_new0 (LactdMqttRetained, 1);

  json_builder_begin_object (builder);
  add_string (builder, "name", entity->name);
  add_string (builder, "unique_id", unique_id);
  add_entity_keys (builder, discovery, entity, state_topic);
  add_string (builder, "availability_topic", availability);
  add_string (builder, "payload_available", "online");
  add_string (builder, "payload_not_available", "offline");
  json_builder_set_member_name (builder, "qos");
  json_builder_add_int_value (builder, 1);
  add_device (builder, discovery);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  retained->topic = g_strdup_printf ("%s/%s/lactd_%s/%s/config", discovery->prefix,
                                     entity->component, discovery->id,
                                     entity->object);
  retained->payload = lactd_mqtt_json_to_string (root);
  return retained;
}

GPtrArray *
lactd_mqtt_discovery_device (const LactdMqttDiscovery *discovery)
{
  GPtrArray *configs =
    g_ptr_array_new_with_free_func ((GDestroyNotify) lactd_mqtt_retained_free);

  for (guint i = 0; i < G_N_ELEMENTS (device_entities); i++)
    g_ptr_array_add (configs, entity_config (discovery, &device_entities[i]));
  return configs;
}

/* "C0:FF:EE:00:00:01" → "c0ffee000001". */
static char *
address_hex (const char *address)
{
  GString *hex = g_string_new (NULL);

  for (const char *p = address; *p != '\0'; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (hex, g_ascii_tolower (*p));
  return g_string_free (hex, FALSE);
}

GPtrArray *
lactd_mqtt_discovery_sensor (const LactdMqttDiscovery *discovery,
                             const char *address, const char *name)
{
  GPtrArray *configs =
    g_ptr_array_new_with_free_func ((GDestroyNotify) lactd_mqtt_retained_free);
  g_autofree char *hex = address_hex (address);
  g_autofree char *battery_object = g_strdup_printf ("battery_%s", hex);
  g_autofree char *sync_object = g_strdup_printf ("last_sync_%s", hex);
  g_autofree char *battery_name = g_strdup_printf ("%s battery", name != NULL ? name : "");
  g_autofree char *sync_name = g_strdup_printf ("%s last sync", name != NULL ? name : "");
  /* The sensor's entry in `sensors`, by address. */
  g_autofree char *select =
    g_strdup_printf ("{%% set s = value_json.sensors | selectattr('address', 'eq', '%s') "
                     "| first %%}", address);
  g_autofree char *battery_template =
    g_strdup_printf ("%s{{ s.battery if s is defined and s.battery is not none "
                     "else None }}", select);
  g_autofree char *sync_template =
    g_strdup_printf ("%s{{ s.last_sync if s is defined and s.last_sync is not none "
                     "else None }}", select);
  const Entity entities[] = {
    { "sensor", battery_object, battery_name, battery_template, "battery",
      "measurement", "%", NULL, -1, NULL, NULL, NULL, TRUE },
    { "sensor", sync_object, sync_name, sync_template, "timestamp",
      NULL, NULL, "mdi:sync", -1, NULL, NULL, NULL, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      LactdMqttRetained *retained = entity_config (discovery, &entities[i]);

      if (name == NULL)
        {
          g_free (retained->payload);
          retained->payload = g_strdup ("");
        }
      g_ptr_array_add (configs, retained);
    }
  return configs;
}
