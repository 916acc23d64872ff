/* lactd-store.c — opening (lock, check, recovery) and closing, the
 * statement cache of lactd's SQLite store, plus settings and the small
 * session helpers. The files themselves are lactd-store-file.c's, the
 * checks lactd-store-health.c's, the salvage lactd-store-salvage.c's.
 *
 * One connection per store, used from the main thread only (opened
 * SQLITE_OPEN_NOMUTEX: no other thread may touch it). The database
 * runs in WAL mode with synchronous=NORMAL: a commit survives a crash of
 * the process, and the sync batches, which must survive power loss before
 * anything is acknowledged to a sensor, switch to synchronous=FULL (see
 * lactd-store-batch.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lactd-store-private.h"

/* How long a write waits for another process's lock before it fails. */
#define LACTD_STORE_BUSY_TIMEOUT_MS 5000

G_DEFINE_QUARK (lactd-store-error-quark, lactd_store_error)

static const char *const statement_sql[N_STMTS] = {
  [STMT_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
  [STMT_SETTING_SET] =
    "INSERT INTO settings (key, value) VALUES (?1, ?2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  [STMT_SENSOR_UPSERT] =
    "INSERT INTO sensors (address, name, kind) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (address) DO UPDATE SET name = excluded.name, "
    "kind = excluded.kind",
  [STMT_SENSOR_DELETE] = "DELETE FROM sensors WHERE address = ?1",
  [STMT_SENSOR_LIST] =
    "SELECT s.address, s.name, s.kind, s.model, s.firmware, s.epoch, "
    "s.epoch_known, coalesce(e.acknowledged_seq, 0), s.last_seen, "
    "s.last_sync, s.rejected_count, s.lost_count FROM sensors s "
    "LEFT JOIN sensor_epochs e ON e.address = s.address "
    "AND e.epoch = s.epoch ORDER BY s.address",
  [STMT_SENSOR_GET] =
    "SELECT s.address, s.name, s.kind, s.model, s.firmware, s.epoch, "
    "s.epoch_known, coalesce(e.acknowledged_seq, 0), s.last_seen, "
    "s.last_sync, s.rejected_count, s.lost_count FROM sensors s "
    "LEFT JOIN sensor_epochs e ON e.address = s.address "
    "AND e.epoch = s.epoch WHERE s.address = ?1",
  [STMT_SENSOR_INFO] =
    "UPDATE sensors SET model = ?2, firmware = ?3 WHERE address = ?1",
  [STMT_SENSOR_TOUCH] = "UPDATE sensors SET last_seen = ?2 WHERE address = ?1",
  [STMT_SENSOR_LAST_SYNC] =
    "UPDATE sensors SET last_sync = ?2 WHERE address = ?1",
  [STMT_SENSOR_EPOCH] =
    "UPDATE sensors SET epoch = ?2, epoch_known = 1 WHERE address = ?1",
  [STMT_SENSOR_ADD_LOST] =
    "UPDATE sensors SET lost_count = lost_count + ?2 WHERE address = ?1",
  [STMT_SENSOR_ADD_REJECTED] =
    "UPDATE sensors SET rejected_count = rejected_count + 1 "
    "WHERE address = ?1",
  [STMT_EPOCH_ENSURE] =
    "INSERT OR IGNORE INTO sensor_epochs (address, epoch) VALUES (?1, ?2)",
  [STMT_EPOCH_ACK] =
    "INSERT INTO sensor_epochs (address, epoch, acknowledged_seq) "
    "VALUES (?1, ?2, ?3) ON CONFLICT (address, epoch) DO UPDATE SET "
    "acknowledged_seq = max(acknowledged_seq, excluded.acknowledged_seq)",
  [STMT_EPOCH_GET_ACK] =
    "SELECT acknowledged_seq FROM sensor_epochs "
    "WHERE address = ?1 AND epoch = ?2",
  [STMT_HIGHEST_SEQ] =
    "SELECT max(coalesce((SELECT max(seq) FROM sessions "
    "WHERE source = 'sensor' AND address = ?1 AND epoch = ?2), 0), "
    "coalesce((SELECT max(seq) FROM rejected_records "
    "WHERE address = ?1 AND epoch = ?2), 0))",
  [STMT_SEQ_HANDLED] =
    "SELECT EXISTS (SELECT 1 FROM sessions WHERE source = 'sensor' "
    "AND address = ?1 AND epoch = ?2 AND seq = ?3) "
    "OR EXISTS (SELECT 1 FROM rejected_records "
    "WHERE address = ?1 AND epoch = ?2 AND seq = ?3 AND seq > 0)",
  [STMT_COUNT_HANDLED_RANGE] =
    "SELECT count(*) FROM (SELECT seq FROM sessions "
    "WHERE source = 'sensor' AND address = ?1 AND epoch = ?2 "
    "AND seq BETWEEN ?3 AND ?4 UNION SELECT seq FROM rejected_records "
    "WHERE address = ?1 AND epoch = ?2 AND seq BETWEEN ?3 AND ?4 "
    "AND seq > 0)",
  [STMT_SESSION_BY_KEY] =
    "SELECT " LACTD_SESSION_COLUMNS " FROM sessions "
    "WHERE source = 'sensor' AND address = ?1 AND epoch = ?2 AND seq = ?3",
  [STMT_SESSION_INSERT] =
    "INSERT INTO sessions (source, address, epoch, seq, kind, start, "
    "utc_offset_min, duration_left, duration_right, double_sided, "
    "interrupted, clock_unsynced, volume_left_tenths, volume_right_tenths, "
    "supplement_tenths, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT DO NOTHING",
  [STMT_CONFLICT_INSERT] =
    "INSERT OR IGNORE INTO conflicts (address, epoch, seq, kind, start, "
    "utc_offset_min, duration_left, duration_right, double_sided, "
    "interrupted, clock_unsynced, volume_left_tenths, volume_right_tenths, "
    "supplement_tenths, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
    "?9, ?10, ?11, ?12, ?13, ?14, ?15)",
  [STMT_REJECTED_INSERT] =
    "INSERT OR IGNORE INTO rejected_records (address, epoch, seq, raw, "
    "reason_code, reason_message, stored_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
  [STMT_REJECTED_COUNT_EPOCH] =
    "SELECT count(*) FROM rejected_records WHERE address = ?1 AND epoch = ?2",
  [STMT_SESSION_DELETE] = "DELETE FROM sessions WHERE id = ?1",
  [STMT_SESSION_GET] =
    "SELECT " LACTD_SESSION_COLUMNS " FROM sessions WHERE id = ?1",
  [STMT_SESSION_LIST] =
    "SELECT " LACTD_SESSION_COLUMNS " FROM sessions "
    "WHERE start >= ?1 AND start < ?2 ORDER BY start, id",
  /* Both on the start index alone (it ends with the rowid, so "start,
   * id" order needs no sort). */
  [STMT_SESSION_COUNT] =
    "SELECT count(*) FROM sessions WHERE start >= ?1 AND start < ?2",
  [STMT_SESSION_PAGE] =
    "SELECT " LACTD_SESSION_COLUMNS " FROM sessions "
    "WHERE start < ?1 ORDER BY start DESC, id DESC LIMIT ?2",
  /* Summed per local day in C (lactd-store-queries.c): a plain scan of
   * the start index costs a third of grouping by a computed day in SQL. */
  [STMT_DAILY_SUMMARY] =
    "SELECT start, utc_offset_min, duration_left, duration_right, "
    "coalesce(volume_left_tenths, 0) + coalesce(volume_right_tenths, 0), "
    "coalesce(supplement_tenths, 0) FROM sessions "
    "WHERE start >= ?1 AND start < ?2 AND clock_unsynced = 0",
  [STMT_TOTALS] =
    "SELECT count(*), coalesce(sum(" LACTD_SQL_IS_NIGHT "), 0), "
    "coalesce(sum(duration_left), 0), coalesce(sum(duration_right), 0), "
    "coalesce(sum(coalesce(volume_left_tenths, 0) "
    "+ coalesce(volume_right_tenths, 0)), 0), "
    "coalesce(sum(coalesce(supplement_tenths, 0)), 0) FROM sessions "
    "WHERE start >= ?1 AND start < ?2 AND clock_unsynced = 0",
  [STMT_TREND_SUMS] =
    "SELECT coalesce(sum(coalesce(volume_left_tenths, 0) "
    "+ coalesce(volume_right_tenths, 0)), 0), "
    "coalesce(sum(coalesce(supplement_tenths, 0)), 0) FROM sessions "
    "WHERE start >= ?1 AND start < ?2 AND clock_unsynced = 0 "
    "AND " LACTD_SQL_LOCAL_JULIAN " BETWEEN ?3 AND ?4",
  /* The first local day lies within a day and a bit of the first start
   * (offsets differ by at most 26 h), so only that stretch is read.
   * A session with an unsynced clock counts toward no figure (its start
   * may be anything from 1970 to 2106), here or below. */
  [STMT_FIRST_SESSION_DAY] =
    "SELECT min(" LACTD_SQL_LOCAL_JULIAN ") FROM sessions, "
    "(SELECT start AS first FROM sessions WHERE clock_unsynced = 0 "
    "ORDER BY start LIMIT 1) "
    "WHERE start BETWEEN first AND first + 108000 AND clock_unsynced = 0",
  [STMT_FIRST_MILK_DAY] =
    "SELECT min(" LACTD_SQL_LOCAL_JULIAN ") FROM sessions, "
    "(SELECT start AS first FROM sessions WHERE clock_unsynced = 0 "
    "AND coalesce(volume_left_tenths, 0) "
    "+ coalesce(volume_right_tenths, 0) > 0 ORDER BY start LIMIT 1) "
    "WHERE start BETWEEN first AND first + 108000 AND clock_unsynced = 0 "
    "AND coalesce(volume_left_tenths, 0) "
    "+ coalesce(volume_right_tenths, 0) > 0",
  /* A session lasts at most 8 h, so the latest end is among the
   * sessions that started in the 8 h before the latest start. */
  [STMT_LATEST_SESSION] =
    "SELECT " LACTD_SESSION_COLUMNS " FROM sessions "
    "WHERE clock_unsynced = 0 AND start >= (SELECT start FROM sessions "
    "WHERE clock_unsynced = 0 ORDER BY start DESC LIMIT 1) - 28800 "
    "ORDER BY start + CASE WHEN double_sided "
    "THEN max(duration_left, duration_right) "
    "ELSE duration_left + duration_right END DESC, start DESC, id DESC "
    "LIMIT 1",
};

void
lactd_store_set_sqlite_error (LactdStore *store, GError **error, int rc,
                              const char *what)
{
  const char *message = store->db ? sqlite3_errmsg (store->db)
                                  : sqlite3_errstr (rc);

  /* sqlite3_errmsg() may describe a later call; prefer the code's text
   * when they disagree. */
  if (store->db && (sqlite3_errcode (store->db) & 0xff) != (rc & 0xff))
    message = sqlite3_errstr (rc);
  /* Whoever meets damage first: the next open checks fully. */
  if (lactd_store_is_corruption (rc))
    store->damage_seen = TRUE;
  g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
               "Store %s: %s failed: %s", store->path, what, message);
}

