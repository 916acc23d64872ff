/* mqtt-command.h — the commands lactd-mqtt accepts on `<base>/cmd/<name>`,
 * and the validation every payload passes before anything reaches lactd.
 *
 * - snooze: the minutes as text, 1-240 (ASCII digits, surrounding white
 *   space allowed) → Goals1.Snooze;
 * - dismiss, sync: any payload;
 * - add: a JSON object with exactly AddSession's keys and types: `kind`
 *   (pump, sns, hand, breastfeed) and `start` (integer epoch seconds, or an
 *   ISO 8601 string; local time when it has no offset) required;
 *   `utc_offset` (integer minutes, -720..840; taken from an ISO 8601 start
 *   that has an offset when absent), `duration_left`, `duration_right`
 *   (integer seconds 0-14400), `double` (boolean), `volume_left_ml`,
 *   `volume_right_ml`, `supplement_ml` (numbers 0-1000). `start` from
 *   2020-01-01 to 60 s from now, as lactd requires.
 *
 * Pure: no I/O, the clock is an argument.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The `error` of a `cmd/result` for a payload that failed validation, and
 * for a command that came while lactd was not on the bus. */
#define LACTD_MQTT_ERROR_NAME_INVALID     "org.lactd.mqtt.InvalidPayload"
#define LACTD_MQTT_ERROR_NAME_UNAVAILABLE "org.lactd.mqtt.LactdUnavailable"

#define LACTD_MQTT_PAYLOAD_MAX 4096

typedef enum {
  LACTD_MQTT_CMD_SNOOZE,
  LACTD_MQTT_CMD_DISMISS,
  LACTD_MQTT_CMD_SYNC,
  LACTD_MQTT_CMD_ADD,
} LactdMqttCommandKind;

typedef struct {
  LactdMqttCommandKind kind;
  guint32 minutes;      /* snooze */
  GVariant *session;    /* add: the a{sv} for AddSession (owned) */
} LactdMqttCommand;

/* The command named NAME (the last topic level), FALSE for none. */
gboolean lactd_mqtt_command_lookup (const char *name, LactdMqttCommandKind *kind);
const char *lactd_mqtt_command_name (LactdMqttCommandKind kind);

/* Validates PAYLOAD for KIND; NOW (Unix seconds) bounds `start`. On
 * failure sets ERROR (LACTD_MQTT_ERROR_PAYLOAD) with a message that says
 * what is wrong. */
gboolean lactd_mqtt_command_parse (LactdMqttCommandKind kind,
                                   const void *payload, gsize length,
                                   gint64 now, LactdMqttCommand *command,
                                   GError **error);
void lactd_mqtt_command_clear (LactdMqttCommand *command);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LactdMqttCommand, lactd_mqtt_command_clear)

G_END_DECLS
