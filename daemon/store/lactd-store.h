/* lactd-store.h — lactd's single source of truth: an SQLite history.
 *
 * Sensors and their record epochs, every session (from a sensor or entered
 * by hand), rejected raw records, goals and reminder state. No SQL lives
 * outside lactd-store*.c.
 *
 * Sessions, goals and their rules are the model's (lactd-model.h): the
 * store checks every value it writes against them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lactd-model.h"

G_BEGIN_DECLS

#define LACTD_STORE_ERROR (lactd_store_error_quark ())
GQuark lactd_store_error_quark (void);

typedef enum {
  LACTD_STORE_ERROR_STORAGE,      /* I/O, disk full, read-only, busy too long */
  LACTD_STORE_ERROR_INVALID,      /* a value broke a rule */
  LACTD_STORE_ERROR_NOT_FOUND,    /* no such session or sensor */
  LACTD_STORE_ERROR_LOCKED,       /* another process has the store open */
} LactdStoreError;

typedef struct {
  char address[LACTD_ADDRESS_STRLEN];
  char *name;
  char *kind;                /* "pump", "sns" or "unknown" */
  char *model;
  char *firmware;
  guint32 epoch;             /* current record epoch (0 before first sync) */
  gboolean epoch_known;
  guint32 acknowledged_seq;  /* highest seq acknowledged in that epoch */
  gint64 last_seen;          /* 0 never */
  gint64 last_sync;          /* 0 never */
  guint32 rejected_records;
  guint32 lost_records;
} LactdSensorRow;

void lactd_sensor_row_free (LactdSensorRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdSensorRow, lactd_sensor_row_free)

typedef struct _LactdStore LactdStore;

/* How the file was checked when it was opened. */
typedef enum {
  LACTD_STORE_CHECK_NONE,    /* a new file, or the last user closed it
                                cleanly */
  LACTD_STORE_CHECK_QUICK,   /* after an unclean shutdown: quick_check */
  LACTD_STORE_CHECK_FULL,    /* damage had been seen: integrity_check */
} LactdStoreCheck;

/* Opens (creating directories mode 0700 and the schema as needed) and
 * migrates. One process at a time: an exclusive flock() on
 * "<path>.lock" is taken first, and a store held by another process is
 * LACTD_STORE_ERROR_LOCKED (the message names the store and the holder's
 * pid). The database, its WAL and shared memory and the lock are 0600
 * whatever the umask; a path that is a symbolic link is refused.
 *
 * The file is checked only when its last user did not close it cleanly
 * (quick_check) or had seen damage (integrity_check). A file that is not
 * a healthy SQLite database is moved aside to
 * "<path>.corrupt-YYYYMMDDTHHMMSSZ", a fresh store is created and what
 * can still be read from the damaged one (sessions, sensors, the goal)
 * is copied into it through the validating API; the moved-aside path is
 * then given by lactd_store_get_recovered_path(). */
LactdStore *lactd_store_open (const char *path, GError **error);
/* The pid that the process holding the store at path wrote into its lock
 * file (it does so right after taking the lock); 0 when none is known. */
guint64 lactd_store_get_lock_holder (const char *path);
/* Closes; a clean close lets the next open skip the check. */
void lactd_store_free (LactdStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdStore, lactd_store_free)

/* $XDG_DATA_HOME/lactd/lactd.db */
char *lactd_store_default_path (void);
const char *lactd_store_get_path (LactdStore *store);
/* NULL unless a corrupt file was moved aside at this open. */
const char *lactd_store_get_recovered_path (LactdStore *store);
/* Sessions salvaged from it into this store (0 when none). */
guint lactd_store_get_salvaged_sessions (LactdStore *store);
/* "" normally; for 7 days after a damaged file was moved aside, a
 * sentence saying where it went and how many sessions were salvaged. */
const char *lactd_store_get_recovery_note (LactdStore *store);
LactdStoreCheck lactd_store_get_open_check (LactdStore *store);
int lactd_store_get_schema_version (LactdStore *store);

/* ------------------------------------------------- integrity schedule */

