/* mqtt-bridge.h — lactd-mqtt proper: follows org.lactd on the session bus
 * and mirrors it to the broker (mqtt.md in docs/usage.md's terms):
 * availability, retained state, sessions, reminders, live progress,
 * Home Assistant discovery, and the commands on `<base>/cmd/`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mqtt-config.h"

G_BEGIN_DECLS

typedef struct _LactdMqttBridge LactdMqttBridge;

/* CONFIG must outlive the bridge. MARK_PATH is the state file. Fails for
 * a configuration or state file that can never work. */
LactdMqttBridge *lactd_mqtt_bridge_new (const LactdMqttConfig *config,
                                        GDBusConnection *bus,
                                        const char *mark_path,
                                        GError **error);
void lactd_mqtt_bridge_free (LactdMqttBridge *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdMqttBridge, lactd_mqtt_bridge_free)

/* Starts following lactd and connecting to the broker. */
void lactd_mqtt_bridge_start (LactdMqttBridge *self);
/* Publishes availability `offline`, waits (at most a few seconds) for the
 * broker to acknowledge it, disconnects, then quits LOOP. */
void lactd_mqtt_bridge_stop (LactdMqttBridge *self, GMainLoop *loop);

G_END_DECLS
