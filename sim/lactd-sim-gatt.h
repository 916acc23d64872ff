/* lactd-sim-gatt.h — the D-Bus objects lactd-sim exports to BlueZ: the
 * GATT application (ObjectManager root, services, characteristics), the
 * LE advertisement and the pairing agent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lsp-sim-sensor.h"

G_BEGIN_DECLS

#define SIM_APP_PATH   "/org/lactd/sim"
#define SIM_ADV_PATH   "/org/lactd/sim/advertisement0"
#define SIM_AGENT_PATH "/org/lactd/sim/agent"

typedef struct _SimGatt SimGatt;

/* Called whenever something the status file shows may have changed. */
typedef void (*SimGattChangedFunc) (gpointer user_data);

/* Exports every object on bus; BlueZ is told about them separately
 * (RegisterApplication, RegisterAdvertisement, RegisterAgent). */
SimGatt *sim_gatt_new (GDBusConnection *bus, LspSimSensor *sensor,
                       const char *local_name, SimGattChangedFunc changed,
                       gpointer user_data, GError **error);
void sim_gatt_free (SimGatt *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimGatt, sim_gatt_free)

/* The central's link went down (every central, if several). */
void sim_gatt_link_down (SimGatt *self);
/* A central is connected again: characteristics whose CCC BlueZ kept
 * enabled across the disconnect (a bonded central) notify again. */
void sim_gatt_link_up (SimGatt *self);
/* Characteristics BlueZ has subscribed to, e.g. "racp,session-record". */
char *sim_gatt_describe_notifying (SimGatt *self);
/* Session Record notifications handed to BlueZ since start. */
guint64 sim_gatt_get_records_sent (SimGatt *self);
/* Wall-clock times (µs) of the last accepted RACP report request and of
 * the last Session Record sent, 0 if none: for the sync-rate benchmark. */
void sim_gatt_get_report_times (SimGatt *self, gint64 *report_start_us,
                                gint64 *last_record_us);

/* The ATT error code an org.bluez.Error reply stands for, and back:
 * exposed for the docs' table and unit checks. */
const char *sim_gatt_att_error_name (guint8 att_error, char **message_out);

G_END_DECLS