/* A full integrity check is due when the last one is older than this. */
#define LACTD_STORE_INTEGRITY_INTERVAL (7 * 24 * 3600)

gboolean lactd_store_integrity_check_due (LactdStore *store, gint64 now);
/* PRAGMA integrity_check on a read-only connection of its own to the
 * store at path: safe in another thread while the store is in use. It
 * gives up (an error) soon after *stop becomes non-zero. TRUE when it
 * ran; *problem is then NULL for a healthy file, else the first fault. */
gboolean lactd_store_verify_integrity (const char *path, const gint *stop,
                                       char **problem, GError **error);
/* Records the outcome of lactd_store_verify_integrity(): the time of a
 * healthy check, or that the next open must check fully and recover. */
gboolean lactd_store_record_integrity (LactdStore *store, gint64 now,
                                       const char *problem, GError **error);

/* ---------------------------------------------------------- sensors */

/* Creates or updates (name, kind) the paired sensor. kind is "pump", "sns"
 * or "unknown" (NULL means "unknown"); a malformed address or another kind
 * is LACTD_STORE_ERROR_INVALID. The functions below that change one
 * sensor (forget, update_sensor_info, touch, set_last_sync,
 * set_sensor_epoch, set_acknowledged, add_lost_records) fail with
 * LACTD_STORE_ERROR_NOT_FOUND for a sensor that is not remembered. */
gboolean lactd_store_remember_sensor (LactdStore *store, const char *address,
                                      const char *name, const char *kind,
                                      GError **error);
gboolean lactd_store_forget_sensor (LactdStore *store, const char *address,
                                    GError **error);
/* Array of LactdSensorRow*, ordered by address. */
GPtrArray *lactd_store_list_sensors (LactdStore *store, GError **error);
LactdSensorRow *lactd_store_get_sensor (LactdStore *store,
                                        const char *address, GError **error);
gboolean lactd_store_update_sensor_info (LactdStore *store,
                                         const char *address,
                                         const char *model,
                                         const char *firmware, GError **error);
gboolean lactd_store_touch_sensor (LactdStore *store, const char *address,
                                   gint64 last_seen, GError **error);
gboolean lactd_store_set_last_sync (LactdStore *store, const char *address,
                                    gint64 last_sync, GError **error);
/* Records the sensor's current epoch. A changed epoch starts a fresh
 * sequence: acknowledged_seq for the new epoch starts at its own value
 * (0 if never seen). Sessions of older epochs stay as they are. */
gboolean lactd_store_set_sensor_epoch (LactdStore *store, const char *address,
                                       guint32 epoch, GError **error);
/* Remembers h as acknowledged for (address, epoch): only after the RACP
 * delete <= h was written. Never decreases. */
gboolean lactd_store_set_acknowledged (LactdStore *store, const char *address,
                                       guint32 epoch, guint32 seq,
                                       GError **error);
/* The getters of the acknowledgement path report a failed read as an
 * error (LACTD_STORE_ERROR_STORAGE), never as 0: the sync engine deletes
 * records on the sensor on the strength of their answers. */
/* *seq_out: the highest number acknowledged for (address, epoch), 0 none. */
gboolean lactd_store_get_acknowledged (LactdStore *store, const char *address,
                                       guint32 epoch, guint32 *seq_out,
                                       GError **error);
gboolean lactd_store_add_lost_records (LactdStore *store, const char *address,
                                       guint32 count, GError **error);
/* *seq_out: highest seq stored (session or rejected) for (address, epoch);
 * 0 none. */
gboolean lactd_store_highest_seq (LactdStore *store, const char *address,
                                  guint32 epoch, guint32 *seq_out,
                                  GError **error);
/* *count_out: how many numbers in [first, last] are neither stored as a
 * session nor kept as rejected for (address, epoch): the lost ones of sync
 * step 4. 0 is never a record's number (first 0 counts from 1); 0 when
 * first > last. */
gboolean lactd_store_count_unhandled (LactdStore *store, const char *address,
                                      guint32 epoch, guint32 first,
                                      guint32 last, guint32 *count_out,
                                      GError **error);

/* ------------------------------------------------- batched sync writes */

