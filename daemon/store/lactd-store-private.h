/* lactd-store-private.h — what the lactd-store*.c files share: the store
 * and batch structures, the prepared-statement cache and error helpers.
 * Nothing outside lactd-store*.c includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "lactd-store.h"

G_BEGIN_DECLS

/* The current schema version (PRAGMA user_version). */
#define LACTD_STORE_SCHEMA_VERSION 3

/* Unix seconds from 0001-01-01 (GDate julian day 1) to 1970-01-01:
 * (719163 - 1) days would be from day 1; adding 719163 days' worth keeps
 * the dividend positive so SQLite's truncating division floors, and the
 * quotient is the GDate julian day directly. */
#define LACTD_JULIAN_UNIX_EPOCH 719163
#define LACTD_JULIAN_BIAS 62135683200
#define LACTD_JULIAN_BIAS_SECONDS G_STRINGIFY (LACTD_JULIAN_BIAS)
/* SQL for the local GDate julian day and minute of day of a session's
 * start by its own offset. */
#define LACTD_SQL_LOCAL_JULIAN \
  "((start + utc_offset_min * 60 + " LACTD_JULIAN_BIAS_SECONDS ") / 86400)"
#define LACTD_SQL_LOCAL_MINUTE \
  "(((start + utc_offset_min * 60 + " LACTD_JULIAN_BIAS_SECONDS ") % 86400) / 60)"
/* 1 when the local minute is in the window [?5, ?6) (night start and
 * end), crossing midnight when start > end; never when start == end.
 * Numbered, not named: a name would take the number of its first use. */
#define LACTD_SQL_NIGHT_START_PARAM 5
#define LACTD_SQL_NIGHT_END_PARAM 6
#define LACTD_SQL_IS_NIGHT \
  "(CASE WHEN ?5 <= ?6 " \
  "THEN (" LACTD_SQL_LOCAL_MINUTE " >= ?5 AND " \
  LACTD_SQL_LOCAL_MINUTE " < ?6) " \
  "ELSE (" LACTD_SQL_LOCAL_MINUTE " >= ?5 OR " \
  LACTD_SQL_LOCAL_MINUTE " < ?6) END)"
/* A session's offset lies within the model's range: a local day's
 * sessions start within this many seconds (the widest offset and an hour)
 * around its UTC midnights. */
#define LACTD_OFFSET_SLACK_SECONDS \
  ((MAX (-LACTD_MIN_UTC_OFFSET_MIN, LACTD_MAX_UTC_OFFSET_MIN) + 60) * 60)

#define LACTD_SESSION_COLUMNS \
  "id, source, address, epoch, seq, kind, start, utc_offset_min, " \
  "duration_left, duration_right, double_sided, interrupted, " \
  "clock_unsynced, volume_left_tenths, volume_right_tenths, " \
  "supplement_tenths"

typedef enum {
  STMT_SETTING_GET,
  STMT_SETTING_SET,
  STMT_SENSOR_UPSERT,
  STMT_SENSOR_DELETE,
  STMT_SENSOR_LIST,
  STMT_SENSOR_GET,
  STMT_SENSOR_INFO,
  STMT_SENSOR_TOUCH,
  STMT_SENSOR_LAST_SYNC,
  STMT_SENSOR_EPOCH,
  STMT_SENSOR_ADD_LOST,
  STMT_SENSOR_ADD_REJECTED,
  STMT_EPOCH_ENSURE,
  STMT_EPOCH_ACK,
  STMT_EPOCH_GET_ACK,
  STMT_HIGHEST_SEQ,
  STMT_SEQ_HANDLED,
  STMT_COUNT_HANDLED_RANGE,
  STMT_SESSION_BY_KEY,
  STMT_SESSION_INSERT,
  STMT_CONFLICT_INSERT,
  STMT_REJECTED_INSERT,
  STMT_REJECTED_COUNT_EPOCH,
  STMT_SESSION_DELETE,
  STMT_SESSION_GET,
  STMT_SESSION_LIST,
  STMT_SESSION_COUNT,
  STMT_SESSION_PAGE,
  STMT_DAILY_SUMMARY,
  STMT_TOTALS,
  STMT_TREND_SUMS,
  STMT_FIRST_SESSION_DAY,
  STMT_FIRST_MILK_DAY,
  STMT_LATEST_SESSION,
  N_STMTS
} LactdStoreStmt;

