/* lactd-sim-transport.h — the transport of the built-in simulated sensor
 * (`lactd --simulate[=SCENARIO]`): one sensor, always in range, always
 * paired, at LACTD_SIMULATED_ADDRESS, speaking real LSP bytes through a
 * LactdSimLink. BluetoothState is "simulated", and a daemon running it
 * shows no other sensor (simulated sessions never enter a real history by
 * accident).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-transport.h"

G_BEGIN_DECLS

#define LACTD_TYPE_SIM_TRANSPORT (lactd_sim_transport_get_type ())
G_DECLARE_FINAL_TYPE (LactdSimTransport, lactd_sim_transport, LACTD,
                      SIM_TRANSPORT, GObject)

/* The simulated sensor's name, as it is remembered. */
#define LACTD_SIM_SENSOR_NAME "lactd simulated sensor"

/* Fails (G_IO_ERROR_INVALID_ARGUMENT, from lsp-sim-sensor) for a scenario
 * the simulator does not know, so that a typo fails start-up instead of
 * running without a sensor. */
LactdSimTransport *lactd_sim_transport_new (const char *scenario,
                                            GError **error);

G_END_DECLS