sqlite3_stmt *
lactd_store_stmt (LactdStore *store, LactdStoreStmt which, GError **error)
{
  sqlite3_stmt *stmt = store->stmts[which];

  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (store->db, statement_sql[which], -1,
                                   SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          lactd_store_set_sqlite_error (store, error, rc,
                                        "preparing a statement");
          sqlite3_finalize (stmt);
          return NULL;
        }
      store->stmts[which] = stmt;
    }
  else
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
  return stmt;
}

gboolean
lactd_store_exec (LactdStore *store, const char *sql, GError **error)
{
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      /* Name short statements; a long script (a migration) by its kind. */
      lactd_store_set_sqlite_error (store, error, rc,
                                    strlen (sql) < 64 ? sql : "a schema "
                                    "migration");
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_store_step_done (LactdStore *store, sqlite3_stmt *stmt,
                       const char *what, GError **error)
{
  int rc;

  do
    rc = sqlite3_step (stmt);
  while (rc == SQLITE_ROW);
  if (rc != SQLITE_DONE)
    {
      lactd_store_set_sqlite_error (store, error, rc, what);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* IMMEDIATE takes the write lock at once, so a busy database is waited for
 * by the busy handler here rather than failing later mid-transaction. */
gboolean
lactd_store_transaction_begin (LactdStore *store, GError **error)
{
  return lactd_store_exec (store, "BEGIN IMMEDIATE", error);
}

gboolean
lactd_store_transaction_commit (LactdStore *store, GError **error)
{
  if (!lactd_store_exec (store, "COMMIT", error))
    {
      lactd_store_transaction_rollback (store);
      return FALSE;
    }
  return TRUE;
}

void
lactd_store_transaction_rollback (LactdStore *store)
{
  /* SQLite may already have rolled back by itself (SQLITE_FULL, IOERR). */
  if (!sqlite3_get_autocommit (store->db))
    {
      int rc = sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        g_warning ("Store %s: rollback failed: %s", store->path,
                   sqlite3_errmsg (store->db));
    }
}

/* ------------------------------------------------------- open / close */

static void
close_db (LactdStore *store, gboolean *clean)
{
  for (guint i = 0; i < N_STMTS; i++)
    {
      sqlite3_finalize (store->stmts[i]);
      store->stmts[i] = NULL;
    }
  if (store->db != NULL)
    {
      int rc = sqlite3_close (store->db);
      if (rc != SQLITE_OK)
        g_warning ("Store %s: close failed: %s", store->path,
                   sqlite3_errstr (rc));
      if (clean != NULL)
        *clean = rc == SQLITE_OK;
      store->db = NULL;
    }
}

static gboolean
configure_db (LactdStore *store, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (store->db, "PRAGMA journal_mode = WAL", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0),
                              "wal") == 0;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      lactd_store_set_sqlite_error (store, error, rc, "enabling WAL");
      return FALSE;
    }
  if (!wal)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "Store %s: the database refuses WAL mode", store->path);
      return FALSE;
    }
  return lactd_store_exec (store, "PRAGMA synchronous = NORMAL", error) &&
         lactd_store_exec (store, "PRAGMA foreign_keys = ON", error);
}

