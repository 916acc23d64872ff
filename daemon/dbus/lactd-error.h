/* lactd-error.h — the errors lactd answers D-Bus calls with.
 *
 * LACTD_ERROR is registered with GDBus, so a GError in this domain travels
 * over the bus as "org.lactd.Error.<Name>" and comes back as the same
 * domain and code in a client that has called lactd_error_quark() (using
 * LACTD_ERROR does) before its first call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LACTD_ERROR (lactd_error_quark ())
GQuark lactd_error_quark (void);

/* The D-Bus names are the contract's; never renumber, only append. */
typedef enum {
  LACTD_ERROR_INVALID_ARGS,   /* org.lactd.Error.InvalidArgs */
  LACTD_ERROR_NOT_FOUND,      /* org.lactd.Error.NotFound */
  LACTD_ERROR_NOT_CONNECTED,  /* org.lactd.Error.NotConnected */
  LACTD_ERROR_NO_ADAPTER,     /* org.lactd.Error.NoAdapter */
  LACTD_ERROR_PAIRING_FAILED, /* org.lactd.Error.PairingFailed */
  LACTD_ERROR_SYNC_FAILED,    /* org.lactd.Error.SyncFailed */
  LACTD_ERROR_BUSY,           /* org.lactd.Error.Busy */
  LACTD_ERROR_STORAGE,        /* org.lactd.Error.Storage */
  LACTD_ERROR_NOT_AUTHORIZED, /* org.lactd.Error.NotAuthorized */
} LactdError;

#define LACTD_ERROR_N_CODES (LACTD_ERROR_NOT_AUTHORIZED + 1)

/* "org.lactd.Error.InvalidArgs" etc.; NULL for a code out of range. */
const char *lactd_error_to_dbus_name (LactdError code);

/* Rewrites *error in place so that it can be returned over the bus,
 * keeping its message: LACTD_STORE_ERROR_STORAGE becomes
 * LACTD_ERROR_STORAGE, _INVALID (and the model's LACTD_MODEL_ERROR)
 * becomes LACTD_ERROR_INVALID_ARGS and _NOT_FOUND becomes
 * LACTD_ERROR_NOT_FOUND. An error already in LACTD_ERROR is left alone;
 * any other domain (SQLite, I/O) becomes LACTD_ERROR_STORAGE. Does nothing
 * when error or *error is NULL. */
void lactd_error_from_store (GError **error);
/* LACTD_MODEL_ERROR (a value broke the model's rules) becomes
 * LACTD_ERROR_INVALID_ARGS with its message; any other error is left
 * alone. */
void lactd_error_from_model (GError **error);
/* LACTD_TRANSPORT_ERROR (lactd-transport.h) becomes the API's NoAdapter,
 * Busy, InvalidArgs (not an LSP sensor), PairingFailed or NotFound with
 * its message; any other error is left alone. */
void lactd_error_from_transport (GError **error);

G_END_DECLS
