/* lactd-bluez-pairing-private.h — what discovery (lactd-bluez-discover.c)
 * and pairing (lactd-bluez-pair.c) share: the pairing module's state and
 * its scans.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-bluez-pair.h"

G_BEGIN_DECLS

typedef struct _Scan Scan;
typedef void (*ScanDone) (Scan *scan);

struct _Scan {
  LactdBluezPairing *pairing;
  GHashTable *found;       /* path → LactdFoundSensor* */
  GPtrArray *adapters;     /* adapter paths this scan holds */
  guint timeout_id;
  GSource *cancelled;      /* the caller's cancellable ends it early */
  ScanDone done;
  gpointer data;
};

struct _LactdBluezPairing {
  LactdBluez *bluez;       /* owns us */
  gulong changed_id;
  GHashTable *discovering; /* adapter path → number of scans */
  GPtrArray *scans;        /* Scan* (not owned) */
  GTask *pair_task;
  char *pair_address;
  gboolean passkey_refused;
  LactdBluezConfirm *confirm;  /* the pairing's numeric comparison */
  GCancellable *cancellable;   /* discovery calls; cancelled when freed */
};

/* Starts discovery on every powered adapter for timeout_s, then calls
 * done (which frees the scan); NULL when no adapter is powered. */
Scan *lactd_bluez_scan_start (LactdBluezPairing *pairing, guint timeout_s,
                              ScanDone done, gpointer data);
/* Ends the scan now, as its timeout would. */
void lactd_bluez_scan_end (Scan *scan);
void lactd_bluez_scan_free (Scan *scan);
/* Takes in what BlueZ says of the device at path. */
void lactd_bluez_scan_consider (Scan *scan, const char *path);
/* TRUE when the device at path advertises the LSP service; FALSE with
 * *refuse when it certainly is not an LSP sensor. */
gboolean lactd_bluez_device_is_lsp (LactdBluez *bluez, const char *path,
                                    gboolean *refuse);
/* FALSE when the transport is ready; else TRUE with the error saying why
 * nothing can be discovered or paired. */
gboolean lactd_bluez_no_adapter_error (LactdBluez *bluez, GError **error);

G_END_DECLS