static gboolean
open_connection (LactdStore *store, GError **error)
{
  /* NOFOLLOW: the path was checked, but not against a swap since.
   * NOMUTEX: the connection is only ever used from the thread that opened
   * it (the weekly integrity check opens its own), so SQLite's
   * per-connection mutex, taken by every sqlite3_column_*() call, buys
   * nothing. */
  int rc = sqlite3_open_v2 (store->path, &store->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW |
                            SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      lactd_store_set_sqlite_error (store, error, rc, "opening");
      return FALSE;
    }
  sqlite3_busy_timeout (store->db, LACTD_STORE_BUSY_TIMEOUT_MS);
  if (sqlite3_db_readonly (store->db, "main") == 1)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "Store %s: opening failed: %s", store->path,
                   sqlite3_errstr (SQLITE_READONLY));
      return FALSE;
    }
  return TRUE;
}

/* Opens, checks as the last close asks, configures and migrates. FALSE
 * with *problem set when the file turned out damaged at any step, FALSE
 * with an error for anything else. */
static gboolean
open_checked (LactdStore *store, LactdStoreLastClose last_close,
              char **problem, GError **error)
{
  GError *local_error = NULL;
  gboolean created = FALSE;

  *problem = NULL;
  if (!lactd_store_file_prepare (store->path, &created, error))
    return FALSE;
  if (created || last_close == LACTD_STORE_LAST_CLOSE_CLEAN)
    store->open_check = LACTD_STORE_CHECK_NONE;
  else if (last_close == LACTD_STORE_LAST_CLOSE_DAMAGED)
    store->open_check = LACTD_STORE_CHECK_FULL;
  else
    store->open_check = LACTD_STORE_CHECK_QUICK;

  if (open_connection (store, &local_error) &&
      lactd_store_check_health (store, store->open_check, problem,
                                &local_error) &&
      configure_db (store, &local_error) &&
      lactd_store_migrate (store, &local_error))
    return TRUE;

  /* A file that looked fine to the check (or was not checked) may still
   * fail as damaged on its first read. */
  if (*problem == NULL && store->damage_seen)
    *problem = g_strdup (local_error->message);
  if (*problem != NULL)
    g_clear_error (&local_error);
  else
    g_propagate_error (error, local_error);
  close_db (store, NULL);
  return FALSE;
}

