/* mqtt-sessions.h — every stored session published once on
 * `<base>/session`, in id order, surviving broker outages and restarts.
 *
 * The mark (mqtt-mark.h) is the highest id the broker acknowledged with
 * everything before it. When lactd appears the whole history is read
 * (History1.ListSessions over bounded ranges, each under lactd's cap of
 * 5000 sessions a reply) and every session above the mark queued;
 * SessionAdded signals are queued as they come. Nothing is published
 * while such a scan runs, so that a session found late by the scan still
 * goes out before higher ids. With the broker down the queue simply
 * waits. At most LACTD_MQTT_SESSIONS_WINDOW messages are unacknowledged
 * at a time; libmosquitto resends those after a reconnection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lactd-dbus.h"
#include "mqtt-link.h"

G_BEGIN_DECLS

#define LACTD_MQTT_SESSIONS_WINDOW 20

typedef struct _LactdMqttSessions LactdMqttSessions;

/* Publishes on TOPIC through LINK; MARK_PATH holds MARK, loaded already. */
LactdMqttSessions *lactd_mqtt_sessions_new (LactdMqttLink *link,
                                            const char *topic,
                                            const char *mark_path,
                                            guint64 mark);
/* Saves a mark not yet written. */
void lactd_mqtt_sessions_free (LactdMqttSessions *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdMqttSessions, lactd_mqtt_sessions_free)

/* lactd appeared (HISTORY) or went away (NULL): a scan of its history
 * starts, or the one running is abandoned. */
void lactd_mqtt_sessions_follow (LactdMqttSessions *self, LactdHistory1 *history);
/* History1.SessionAdded. */
void lactd_mqtt_sessions_added (LactdMqttSessions *self, GVariant *session);
/* The link is up: publish what waits. */
void lactd_mqtt_sessions_flush (LactdMqttSessions *self);
/* A PUBACK; FALSE when MID was not a session message. */
gboolean lactd_mqtt_sessions_acked (LactdMqttSessions *self, int mid);

guint64 lactd_mqtt_sessions_get_mark (LactdMqttSessions *self);
/* Sessions queued and not yet acknowledged. */
guint lactd_mqtt_sessions_get_backlog (LactdMqttSessions *self);

G_END_DECLS