typedef enum {
  LACTD_ADD_STORED,      /* new session stored */
  LACTD_ADD_DUPLICATE,   /* identical record already stored: nothing done */
  LACTD_ADD_CONFLICT,    /* different record under the same key: kept
                            aside, the first one untouched */
} LactdAddResult;

typedef struct _LactdStoreBatch LactdStoreBatch;

/* Opens one write transaction for records of (address, epoch). Only one
 * batch may be open per store at a time. */
LactdStoreBatch *lactd_store_batch_begin (LactdStore *store,
                                          const char *address, guint32 epoch,
                                          GError **error);
/* session->address/epoch are taken from the batch; session->id is set
 * for LACTD_ADD_STORED (and to the existing id for DUPLICATE). */
gboolean lactd_store_batch_add_session (LactdStoreBatch *batch,
                                        LactdSession *session,
                                        LactdAddResult *result,
                                        GError **error);
/* Rejected records whose raw bytes are kept per (sensor, epoch). */
#define LACTD_STORE_REJECTED_RAW_MAX 1000u

/* A record that broke a rule: its raw bytes and the codec's reason. seq 0
 * when its number could not be read (it then handles no number). A second
 * rejection of the same (address, epoch, seq) is a no-op. Each one counts
 * once in the sensor's rejected_records; rows stay bounded: past
 * LACTD_STORE_REJECTED_RAW_MAX rows in the epoch a readable number keeps a
 * row without its raw bytes (so that it stays handled) and an unreadable
 * one is only counted. */
gboolean lactd_store_batch_add_rejected (LactdStoreBatch *batch, guint32 seq,
                                         const guint8 *raw, gsize raw_len,
                                         const char *reason_code,
                                         const char *reason_message,
                                         GError **error);
/* Commits durably (fsync of the WAL: survives power loss). On success,
 * *ack_seq is the highest h such that every number from the lowest number
 * handled in this batch up to h is durably handled (stored, duplicate,
 * conflict or rejected): the only number that may be acknowledged to the
 * sensor. 0 when the batch handled no number. On failure nothing of the
 * batch is kept and *ack_seq is 0. The batch is freed either way. */
gboolean lactd_store_batch_commit (LactdStoreBatch *batch, guint32 *ack_seq,
                                   GError **error);
/* Rolls back and frees. */
void lactd_store_batch_abort (LactdStoreBatch *batch);
/* Sessions stored by this batch so far (LactdSession*, owned by batch). */
GPtrArray *lactd_store_batch_get_stored (LactdStoreBatch *batch);
guint32 lactd_store_batch_get_rejected_count (LactdStoreBatch *batch);

/* ----------------------------------------------------------- manual */

/* Validates by the model's rules (lactd_session_validate_manual()): a
 * broken one is LACTD_STORE_ERROR_INVALID with the model's message. Sets
 * session->id. */
gboolean lactd_store_add_manual (LactdStore *store, LactdSession *session,
                                 gint64 now, GError **error);
gboolean lactd_store_delete_session (LactdStore *store, guint64 id,
                                     GError **error);
gboolean lactd_store_get_session (LactdStore *store, guint64 id,
                                  LactdSession *out, GError **error);

/* ---------------------------------------------------------- queries */

/* Every figure below (summaries, totals, trend, the latest session)
 * leaves out sessions with clock_unsynced: their start, stored as
 * recorded (0, 0xFFFFFFFF, ...), cannot be trusted. Listing keeps them. */

/* Sessions with from <= start < to, oldest first. GArray of LactdSession. */
GArray *lactd_store_list_sessions (LactdStore *store, gint64 from, gint64 to,
                                   GError **error);
/* How many sessions have from <= start < to (counted on the start index,
 * without reading a session). */
gboolean lactd_store_count_sessions (LactdStore *store, gint64 from,
                                     gint64 to, guint64 *count,
                                     GError **error);
/* The count most recent sessions with start < before, newest first (by
 * start, then id). GArray of LactdSession. */
GArray *lactd_store_list_sessions_before (LactdStore *store, gint64 before,
                                          guint count, GError **error);

