/* lactd-sync-private.h — what lactd-sync.c (object, connection, packets,
 * runs), lactd-sync-setup.c (step 1), lactd-sync-records.c (steps 3 and 7:
 * records into store batches) and lactd-sync-racp.c (steps 2 and 4: RACP
 * procedures and commit-then-acknowledge) share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-sync.h"
#include "lsp.h"

G_BEGIN_DECLS

/* Records are committed in batches of at most this many. */
#define LACTD_SYNC_BATCH_RECORDS 256
/* A report's records are committed at the latest this long after the
 * first of a batch arrived, while the report is still coming: what is
 * left after its last record is at most this much of it. */
#define LACTD_SYNC_REPORT_FLUSH_MS 250
/* Stored sessions are announced this many per main loop dispatch, at idle
 * priority. */
#define LACTD_SYNC_ANNOUNCE_CHUNK 16
/* During a report its stored sessions are announced once it is over, or
 * once this many wait (bounds what they hold: ~400 kB). */
#define LACTD_SYNC_ANNOUNCE_HOLD_MAX 4096
/* Records that come outside a report are committed after this pause. */
#define LACTD_SYNC_LOOSE_FLUSH_MS 100
/* Records that arrive before the record epoch is known are buffered up to
 * this many; past it the buffer is dropped (they are not acknowledged, so
 * the sensor keeps them and the next report brings them again). */
#define LACTD_SYNC_EARLY_RECORDS_MAX 256
/* Numbers of one report that count for its acknowledgement: no sensor
 * holds more (Sensor Features' capacity is a u16). */
#define LACTD_SYNC_REPORT_MAX 65535
/* After a report that handled fewer than its count N, step 2 runs again
 * this much later (lsp-v1 step 4), at most this many times in a row
 * without acknowledging anything new. */
#define LACTD_SYNC_RERUN_MS 3000
#define LACTD_SYNC_PARTIAL_RERUNS 3
/* Rejected records are logged one by one up to this many per window; the
 * rest are counted and summed up in one line when they stop for a second
 * or the window ends. */
#define LACTD_SYNC_REJECTED_LOG_BURST 10
#define LACTD_SYNC_REJECTED_LOG_WINDOW_S 60

typedef enum {
  SYNC_PHASE_NONE,
  SYNC_PHASE_COUNT,        /* 04 03 01 <last+1> written, waiting for 0x05 */
  SYNC_PHASE_REPORT,       /* 01 03 01 <last+1> written, waiting for 0x06 */
  SYNC_PHASE_STRAGGLERS,   /* 0x06 seen, allowing records still in flight */
  SYNC_PHASE_DELETE,       /* 02 02 01 <h> written, waiting for 0x06 */
  SYNC_PHASE_ABORT,        /* 03 00 written over a leftover procedure */
} SyncPhase;

typedef struct {
  gboolean valid;
  gboolean in_procedure;   /* counts for this report's acknowledgement */
  guint32 seq;             /* 0 when unreadable */
  LactdSession session;    /* valid records */
  GBytes *raw;             /* invalid records */
  lsp_status status;
} PendingRecord;

struct _LactdSync {
  GObject parent_instance;

  LactdLink *link;
  LactdStore *store;
  char *address;
  gulong ready_id;
  gulong value_id;
  GCancellable *cancellable;     /* this connection's operations */

  /* exposed state */
  char *state;
  char *last_error;
  char *model;
  char *firmware;
  char *kind;
  guint battery;
  guint rejected_records;
  guint lost_records;
  guint malformed_packets;
  gint64 last_sync;
  gboolean connected;

  /* this connection */
  gboolean epoch_known;          /* Features read on this connection */
  guint32 epoch;
  guint16 capabilities;
  gboolean setup_done;           /* step 1 done on this connection */
  guint setup_step;
  GPtrArray *early_records;      /* GBytes before the epoch was known */
  gboolean early_dropped;        /* the buffer overflowed: drop until known */

  /* runs */
  gboolean running;
  gboolean rerun;                /* a session ended: sync again at once */
  gboolean rerun_later;          /* a short report: sync again in rerun_ms */
  guint rerun_source;
  guint rerun_ms;
  guint partial_streak;          /* short reports in a row, no progress */
  GPtrArray *waiters;            /* GTask */

