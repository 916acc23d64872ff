/* lactd-pair-caller.h — the client that called Manager1.Pair: the only
 * one that may answer its passkey comparison.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-transport.h"

G_BEGIN_DECLS

typedef struct _LactdPairCaller LactdPairCaller;

/* Watches unique_name on bus for the length of one pairing; when it
 * leaves the bus, the pairing's comparisons are rejected at once
 * (lactd_transport_refuse_confirmations). */
LactdPairCaller *lactd_pair_caller_new (GDBusConnection *bus,
                                        LactdTransport *transport,
                                        const char *unique_name);
void lactd_pair_caller_free (LactdPairCaller *caller);

/* Manager1.ConfirmPairing from sender: LACTD_ERROR_NOT_AUTHORIZED unless
 * sender called Pair, else lactd_transport_confirm_pairing()'s answer
 * (in LACTD_ERROR). */
gboolean lactd_pair_caller_confirm (LactdPairCaller *caller,
                                    const char *sender, const char *address,
                                    gboolean accept, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdPairCaller, lactd_pair_caller_free)

G_END_DECLS
