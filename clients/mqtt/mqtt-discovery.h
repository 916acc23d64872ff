/* mqtt-discovery.h — Home Assistant MQTT discovery configs.
 *
 * Each entity's config is published retained on
 * `<prefix>/<component>/lactd_<id>/<object>/config`, with one device
 * (identifiers ["lactd_<id>"], name "lactd", sw_version), availability on
 * `<base>/availability`, unique_id `lactd_<id>_<object>`, and its value
 * read from `<base>/state` with a value_template (buttons publish on
 * `<base>/cmd/...` instead). Per paired sensor: `battery_<address hex>`
 * and `last_sync_<address hex>` (address hex: the 12 hex digits, lower
 * case). An empty retained payload on a config topic removes the entity.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *topic;
  char *payload;    /* "" removes the entity */
} LactdMqttRetained;

void lactd_mqtt_retained_free (LactdMqttRetained *retained);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdMqttRetained, lactd_mqtt_retained_free)

typedef struct {
  const char *prefix;       /* discovery_prefix, not empty */
  const char *id;
  const char *base_topic;
  const char *version;
} LactdMqttDiscovery;

/* The configs of the entities that do not depend on sensors. */
GPtrArray *lactd_mqtt_discovery_device (const LactdMqttDiscovery *discovery);
/* The configs of one paired sensor (ADDRESS "C0:FF:EE:00:00:01", NAME its
 * Sensor1.Name); with NAME NULL, the empty payloads that remove them. */
GPtrArray *lactd_mqtt_discovery_sensor (const LactdMqttDiscovery *discovery,
                                        const char *address, const char *name);

G_END_DECLS
