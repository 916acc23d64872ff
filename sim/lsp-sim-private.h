/* lsp-sim-private.h — what lsp-sim-sensor.c and lsp-sim-scenario.c share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lsp-sim-sensor.h"

G_BEGIN_DECLS

/* The sensor's seeded generator (backlogs, shuffles, scenarios). */
GRand *lsp_sim_sensor_get_rand (LspSimSensor *self);
/* The device clock now, in UTC seconds. */
gint64 lsp_sim_sensor_device_now (LspSimSensor *self);
/* Ties a GSource id to the sensor: removed when the sensor goes away. */
void lsp_sim_sensor_own_source (LspSimSensor *self, guint source_id);

G_END_DECLS