  /* the procedure (steps 2-4) */
  SyncPhase phase;
  guint phase_serial;            /* changes with every RACP write */
  guint32 last;                  /* acknowledged before this run */
  guint32 expected;              /* N from the count */
  guint received;                /* record packets during the report */
  GHashTable *seen;              /* numbers >= last+1 arrived in the report */
  GHashTable *handled;           /* committed numbers >= last+1 */
  guint32 low;                   /* lowest of handled, 0 none */
  guint32 ack;                   /* h being acknowledged, 0 none */
  guint32 lost;                  /* overwritten on the sensor (step 4) */
  char *fault;                   /* a sensor fault found in step 4 */
  guint procedure_timeout;
  gboolean abort_needed;         /* a procedure timed out: abort it first */
  gboolean busy_aborted;         /* this run aborted a leftover procedure */
  gint64 last_activity;          /* monotonic, for the procedure timeout */
  gint64 last_record_time;       /* monotonic, the report's last record */
  gint64 report_time;            /* monotonic, the report request */
  gint64 report_cpu;             /* process CPU µs then (debug line) */
  guint straggler_timeout;
  guint procedure_ms;
  guint straggler_ms;

  GArray *pending;               /* PendingRecord, not yet committed */
  GArray *unannounced;           /* LactdSession committed, not announced */
  guint announce_source;
  GTimeZone *local_tz;           /* for records of unknown offset */
  guint flush_source;

  /* rate limit of the rejected-record warnings */
  gint64 reject_window_start;    /* monotonic µs */
  guint reject_logged;           /* one by one in this window */
  guint reject_suppressed;       /* counted since the last summary */
  gint64 reject_last_suppressed; /* monotonic µs */
  lsp_status reject_last_status;
  guint reject_summary_source;
};

/* lactd-sync.c */
void lactd_sync_set_string (LactdSync *self, char **field, const char *value,
                            guint prop_id);
void lactd_sync_set_uint (LactdSync *self, guint *field, guint value,
                          guint prop_id);
void lactd_sync_refresh_counters (LactdSync *self);
void lactd_sync_emit_session_stored (LactdSync *self,
                                     const LactdSession *session);
void lactd_sync_run_succeeded (LactdSync *self);
/* Ends the run as lsp-v1 step 4 decided: an error for a sensor fault or
 * for short reports that keep failing, else a success, with another sync
 * in rerun_ms after a short report. */
void lactd_sync_run_finished (LactdSync *self);
void lactd_sync_run_failed (LactdSync *self, LactdSyncError code,
                            const char *format, ...) G_GNUC_PRINTF (3, 4);
/* Counts and signals an invalid packet other than a Session Record. */
void lactd_sync_report_malformed (LactdSync *self, LactdChar ch,
                                  lsp_status status);

/* lactd-sync-setup.c */
void lactd_sync_setup_start (LactdSync *self);
/* Reads Sensor Features again before another run on the same connection
 * (the record epoch may have changed), then goes on with step 2. */
void lactd_sync_setup_recheck_epoch (LactdSync *self);

/* lactd-sync-racp.c */
void lactd_sync_procedure_start (LactdSync *self);
void lactd_sync_procedure_stop (LactdSync *self);
/* Frees the sensor's control point (RACP abort); ordered before any later
 * write. */
void lactd_sync_write_abort (LactdSync *self);
/* Step 4 once the report is over: commit, decide, acknowledge. */
void lactd_sync_report_complete (LactdSync *self);
void lactd_sync_handle_racp (LactdSync *self,
                             const lsp_racp_indication *indication);

/* lactd-sync-records.c */
void lactd_sync_handle_record (LactdSync *self, GBytes *value);
/* Every counted record of the report has arrived (step 4's wait). */
gboolean lactd_sync_report_arrived (LactdSync *self);
/* The summary line of rejected records counted but not logged, if any. */
void lactd_sync_log_rejected_summary (LactdSync *self);
/* Commits the pending records in one batch; the sessions it newly stored
 * are queued for announcing (::session-stored): see
 * lactd_sync_schedule_announce(). */
gboolean lactd_sync_flush (LactdSync *self, GError **error);
/* Starts announcing the queued sessions from an idle source, unless a
 * report is arriving and fewer than LACTD_SYNC_ANNOUNCE_HOLD_MAX wait. */
void lactd_sync_schedule_announce (LactdSync *self);
/* Announces every queued session now (a run's end, dispose). */
void lactd_sync_announce_all (LactdSync *self);
void lactd_sync_pending_clear (gpointer data);

enum {
  LACTD_SYNC_PROP_0,
  LACTD_SYNC_PROP_STATE,
  LACTD_SYNC_PROP_LAST_ERROR,
  LACTD_SYNC_PROP_BATTERY,
  LACTD_SYNC_PROP_MODEL,
  LACTD_SYNC_PROP_FIRMWARE,
  LACTD_SYNC_PROP_KIND,
  LACTD_SYNC_PROP_REJECTED_RECORDS,
  LACTD_SYNC_PROP_LOST_RECORDS,
  LACTD_SYNC_PROP_MALFORMED_PACKETS,
  LACTD_SYNC_PROP_LAST_SYNC,
  LACTD_SYNC_PROP_CONNECTED,
  LACTD_SYNC_N_PROPS
};

G_END_DECLS