static char *
recovery_note (LactdStore *store)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *salvaged = NULL;

  if (store->salvaged_sessions == 0)
    salvaged = g_strdup ("no session could be salvaged from it");
  else if (store->salvaged_sessions == 1)
    salvaged = g_strdup ("1 session was salvaged from it into a new "
                         "database");
  else
    salvaged = g_strdup_printf ("%u sessions were salvaged from it into a "
                                "new database", store->salvaged_sessions);
  return g_strdup_printf ("On %s the database %s was found damaged and "
                          "moved aside to %s; %s.", day, store->path,
                          store->recovered_path, salvaged);
}

/* Moves the damaged file aside, starts a fresh store and salvages into
 * it what the damaged one still gives. */
static gboolean
recover (LactdStore *store, const char *problem, GError **error)
{
  g_autofree char *again = NULL;
  g_autofree char *note = NULL;
  g_autoptr(GError) note_error = NULL;
  LactdStoreCheck check = store->open_check;

  store->recovered_path = lactd_store_file_move_aside (store->path, error);
  if (store->recovered_path == NULL)
    return FALSE;
  g_warning ("Store %s is not a healthy SQLite database (%s): moved it "
             "aside to %s and started an empty store, salvaging what can "
             "still be read", store->path, problem, store->recovered_path);
  store->damage_seen = FALSE;
  if (!open_checked (store, LACTD_STORE_LAST_CLOSE_CLEAN, &again, error))
    {
      if (again != NULL)
        g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                     "Store %s: a fresh database is damaged too: %s",
                     store->path, again);
      return FALSE;
    }
  store->open_check = check;   /* the check that found the damage */
  store->salvaged_sessions = lactd_store_salvage (store,
                                                  store->recovered_path);
  note = recovery_note (store);
  g_message ("%s", note);
  if (!lactd_store_save_recovery_note (store, g_get_real_time () /
                                       G_USEC_PER_SEC, note, &note_error))
    g_warning ("%s", note_error->message);
  return TRUE;
}

