/* lactd-sync.h — the sync engine: one per sensor, over a LactdLink.
 *
 * Runs the normative LSP v1 sync procedure (docs/protocol.md, "The sync
 * procedure"): on every connection it reads the sensor's identity, clock
 * and battery and subscribes; then it asks for the records after the last
 * acknowledged one, stores each idempotently (or keeps it aside as
 * rejected), commits durably, and only then deletes them on the sensor.
 * Live Progress packets are decoded and re-emitted; the end of a live
 * session starts another sync so its record is stored within seconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-link.h"
#include "lactd-store.h"
#include "lsp.h"

G_BEGIN_DECLS

#define LACTD_SYNC_ERROR (lactd_sync_error_quark ())
GQuark lactd_sync_error_quark (void);

typedef enum {
  LACTD_SYNC_ERROR_NOT_CONNECTED,  /* the sensor is not connected */
  LACTD_SYNC_ERROR_FAILED,         /* the sensor broke off or refused */
  LACTD_SYNC_ERROR_STORAGE,        /* the store could not commit */
} LactdSyncError;

/* A Live Progress packet as decoded (protocol/lsp.h), as a boxed type for
 * the "live" signal. */
typedef lsp_live LactdLive;
#define LACTD_TYPE_LIVE (lactd_live_get_type ())
GType lactd_live_get_type (void) G_GNUC_CONST;

#define LACTD_TYPE_SYNC (lactd_sync_get_type ())
G_DECLARE_FINAL_TYPE (LactdSync, lactd_sync, LACTD, SYNC, GObject)

/* Properties (all with notify):
 *   "state"            s  "idle", "syncing" or "error"
 *   "last-error"       s  why the last sync failed, "" after a success
 *   "battery"          u  0-100, 255 unknown
 *   "model"            s  Device Information model number
 *   "firmware"         s  Device Information firmware revision
 *   "kind"             s  "pump", "sns" (Sensor Features) or "unknown"
 *   "rejected-records" u  records kept aside as malformed (from the store)
 *   "lost-records"     u  records overwritten before a sync (from the store)
 *   "malformed-packets" u other invalid packets since start (not stored)
 *   "last-sync"        x  Unix time of the last completed sync, 0 never
 *   "connected"        b  mirrors the link's "ready"
 * Signals:
 *   "session-stored" (LactdSession *, LACTD_TYPE_SESSION): once per newly
 *     stored session
 *   "live" (LactdLive *, LACTD_TYPE_LIVE): every valid Live Progress
 *     packet
 *   "malformed-packet" (LactdChar ch, const char *reason): an invalid
 *     packet other than a Session Record (those become rejected records)
 */

/* The store is borrowed: it must outlive the engine. */
LactdSync *lactd_sync_new (LactdLink *link, LactdStore *store);
/* Per RACP procedure (default 10000 ms) and the allowance for records
 * still in flight after a report's end (default 2000 ms). */
void lactd_sync_set_timeouts (LactdSync *self, guint procedure_ms,
                              guint straggler_ms);
/* How long after a short report (fewer records than the sensor counted)
 * step 2 runs again (default 3000 ms). LACTD_TEST_PROCEDURE_MS,
 * LACTD_TEST_STRAGGLER_MS and LACTD_TEST_RERUN_MS in the environment
 * override the three defaults, for tests only. */
void lactd_sync_set_rerun_delay (LactdSync *self, guint rerun_ms);

/* Syncs now and completes when that sync is done; a call during a running
 * sync completes with it. LACTD_SYNC_ERROR_NOT_CONNECTED when the link is
 * not ready, _FAILED or _STORAGE with the reason otherwise. */
void lactd_sync_run_async (LactdSync *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
gboolean lactd_sync_run_finish (LactdSync *self, GAsyncResult *result,
                                GError **error);

LactdLink *lactd_sync_get_link (LactdSync *self);
const char *lactd_sync_get_state (LactdSync *self);
const char *lactd_sync_get_last_error (LactdSync *self);
guint lactd_sync_get_battery (LactdSync *self);
const char *lactd_sync_get_model (LactdSync *self);
const char *lactd_sync_get_firmware (LactdSync *self);
const char *lactd_sync_get_kind (LactdSync *self);
guint lactd_sync_get_rejected_records (LactdSync *self);
guint lactd_sync_get_lost_records (LactdSync *self);
guint lactd_sync_get_malformed_packets (LactdSync *self);
gint64 lactd_sync_get_last_sync (LactdSync *self);
gboolean lactd_sync_get_connected (LactdSync *self);

G_END_DECLS
