/* lactd-bluez-pair.h — discovery, pairing, its passkey comparison and
 * forgetting (private).
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

/* Finishes a BlueZ call whose reply carries nothing (the adapter, device
 * and property methods lactd calls all reply with no arguments). */
gboolean lactd_bluez_call_finish (GObject *source, GAsyncResult *res,
                                  GError **error);
/* Whether error is the D-Bus error name (e.g. "org.bluez.Error.InProgress"). */
gboolean lactd_bluez_is_error (const GError *error, const char *name);

/* lactd-bluez-confirm.c: the numeric comparison of the current pairing,
 * held until the client answers (Manager1.ConfirmPairing). */
#define LACTD_CONFIRM_TIMEOUT_S 60

typedef struct _LactdBluezConfirm LactdBluezConfirm;

LactdBluezConfirm *lactd_bluez_confirm_new (LactdBluez *bluez);
void lactd_bluez_confirm_free (LactdBluezConfirm *confirm);
/* The pairing's comparison state (owned by the pairing). */
LactdBluezConfirm *lactd_bluez_get_confirm (LactdBluez *self);
/* Holds RequestConfirmation's invocation and announces the passkey with
 * confirm = TRUE; rejects it at once after lactd_bluez_confirm_refuse(). */
void lactd_bluez_confirm_hold (LactdBluezConfirm *confirm,
                               const char *address, guint32 passkey,
                               GDBusMethodInvocation *invocation);
/* Answers the held request; LACTD_ERROR_NOT_FOUND when none is held for
 * address. */
gboolean lactd_bluez_confirm_answer (LactdBluezConfirm *confirm,
                                     const char *address, gboolean accept,
                                     GError **error);
/* Rejects the held request, if any (Agent1.Cancel, bluetoothd gone). */
void lactd_bluez_confirm_cancel (LactdBluezConfirm *confirm, const char *why);
/* Rejects the held request and every later one until the next reset:
 * nobody is left to answer. */
void lactd_bluez_confirm_refuse (LactdBluezConfirm *confirm, const char *why);
/* A pairing starts or ends: nothing held, nothing refused or remembered. */
void lactd_bluez_confirm_reset (LactdBluezConfirm *confirm);
/* Why the last request was rejected, NULL if none was. */
const char *lactd_bluez_confirm_get_rejection (LactdBluezConfirm *confirm);

G_END_DECLS
