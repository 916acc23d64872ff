/* lactd-transports.h — the transports lactd can run with, and the one its
 * options pick: the only place that names a concrete transport.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-transport.h"

G_BEGIN_DECLS

/* simulate: NULL for real sensors (BlueZ; its state known within 2 s, and
 * "no-bluez" without a system bus), else the scenario of the built-in
 * simulated sensor (an unknown one fails). */
void lactd_transport_new_for_options_async (const char          *simulate,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
LactdTransport *lactd_transport_new_for_options_finish (GAsyncResult  *result,
                                                        GError       **error);

G_END_DECLS