struct _LactdStore {
  sqlite3 *db;
  char *path;
  char *recovered_path;
  int schema_version;
  gboolean batch_open;
  sqlite3_stmt *stmts[N_STMTS];
  int lock_fd;                  /* the flock()ed "<path>.lock"; -1 none */
  LactdStoreCheck open_check;   /* how the file was checked at open */
  gboolean damage_seen;         /* the next open runs a full check */
  char *recovery_note;          /* "" or what a recovery did */
  guint salvaged_sessions;
  guint injected_faults[LACTD_STORE_N_FAULTS];  /* tests only */
};

/* The settings that the store keeps about itself. */
#define LACTD_SETTING_INTEGRITY_CHECKED "store.integrity_checked_at"
#define LACTD_SETTING_RECOVERY_NOTE "store.recovery_note"
#define LACTD_SETTING_RECOVERY_AT "store.recovery_at"
/* How long clients are told about a recovery after it happened. */
#define LACTD_RECOVERY_NOTE_SECONDS (7 * 24 * 3600)

/* lactd-store.c */
void lactd_store_set_sqlite_error (LactdStore *store, GError **error,
                                   int rc, const char *what);
sqlite3_stmt *lactd_store_stmt (LactdStore *store, LactdStoreStmt which,
                                GError **error);
gboolean lactd_store_exec (LactdStore *store, const char *sql,
                           GError **error);
/* Steps a statement that returns no row (or whose rows are ignored) and
 * resets it. */
gboolean lactd_store_step_done (LactdStore *store, sqlite3_stmt *stmt,
                                const char *what, GError **error);
/* Takes one injected failure of `fault`, if any is pending: TRUE with
 * error set (tests only). */
gboolean lactd_store_take_injected_fault (LactdStore *store,
                                          LactdStoreFault fault,
                                          const char *what, GError **error);
gboolean lactd_store_transaction_begin (LactdStore *store, GError **error);
gboolean lactd_store_transaction_commit (LactdStore *store, GError **error);
void lactd_store_transaction_rollback (LactdStore *store);

/* lactd-store-sessions.c */
void lactd_store_read_session (sqlite3_stmt *stmt, int first_column,
                               LactdSession *out);

/* lactd-store-schema.c */
gboolean lactd_store_migrate (LactdStore *store, GError **error);

/* lactd-store-file.c: the lock beside the database, its clean-shutdown
 * marker, file modes, moving a damaged file aside. */
typedef enum {
  LACTD_STORE_LAST_CLOSE_UNKNOWN,  /* no marker, or it says running */
  LACTD_STORE_LAST_CLOSE_CLEAN,
  LACTD_STORE_LAST_CLOSE_DAMAGED,  /* closed, but damage had been seen */
} LactdStoreLastClose;

/* Refuses a symbolic link or a directory at path. */
gboolean lactd_store_file_check_path (const char *path, GError **error);
/* Takes the exclusive lock on "<path>.lock" (0600) and marks the store as
 * in use; *last_close says how the previous user left it. */
gboolean lactd_store_file_lock (LactdStore *store,
                                LactdStoreLastClose *last_close,
                                GError **error);
/* Marks how this user leaves the store and releases the lock. */
void lactd_store_file_unlock (LactdStore *store, gboolean clean);
/* Creates the database file 0600 when absent (*created), and brings an
 * existing one and its WAL and shared memory back to 0600. */
gboolean lactd_store_file_prepare (const char *path, gboolean *created,
                                   GError **error);
/* Renames a damaged database and its companions to
 * "<path>.corrupt-<UTC stamp>"; returns the new path. */
char *lactd_store_file_move_aside (const char *path, GError **error);

/* lactd-store-health.c */
gboolean lactd_store_is_corruption (int rc);
/* Runs quick_check or integrity_check on the store's connection. TRUE
 * when healthy; FALSE with *problem set when the file is damaged, FALSE
 * with an error for anything else (I/O, permissions, busy). */
gboolean lactd_store_check_health (LactdStore *store, LactdStoreCheck check,
                                   char **problem, GError **error);
/* Reads the persisted recovery note (kept LACTD_RECOVERY_NOTE_SECONDS). */
gboolean lactd_store_load_recovery_note (LactdStore *store, gint64 now,
                                         GError **error);
gboolean lactd_store_save_recovery_note (LactdStore *store, gint64 now,
                                         const char *note, GError **error);

/* lactd-store-salvage.c: copies what can still be read from the damaged
 * file at damaged_path into the (fresh) store, through its validating
 * API; returns the number of sessions stored. Never fails: what cannot be
 * read or stored is logged and skipped. */
guint lactd_store_salvage (LactdStore *store, const char *damaged_path);

G_END_DECLS
