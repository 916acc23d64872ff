/* mqtt-json.h — the JSON payloads lactd-mqtt publishes (json-glib), built
 * from lactd's D-Bus values. No I/O: every function is pure.
 *
 * Times are ISO 8601 with an explicit offset (`2026-03-01T06:40:00+01:00`):
 * a session's in its own utc_offset, everything else in the local zone.
 * Volumes in mL, durations in seconds, as on the bus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *lactd_mqtt_iso8601 (gint64 unix_time, int offset_minutes);
char *lactd_mqtt_iso8601_local (gint64 unix_time);
char *lactd_mqtt_json_to_string (JsonNode *node);

/* `<base>/session`: the History1 session dictionary's keys with their
 * values (start and end in Unix seconds), plus start_iso and end_iso. */
char *lactd_mqtt_session_json (GVariant *session);
/* `<base>/reminder`: {kind, due (ISO 8601), message}. */
char *lactd_mqtt_reminder_json (const char *kind, gint64 due, const char *message);
/* `<base>/live`: the Progress dictionary. */
char *lactd_mqtt_live_json (GVariant *live);
/* `<base>/cmd/result`: {command, ok, error (NULL → null), message}. */
char *lactd_mqtt_result_json (const char *command, gboolean ok,
                              const char *error_name, const char *message);

/* One sensor in `<base>/state`. */
typedef struct {
  const char *address;
  const char *name;
  const char *kind;
  gboolean connected;
  guint8 battery;          /* 255: unknown (null) */
  gint64 last_sync;        /* 0: never (null) */
  guint32 lost_records;
} LactdMqttSensorState;

/* Everything `<base>/state` says. Variants may be NULL (lactd did not
 * give them): an empty object is published then. */
typedef struct {
  GVariant *progress;        /* Goals1.Progress a{sv} */
  gint64 next_due;           /* Goals1.NextDue; 0: null */
  const char *reminder_kind; /* NULL: no reminder pending */
  gint64 reminder_due;
  GVariant *trend;           /* Goals1.Trend a{sv} */
  const char *bluetooth;     /* Manager1.BluetoothState */
  const LactdMqttSensorState *sensors;
  guint n_sensors;
  GVariant *live;            /* NULL or empty: no live session (null) */
  gint64 now;
} LactdMqttState;

char *lactd_mqtt_state_json (const LactdMqttState *state);

G_END_DECLS
