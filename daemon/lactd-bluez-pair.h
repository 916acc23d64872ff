/* lactd-bluez-pair.h — discovery, pairing and forgetting (private).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-bluez-private.h"

G_BEGIN_DECLS

typedef struct _LactdBluezPairing LactdBluezPairing;

LactdBluezPairing *lactd_bluez_pairing_new (LactdBluez *bluez);
void lactd_bluez_pairing_free (LactdBluezPairing *pairing);
LactdBluezPairing *lactd_bluez_get_pairing (LactdBluez *self);

G_END_DECLS
