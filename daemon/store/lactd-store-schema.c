/* lactd-store-schema.c — the versioned schema and its forward migrations.
 *
 * PRAGMA user_version holds the schema version. Every step from the
 * file's version to LACTD_STORE_SCHEMA_VERSION runs at open inside one
 * IMMEDIATE transaction, so a store is either fully migrated or untouched.
 * A fresh file goes through the same steps as an old one, which keeps the
 * migrations exercised.
 *
 * Version 1: sessions with volumes as REAL millilitres; no rejected
 *            records, no conflicts, no per-sensor lost/rejected counters.
 * Version 2: volumes as integer tenths of a millilitre (exact sums),
 *            rejected_records and conflicts tables, the sensors'
 *            rejected_count and lost_count.
 * Version 3: session ids are never reused: sessions.id is AUTOINCREMENT
 *            (without it SQLite hands the id of a deleted highest row to
 *            the next insert, and a client that remembers the highest id
 *            it saw would miss that session). Every row keeps its id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-store"

#include "config.h"

#include "lactd-store-private.h"

static const char schema_v1[] =
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE sensors ("
  "  address TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL DEFAULT '',"
  "  kind TEXT NOT NULL DEFAULT 'unknown',"
  "  model TEXT NOT NULL DEFAULT '',"
  "  firmware TEXT NOT NULL DEFAULT '',"
  "  epoch INTEGER NOT NULL DEFAULT 0,"
  "  epoch_known INTEGER NOT NULL DEFAULT 0,"
  "  last_seen INTEGER NOT NULL DEFAULT 0,"
  "  last_sync INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE sensor_epochs ("
  "  address TEXT NOT NULL REFERENCES sensors (address) ON DELETE CASCADE,"
  "  epoch INTEGER NOT NULL,"
  "  acknowledged_seq INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (address, epoch)) WITHOUT ROWID;"
  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  source TEXT NOT NULL,"
  "  address TEXT NOT NULL DEFAULT '',"
  "  epoch INTEGER NOT NULL DEFAULT 0,"
  "  seq INTEGER NOT NULL DEFAULT 0,"
  "  kind TEXT NOT NULL,"
  "  start INTEGER NOT NULL,"
  "  utc_offset_min INTEGER NOT NULL,"
  "  duration_left INTEGER NOT NULL,"
  "  duration_right INTEGER NOT NULL,"
  "  double_sided INTEGER NOT NULL,"
  "  interrupted INTEGER NOT NULL,"
  "  clock_unsynced INTEGER NOT NULL,"
  "  volume_left_ml REAL,"
  "  volume_right_ml REAL,"
  "  supplement_ml REAL,"
  "  stored_at INTEGER NOT NULL);"
  "CREATE UNIQUE INDEX sessions_sensor_key ON sessions (address, epoch, seq)"
  "  WHERE source = 'sensor';"
  "CREATE INDEX sessions_start ON sessions (start);";

/* Sessions are rebuilt (SQLite cannot change a column's type in place);
 * sessions has no foreign keys, so the rebuild is safe with them on. */
static const char migrate_v1_to_v2[] =
  "ALTER TABLE sensors ADD COLUMN rejected_count INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE sensors ADD COLUMN lost_count INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE sessions_v2 ("
  "  id INTEGER PRIMARY KEY,"
  "  source TEXT NOT NULL CHECK (source IN ('sensor', 'manual')),"
  "  address TEXT NOT NULL DEFAULT '',"
  "  epoch INTEGER NOT NULL DEFAULT 0,"
  "  seq INTEGER NOT NULL DEFAULT 0,"
  "  kind TEXT NOT NULL"
  "    CHECK (kind IN ('pump', 'sns', 'hand', 'breastfeed')),"
  "  start INTEGER NOT NULL,"
  "  utc_offset_min INTEGER NOT NULL,"
  "  duration_left INTEGER NOT NULL,"
  "  duration_right INTEGER NOT NULL,"
  "  double_sided INTEGER NOT NULL,"
  "  interrupted INTEGER NOT NULL,"
  "  clock_unsynced INTEGER NOT NULL,"
  "  volume_left_tenths INTEGER,"   /* NULL: not measured */
  "  volume_right_tenths INTEGER,"
  "  supplement_tenths INTEGER,"
  "  stored_at INTEGER NOT NULL);"
  "INSERT INTO sessions_v2 SELECT id, source, address, epoch, seq, kind,"
  "  start, utc_offset_min, duration_left, duration_right, double_sided,"
  "  interrupted, clock_unsynced,"
  "  CAST (round (volume_left_ml * 10) AS INTEGER),"
  "  CAST (round (volume_right_ml * 10) AS INTEGER),"
  "  CAST (round (supplement_ml * 10) AS INTEGER),"
  "  stored_at FROM sessions;"
  "DROP TABLE sessions;"
  "ALTER TABLE sessions_v2 RENAME TO sessions;"
  "CREATE UNIQUE INDEX sessions_sensor_key ON sessions (address, epoch, seq)"
  "  WHERE source = 'sensor';"
  "CREATE INDEX sessions_start ON sessions (start);"
  /* A different record under a stored key; volumes -1 when unmeasured so
   * that the UNIQUE constraint keeps one row per distinct record. */
  "CREATE TABLE conflicts ("
  "  id INTEGER PRIMARY KEY,"
  "  address TEXT NOT NULL,"
  "  epoch INTEGER NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  start INTEGER NOT NULL,"
  "  utc_offset_min INTEGER NOT NULL,"
  "  duration_left INTEGER NOT NULL,"
  "  duration_right INTEGER NOT NULL,"
  "  double_sided INTEGER NOT NULL,"
  "  interrupted INTEGER NOT NULL,"
  "  clock_unsynced INTEGER NOT NULL,"
  "  volume_left_tenths INTEGER NOT NULL,"
  "  volume_right_tenths INTEGER NOT NULL,"
  "  supplement_tenths INTEGER NOT NULL,"
  "  stored_at INTEGER NOT NULL,"
  "  UNIQUE (address, epoch, seq, kind, start, utc_offset_min,"
  "          duration_left, duration_right, double_sided, interrupted,"
  "          clock_unsynced, volume_left_tenths, volume_right_tenths,"
  "          supplement_tenths));"
  "CREATE TABLE rejected_records ("
  "  id INTEGER PRIMARY KEY,"
  "  address TEXT NOT NULL,"
  "  epoch INTEGER NOT NULL,"
  "  seq INTEGER NOT NULL,"          /* 0: the number was unreadable */
  "  raw BLOB NOT NULL,"
  "  reason_code TEXT NOT NULL,"
  "  reason_message TEXT NOT NULL,"
  "  stored_at INTEGER NOT NULL);"
  "CREATE UNIQUE INDEX rejected_records_key"
  "  ON rejected_records (address, epoch, seq) WHERE seq > 0;";

