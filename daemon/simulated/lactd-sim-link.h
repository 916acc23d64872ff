/* lactd-sim-link.h — a LactdLink to an in-process simulated sensor.
 *
 * Chosen only by `lactd --simulate` and by tests: the sync engine and the
 * live tracker run unchanged over real LSP bytes from an LspSimSensor.
 * Operations complete on the main loop (never re-entrantly), the link
 * becomes ready a short delay after it connects, and it can be dropped
 * and brought back to exercise reconnection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-link.h"
#include "lsp-sim-sensor.h"

G_BEGIN_DECLS

#define LACTD_TYPE_SIM_LINK (lactd_sim_link_get_type ())
G_DECLARE_FINAL_TYPE (LactdSimLink, lactd_sim_link, LACTD, SIM_LINK, LactdLink)

/* A link to a sensor built for a named scenario (lsp-sim-sensor.h).
 * Connects on its own (ready after the connect delay, 20 ms by default). */
LactdSimLink *lactd_sim_link_new (const char *address, const char *scenario,
                                  GError **error);
/* The same around a sensor the caller built (tests). */
LactdSimLink *lactd_sim_link_new_for_sensor (const char *address,
                                             LspSimSensor *sensor);
LspSimSensor *lactd_sim_link_get_sensor (LactdSimLink *self);
/* FALSE drops the link now (ready goes false, the sensor's procedure
 * stops); TRUE connects again (ready after the connect delay). */
void lactd_sim_link_set_connected (LactdSimLink *self, gboolean connected);
void lactd_sim_link_set_connect_delay (LactdSimLink *self, guint delay_ms);
/* Whether a link the sensor dropped comes back by itself (default TRUE). */
void lactd_sim_link_set_auto_reconnect (LactdSimLink *self,
                                        gboolean auto_reconnect);
/* Counts of operations, for tests. */
guint lactd_sim_link_get_n_connects (LactdSimLink *self);

G_END_DECLS
