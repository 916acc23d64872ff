/* mqtt-link.h — one MQTT connection (libmosquitto) driven by the GLib
 * main loop, with reconnection.
 *
 * The socket is watched by one GSource (readable always, writable while
 * libmosquitto has bytes to send); the same source's ready time is the
 * keep-alive deadline, re-armed after every outgoing packet, so an idle
 * connection wakes only to send PINGREQ once per keep-alive and to read
 * PINGRESP. No thread: mosquitto_loop_start() is never called.
 *
 * Persistent session (clean session off), the will `offline` on the
 * availability topic, TLS with certificate and host-name verification.
 * After a failure the link retries by itself: 1 s doubling to 60 s, each
 * delay with ±20 % jitter, back to 1 s after a successful CONNACK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "mqtt-config.h"

G_BEGIN_DECLS

/* Seconds between PINGREQs on an idle connection. */
#define LACTD_MQTT_KEEPALIVE 60

typedef struct _LactdMqttLink LactdMqttLink;

typedef struct {
  /* CONNACK accepted: (re)subscribe and (re)publish. */
  void (*connected) (gpointer user_data);
  /* The connection is gone (or never came up); a retry is scheduled. */
  void (*disconnected) (gpointer user_data);
  /* The broker acknowledged the QoS 1 message MID (PUBACK). */
  void (*published) (int mid, gpointer user_data);
  /* A message on a subscribed topic. PAYLOAD is not NUL-terminated. */
  void (*message) (const char *topic, const void *payload, gsize length,
                   gboolean retained, gpointer user_data);
} LactdMqttLinkCallbacks;

/* Sets up libmosquitto from CONFIG (copied: the link keeps no pointer to
 * it) with WILL_TOPIC/WILL_PAYLOAD as the retained QoS 1 will. Fails only
 * for a configuration that can never work (e.g. an unreadable ca_file). */
LactdMqttLink *lactd_mqtt_link_new (const LactdMqttConfig *config,
                                    const char *will_topic,
                                    const char *will_payload,
                                    const LactdMqttLinkCallbacks *callbacks,
                                    gpointer user_data, GError **error);
void lactd_mqtt_link_free (LactdMqttLink *link);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdMqttLink, lactd_mqtt_link_free)

/* The first connection attempt, now. */
void lactd_mqtt_link_start (LactdMqttLink *link);
/* CONNACK received and the connection still up. */
gboolean lactd_mqtt_link_is_connected (LactdMqttLink *link);

/* Publishes on a connected link; *MID (may be NULL) identifies the
 * message in `published` for QoS 1. */
gboolean lactd_mqtt_link_publish (LactdMqttLink *link, const char *topic,
                                  const void *payload, gsize length, int qos,
                                  gboolean retain, int *mid, GError **error);
gboolean lactd_mqtt_link_publish_text (LactdMqttLink *link, const char *topic,
                                       const char *text, int qos,
                                       gboolean retain, int *mid,
                                       GError **error);
gboolean lactd_mqtt_link_subscribe (LactdMqttLink *link,
                                    const char *const *topics, int qos,
                                    GError **error);

/* Sends DISCONNECT (so no will) and stops retrying. Not from inside a
 * callback above: libmosquitto holds a lock there. */
void lactd_mqtt_link_disconnect (LactdMqttLink *link);

G_END_DECLS