static gboolean
make_directory (const char *path, GError **error)
{
  g_autofree char *directory = g_path_get_dirname (path);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "Store %s: cannot create directory %s: %s", path,
                   directory, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

LactdStore *
lactd_store_open (const char *path, GError **error)
{
  g_autoptr(LactdStore) store = NULL;
  g_autofree char *problem = NULL;
  LactdStoreLastClose last_close = LACTD_STORE_LAST_CLOSE_UNKNOWN;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  store = g_new0 (LactdStore, 1);
  store->path = g_strdup (path);
  store->lock_fd = -1;
  store->recovery_note = g_strdup ("");

  if (!make_directory (path, error) ||
      !lactd_store_file_check_path (path, error) ||
      !lactd_store_file_lock (store, &last_close, error))
    return NULL;

  if (!open_checked (store, last_close, &problem, error))
    {
      if (problem == NULL || !recover (store, problem, error))
        return NULL;
    }
  else if (!lactd_store_load_recovery_note (store, g_get_real_time () /
                                            G_USEC_PER_SEC, error))
    return NULL;

  g_debug ("Opened store %s (schema version %d, %s)", path,
           store->schema_version,
           store->open_check == LACTD_STORE_CHECK_NONE ? "closed cleanly"
           : store->open_check == LACTD_STORE_CHECK_QUICK
             ? "quick_check after an unclean shutdown"
             : "integrity_check after damage was seen");
  return g_steal_pointer (&store);
}

void
lactd_store_free (LactdStore *store)
{
  gboolean clean = FALSE;

  if (store == NULL)
    return;
  if (store->batch_open)
    g_warning ("Store %s freed with a batch still open", store->path);
  close_db (store, &clean);
  lactd_store_file_unlock (store, clean && !store->batch_open);
  g_free (store->path);
  g_free (store->recovered_path);
  g_free (store->recovery_note);
  g_free (store);
}

char *
lactd_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "lactd", "lactd.db", NULL);
}

const char *
lactd_store_get_path (LactdStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);
  return store->path;
}

const char *
lactd_store_get_recovered_path (LactdStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);
  return store->recovered_path;
}

guint
lactd_store_get_salvaged_sessions (LactdStore *store)
{
  g_return_val_if_fail (store != NULL, 0);
  return store->salvaged_sessions;
}

const char *
lactd_store_get_recovery_note (LactdStore *store)
{
  g_return_val_if_fail (store != NULL, "");
  return store->recovery_note;
}

LactdStoreCheck
lactd_store_get_open_check (LactdStore *store)
{
  g_return_val_if_fail (store != NULL, LACTD_STORE_CHECK_NONE);
  return store->open_check;
}

int
lactd_store_get_schema_version (LactdStore *store)
{
  g_return_val_if_fail (store != NULL, 0);
  return store->schema_version;
}

gboolean
lactd_store_set_max_page_count (LactdStore *store, guint32 max_pages,
                                GError **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  sql = g_strdup_printf ("PRAGMA max_page_count = %u", max_pages);
  return lactd_store_exec (store, sql, error);
}

gboolean
lactd_store_checkpoint (LactdStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  return lactd_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", error);
}

/* ---------------------------------------------------------- settings */

char *
lactd_store_get_setting (LactdStore *store, const char *key, GError **error)
{
  sqlite3_stmt *stmt;
  char *value = NULL;
  int rc;

  g_return_val_if_fail (store != NULL && key != NULL, NULL);
  stmt = lactd_store_stmt (store, STMT_SETTING_GET, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    lactd_store_set_sqlite_error (store, error, rc, "reading a setting");
  sqlite3_reset (stmt);
  return value;
}

gboolean
lactd_store_set_setting (LactdStore *store, const char *key,
                         const char *value, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && key != NULL && value != NULL, FALSE);
  stmt = lactd_store_stmt (store, STMT_SETTING_SET, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return lactd_store_step_done (store, stmt, "writing a setting", error);
}

/* ------------------------------------------------------------ rows */

void
lactd_sensor_row_free (LactdSensorRow *row)
{
  if (row == NULL)
    return;
  g_free (row->name);
  g_free (row->kind);
  g_free (row->model);
  g_free (row->firmware);
  g_free (row);
}
