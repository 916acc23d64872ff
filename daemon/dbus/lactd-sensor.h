/* lactd-sensor.h — org.lactd.Sensor1 of one paired sensor, fed by its
 * sync engine, and the live-session tracker behind Manager1's
 * SessionStarted, Progress and SessionEnded.
 *
 * LactdSensor IS the Sensor1 skeleton; the manager exports it on
 * /org/lactd/sensor/<ID> inside a LactdObjectSkeleton.
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
G_DECLARE_FINAL_TYPE (LactdSensor, lactd_sensor, LACTD, SENSOR,
                      LactdSensor1Skeleton)

/* Properties (construct-only):
 *   "store"  gpointer   the LactdStore, borrowed: it must outlive the sensor
 *   "link"   LactdLink
 * Signals:
 *   "session-stored" (LactdSession *): a new session from this sensor
 *   "live-active-changed" (gboolean active)
 *   "battery-changed" (guint percent, 0-100 or 255)
 *   "session-started" (guint seq), "progress" (GVariant *live a{sv}),
 *   "session-ended" (guint seq): the live session, in the contract's terms
 *     (a new sequence number ends the one shown; a lost link ends it too) */
LactdSensor *lactd_sensor_new (LactdStore *store, LactdLink *link);

const char *lactd_sensor_get_address (LactdSensor *self);
const char *lactd_sensor_get_object_path (LactdSensor *self);
LactdLink *lactd_sensor_get_link (LactdSensor *self);
gboolean lactd_sensor_get_live_active (LactdSensor *self);

G_END_DECLS