/* The same two lists without an array: func is called for each session
 * as its row is read, in the same order; the session is only valid during
 * the call. FALSE with an error when the query failed (func may have been
 * called for the rows before). */
typedef void (*LactdSessionFunc) (const LactdSession *session,
                                  gpointer user_data);
gboolean lactd_store_foreach_session (LactdStore *store, gint64 from,
                                      gint64 to, LactdSessionFunc func,
                                      gpointer user_data, GError **error);
gboolean lactd_store_foreach_session_before (LactdStore *store,
                                             gint64 before, guint count,
                                             LactdSessionFunc func,
                                             gpointer user_data,
                                             GError **error);

typedef struct {
  char day[11];              /* YYYY-MM-DD */
  guint32 sessions;
  guint32 night_sessions;
  guint32 seconds_left;
  guint32 seconds_right;
  gint64 expressed_tenths;
  gint64 supplement_tenths;
} LactdDaySummary;

/* One entry per local calendar day from first_day to last_day inclusive
 * (GDate julian days), with zeros for empty days. A session belongs to
 * the local day of its start by its own offset. GArray of LactdDaySummary. */
GArray *lactd_store_daily_summary (LactdStore *store, guint32 first_julian,
                                   guint32 last_julian,
                                   const LactdNightWindow *night,
                                   GError **error);

typedef struct {
  guint32 sessions;
  guint32 night_sessions;
  guint32 seconds_left;
  guint32 seconds_right;
  gint64 expressed_tenths;
  gint64 supplement_tenths;
} LactdTotals;

/* Totals over sessions with from <= start < to (e.g. the rolling 24 h). */
gboolean lactd_store_totals (LactdStore *store, gint64 from, gint64 to,
                             const LactdNightWindow *night,
                             LactdTotals *out, GError **error);

typedef struct {
  gint64 expressed_tenths;   /* over [first_julian, last_julian] */
  gint64 supplement_tenths;
  guint32 days_counted;      /* days in the range on or after the day of the
                                first stored session */
  guint32 first_session_julian; /* 0 when no session at all */
  guint32 first_milk_julian;    /* first local day with expressed > 0, over
                                   all history; 0 when none */
} LactdTrendFigures;

gboolean lactd_store_trend (LactdStore *store, guint32 first_julian,
                            guint32 last_julian, LactdTrendFigures *out,
                            GError **error);

/* The session whose end is latest; FALSE (no error) when none stored. */
gboolean lactd_store_latest_session (LactdStore *store, LactdSession *out,
                                     GError **error);

/* ---------------------------------------------------------- settings */

/* A small key/value table for goals and reminder state. Returns NULL
 * (no error) when the key is absent. */
char *lactd_store_get_setting (LactdStore *store, const char *key,
                               GError **error);
gboolean lactd_store_set_setting (LactdStore *store, const char *key,
                                  const char *value, GError **error);

/* ------------------------------------------------ maintenance, tests */

/* Runs a full WAL checkpoint (e.g. before measuring the file's size). */
gboolean lactd_store_checkpoint (LactdStore *store, GError **error);
/* PRAGMA max_page_count on the store's own connection: lets tests make
 * the disk "full" (SQLITE_FULL) at a chosen size. */
gboolean lactd_store_set_max_page_count (LactdStore *store,
                                         guint32 max_pages, GError **error);

/* For tests: the next n reads of one kind on the acknowledgement path (or
 * the next n batch commits, rolled back) fail with
 * LACTD_STORE_ERROR_STORAGE, as on a failing disk. */
typedef enum {
  LACTD_STORE_FAULT_READ_ACKNOWLEDGED,   /* lactd_store_get_acknowledged */
  LACTD_STORE_FAULT_READ_HIGHEST,        /* lactd_store_highest_seq */
  LACTD_STORE_FAULT_COUNT_UNHANDLED,     /* lactd_store_count_unhandled */
  LACTD_STORE_FAULT_BATCH_COMMIT,        /* lactd_store_batch_commit */
  LACTD_STORE_N_FAULTS
} LactdStoreFault;
void lactd_store_inject_fault (LactdStore *store, LactdStoreFault fault,
                               guint n);

G_END_DECLS
