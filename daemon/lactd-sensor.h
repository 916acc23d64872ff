/* lactd-sensor.h — one paired sensor on the bus: /org/lactd/sensor/<ID>
 * with org.lactd.Sensor1, fed by its sync engine, and the live-session
 * tracker behind Manager1's SessionStarted, Progress and SessionEnded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-dbus.h"
#include "lactd-link.h"
#include "lactd-store.h"

G_BEGIN_DECLS

#define LACTD_TYPE_SENSOR (lactd_sensor_get_type ())
G_DECLARE_FINAL_TYPE (LactdSensor, lactd_sensor, LACTD, SENSOR, GObject)

/* manager: where the live signals are emitted. Signals:
 *   "session-stored" (gpointer const LactdSession *): a new session
 *   "live-active-changed" (gboolean active)
 *   "battery-changed" (guint percent, 0-100 or 255)
 *   "sync-failed" (const char *reason) */
LactdSensor *lactd_sensor_new (LactdStore *store, LactdLink *link,
                               LactdManager1 *manager);

const char *lactd_sensor_get_address (LactdSensor *self);
const char *lactd_sensor_get_object_path (LactdSensor *self);
LactdObjectSkeleton *lactd_sensor_get_object (LactdSensor *self);
LactdLink *lactd_sensor_get_link (LactdSensor *self);
gboolean lactd_sensor_get_live_active (LactdSensor *self);
guint lactd_sensor_get_battery (LactdSensor *self);

G_END_DECLS
