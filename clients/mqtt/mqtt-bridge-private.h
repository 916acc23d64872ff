/* mqtt-bridge-private.h — what mqtt-bridge.c and mqtt-bridge-commands.c
 * share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-client-common.h"
#include "mqtt-bridge.h"
#include "mqtt-link.h"
#include "mqtt-sessions.h"

G_BEGIN_DECLS

struct _LactdMqttBridge {
  const LactdMqttConfig *config;
  GDBusConnection *bus;
  LactdMqttLink *link;
  LactdMqttSessions *sessions;
  guint watch_id;
  GCancellable *cancellable;      /* every D-Bus call of one lactd instance */

  gboolean lactd_known;           /* the name watcher has answered once */
  GQueue early_commands;          /* EarlyCommand *, from before that answer */
  /* lactd while it is on the bus */
  LactdManager1 *manager;
  LactdHistory1 *history;
  LactdGoals1 *goals;
  GHashTable *sensors;            /* object path → LactdSensor1 */
  GHashTable *discovered;         /* address → name its configs carry */

  /* topics */
  char *topic_availability;
  char *topic_state;
  char *topic_session;
  char *topic_reminder;
  char *topic_live;
  char *topic_result;
  char *topic_cmd_prefix;         /* "<base>/cmd/" */
  char *topic_ha_status;          /* NULL without discovery */

  /* the pending session or night reminder, tracked from signals */
  char *reminder_kind;            /* NULL: none */
  gint64 reminder_due;
  char *reminder_unsent;          /* a ReminderDue payload the broker missed */

  /* rate limits: at most one state and one live message a second */
  gint64 state_sent_at;
  guint state_timer;
  GVariant *live_latest;
  gint64 live_sent_at;
  guint live_timer;

  /* stopping */
  GMainLoop *stop_loop;
  int offline_mid;
  guint stop_timer;
};

/* mqtt-bridge.c */
void lactd_mqtt_bridge_state_changed (LactdMqttBridge *self);
void lactd_mqtt_bridge_clear_reminder (LactdMqttBridge *self);
gint64 lactd_mqtt_bridge_now (void);

/* mqtt-bridge-commands.c: a message on `<base>/cmd/NAME`. */
void lactd_mqtt_bridge_command (LactdMqttBridge *self, const char *name,
                                const void *payload, gsize length,
                                gboolean retained);
/* The commands that came before the name watcher's first answer (those
 * waiting in the persistent session arrive right after CONNACK), carried
 * out now that it is known whether lactd runs. */
void lactd_mqtt_bridge_run_early_commands (LactdMqttBridge *self);
void lactd_mqtt_bridge_drop_early_commands (LactdMqttBridge *self);

G_END_DECLS