/* Sessions are rebuilt again (AUTOINCREMENT cannot be added in place).
 * Copying the rows with their ids sets sqlite_sequence to the highest id
 * present, which the rename carries over; an id deleted from the top
 * before this migration cannot be known any more (docs/architecture.md). */
static const char migrate_v2_to_v3[] =
  "CREATE TABLE sessions_v3 ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  source TEXT NOT NULL CHECK (source IN ('sensor', 'manual')),"
  "  address TEXT NOT NULL DEFAULT '',"
  "  epoch INTEGER NOT NULL DEFAULT 0,"
  "  seq INTEGER NOT NULL DEFAULT 0,"
  "  kind TEXT NOT NULL"
  "    CHECK (kind IN ('pump', 'sns', 'hand', 'breastfeed')),"
  "  start INTEGER NOT NULL,"
  "  utc_offset_min INTEGER NOT NULL,"
  "  duration_left INTEGER NOT NULL,"
  "  duration_right INTEGER NOT NULL,"
  "  double_sided INTEGER NOT NULL,"
  "  interrupted INTEGER NOT NULL,"
  "  clock_unsynced INTEGER NOT NULL,"
  "  volume_left_tenths INTEGER,"   /* NULL: not measured */
  "  volume_right_tenths INTEGER,"
  "  supplement_tenths INTEGER,"
  "  stored_at INTEGER NOT NULL);"
  "INSERT INTO sessions_v3 (id, source, address, epoch, seq, kind, start,"
  "  utc_offset_min, duration_left, duration_right, double_sided,"
  "  interrupted, clock_unsynced, volume_left_tenths, volume_right_tenths,"
  "  supplement_tenths, stored_at)"
  "  SELECT id, source, address, epoch, seq, kind, start, utc_offset_min,"
  "  duration_left, duration_right, double_sided, interrupted,"
  "  clock_unsynced, volume_left_tenths, volume_right_tenths,"
  "  supplement_tenths, stored_at FROM sessions ORDER BY id;"
  "DROP TABLE sessions;"
  "ALTER TABLE sessions_v3 RENAME TO sessions;"
  "CREATE UNIQUE INDEX sessions_sensor_key ON sessions (address, epoch, seq)"
  "  WHERE source = 'sensor';"
  "CREATE INDEX sessions_start ON sessions (start);";

static const char *const migrations[LACTD_STORE_SCHEMA_VERSION] = {
  schema_v1,          /* 0 -> 1 */
  migrate_v1_to_v2,   /* 1 -> 2 */
  migrate_v2_to_v3,   /* 2 -> 3 */
};

static gboolean
read_user_version (LactdStore *store, int *version, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (store->db, "PRAGMA user_version", -1, &stmt,
                           NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    *version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      lactd_store_set_sqlite_error (store, error, rc,
                                    "reading the schema version");
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_store_migrate (LactdStore *store, GError **error)
{
  g_autofree char *set_version = NULL;
  int version = 0;

  if (!read_user_version (store, &version, error))
    return FALSE;
  if (version == LACTD_STORE_SCHEMA_VERSION)
    {
      store->schema_version = version;
      return TRUE;
    }
  if (version < 0 || version > LACTD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "Store %s has schema version %d; this lactd knows up to "
                   "%d and will not touch it", store->path, version,
                   LACTD_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (!lactd_store_transaction_begin (store, error))
    return FALSE;
  /* Read again under the write lock: another process may have migrated. */
  if (!read_user_version (store, &version, error))
    {
      lactd_store_transaction_rollback (store);
      return FALSE;
    }
  for (int step = version; step < LACTD_STORE_SCHEMA_VERSION; step++)
    {
      g_debug ("Store %s: migrating schema %d -> %d", store->path, step,
               step + 1);
      if (!lactd_store_exec (store, migrations[step], error))
        {
          lactd_store_transaction_rollback (store);
          return FALSE;
        }
    }
  set_version = g_strdup_printf ("PRAGMA user_version = %d",
                                 LACTD_STORE_SCHEMA_VERSION);
  if (!lactd_store_exec (store, set_version, error) ||
      !lactd_store_transaction_commit (store, error))
    {
      lactd_store_transaction_rollback (store);
      return FALSE;
    }
  if (version > 0)
    g_message ("Store %s: migrated schema from version %d to %d",
               store->path, version, LACTD_STORE_SCHEMA_VERSION);
  store->schema_version = LACTD_STORE_SCHEMA_VERSION;
  return TRUE;
}
