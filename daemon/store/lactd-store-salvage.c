/* lactd-store-salvage.c — copying what a damaged database still gives
 * into the fresh store that replaces it.
 *
 * Debian 12's SQLite (3.40) has no recovery API (the sqlite3 shell's
 * .recover is not in the library), so the damaged file is read the plain
 * way on a read-only connection, table by table in rowid order: where a
 * page cannot be read, the reader probes forward (doubling the step,
 * then halving back) for the lowest rowid from which the table reads
 * again and goes on from there, so one bad page costs only its own rows.
 * Every row is checked for its column types and goes in through the
 * store's own API (lactd_store_add_manual(), sync batches,
 * lactd_store_remember_sensor() ...), which validates it: nothing invalid
 * enters the new store. The damaged file is never written.
 *
 * What is copied: sessions (manual and sensor; they get new ids, above
 * every id the damaged file used or handed out, since ids are never
 * reused; a sensor session keeps its sensor, epoch and number), the
 * sensors with their epochs and acknowledged numbers, and the goal.
 * Rejected records, conflicts and the reminder state are not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-store"

#include "config.h"

#include <string.h>

#include "lactd-store-private.h"

/* Column 0 is the rowid; v1 stored volumes as REAL millilitres. */
#define SESSIONS_FROM \
  " FROM sessions WHERE id >= ?1 ORDER BY id"
static const char sessions_v2_sql[] =
  "SELECT " LACTD_SESSION_COLUMNS SESSIONS_FROM;
static const char sessions_v1_sql[] =
  "SELECT id, source, address, epoch, seq, kind, start, utc_offset_min, "
  "duration_left, duration_right, double_sided, interrupted, clock_unsynced, "
  "CAST (round (volume_left_ml * 10) AS INTEGER), "
  "CAST (round (volume_right_ml * 10) AS INTEGER), "
  "CAST (round (supplement_ml * 10) AS INTEGER)" SESSIONS_FROM;

typedef struct {
  sqlite3 *db;               /* the damaged file, read-only */
  const char *path;
  LactdStore *store;
  GArray *manual;            /* LactdSession */
  GArray *sensor;            /* LactdSession, address and epoch set */
  gint64 highest_id;         /* of the rows read and the file's sequence */
  guint rows_read;
  guint rows_invalid;
  guint stretches_skipped;
} Salvage;

typedef void (*SalvageRowFunc) (Salvage *salvage, sqlite3_stmt *row);

/* ----------------------------------------------------- reading around */

/* Steps stmt (whose ?1 is the lowest rowid wanted) from *cursor on.
 * Returns SQLITE_DONE at the end, else the error that stopped it. */
static int
scan_from (Salvage *salvage, sqlite3_stmt *stmt, gint64 *cursor,
           SalvageRowFunc func)
{
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, *cursor);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      if (rowid < *cursor)
        continue;   /* a damaged page out of order: already past it */
      func (salvage, stmt);
      if (rowid == G_MAXINT64)
        return SQLITE_DONE;
      *cursor = rowid + 1;
    }
  return rc;
}

/* TRUE when the table reads from rowid at on (a row, or its end). */
static gboolean
reads_from (sqlite3_stmt *stmt, gint64 at)
{
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, at);
  rc = sqlite3_step (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* *cursor does not read: finds the lowest rowid above it that does.
 * FALSE when none does up to the largest rowid. */
static gboolean
skip_damage (sqlite3_stmt *stmt, gint64 *cursor)
{
  gint64 bad = *cursor;
  gint64 good;
  guint64 step = 1;

  for (;;)
    {
      good = (guint64) (G_MAXINT64 - bad) <= step ? G_MAXINT64
                                                  : bad + (gint64) step;
      if (reads_from (stmt, good))
        break;
      if (good == G_MAXINT64)
        return FALSE;
      bad = good;
      step *= 2;
    }
  while (good - bad > 1)
    {
      gint64 middle = bad + (good - bad) / 2;
      if (reads_from (stmt, middle))
        good = middle;
      else
        bad = middle;
    }
  *cursor = good;
  return TRUE;
}

static void
read_table (Salvage *salvage, sqlite3_stmt *stmt, SalvageRowFunc func)
{
  gint64 cursor = G_MININT64;

  while (scan_from (salvage, stmt, &cursor, func) != SQLITE_DONE)
    {
      salvage->stretches_skipped++;
      g_debug ("Salvage %s: unreadable from rowid %" G_GINT64_FORMAT ": %s",
               salvage->path, cursor, sqlite3_errmsg (salvage->db));
      if (!skip_damage (stmt, &cursor))
        break;
    }
}

/* ----------------------------------------------------------- sessions */

static gboolean
column_is (sqlite3_stmt *row, int column, int type)
{
  return sqlite3_column_type (row, column) == type;
}

static gboolean
column_uint32 (sqlite3_stmt *row, int column, guint32 *out)
{
  gint64 value = sqlite3_column_int64 (row, column);

  if (!column_is (row, column, SQLITE_INTEGER) || value < 0 ||
      value > G_MAXUINT32)
    return FALSE;
  *out = (guint32) value;
  return TRUE;
}

/* A volume: NULL (not measured) or an integer the API will range-check. */
static gboolean
column_volume (sqlite3_stmt *row, int column, gint32 *out)
{
  gint64 value = sqlite3_column_int64 (row, column);

  if (column_is (row, column, SQLITE_NULL))
    {
      *out = LACTD_VOLUME_NONE;
      return TRUE;
    }
  if (!column_is (row, column, SQLITE_INTEGER) || value < 0 ||
      value > G_MAXINT32)
    return FALSE;
  *out = (gint32) value;
  return TRUE;
}

/* The row's values with their types checked; the rules are the API's. */
static gboolean
session_from_row (sqlite3_stmt *row, LactdSession *out)
{
  const char *source = (const char *) sqlite3_column_text (row, 1);
  const char *address = (const char *) sqlite3_column_text (row, 2);
  guint32 flags[3];

  memset (out, 0, sizeof *out);
  out->id = (guint64) sqlite3_column_int64 (row, 0);  /* the old rowid */
  if (g_strcmp0 (source, "sensor") != 0 && g_strcmp0 (source, "manual") != 0)
    return FALSE;
  out->from_sensor = g_str_equal (source, "sensor");
  if (out->from_sensor &&
      (address == NULL || !lactd_address_is_valid (address)))
    return FALSE;
  if (out->from_sensor)
    g_strlcpy (out->address, address, sizeof out->address);
  if (!lactd_session_kind_from_string ((const char *)
                                       sqlite3_column_text (row, 5),
                                       &out->kind) ||
      !column_is (row, 6, SQLITE_INTEGER) ||
      !column_is (row, 7, SQLITE_INTEGER))
    return FALSE;
  out->start = sqlite3_column_int64 (row, 6);
  out->utc_offset_min = (gint32) CLAMP (sqlite3_column_int64 (row, 7),
                                        G_MININT32, G_MAXINT32);
  if (!column_uint32 (row, 3, &out->epoch) ||
      !column_uint32 (row, 4, &out->seq) ||
      !column_uint32 (row, 8, &out->duration_left) ||
      !column_uint32 (row, 9, &out->duration_right) ||
      !column_uint32 (row, 10, &flags[0]) ||
      !column_uint32 (row, 11, &flags[1]) ||
      !column_uint32 (row, 12, &flags[2]) ||
      !column_volume (row, 13, &out->volume_left_tenths) ||
      !column_volume (row, 14, &out->volume_right_tenths) ||
      !column_volume (row, 15, &out->supplement_tenths))
    return FALSE;
  out->double_sided = flags[0] != 0;
  out->interrupted = flags[1] != 0;
  out->clock_unsynced = flags[2] != 0;
  return TRUE;
}

static void
collect_session (Salvage *salvage, sqlite3_stmt *row)
{
  LactdSession session;

  salvage->rows_read++;
  salvage->highest_id = MAX (salvage->highest_id,
                             sqlite3_column_int64 (row, 0));
  if (!session_from_row (row, &session))
    {
      salvage->rows_invalid++;
      g_debug ("Salvage %s: session row %" G_GINT64_FORMAT " is malformed",
               salvage->path, (gint64) sqlite3_column_int64 (row, 0));
      return;
    }
  g_array_append_val (session.from_sensor ? salvage->sensor
                                          : salvage->manual, session);
}

static void
read_sessions (Salvage *salvage)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (salvage->db, sessions_v2_sql, -1, &stmt,
                          NULL) != SQLITE_OK &&
      sqlite3_prepare_v2 (salvage->db, sessions_v1_sql, -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      g_message ("Salvage %s: no sessions table can be read: %s",
                 salvage->path, sqlite3_errmsg (salvage->db));
      return;
    }
  read_table (salvage, stmt, collect_session);
  sqlite3_finalize (stmt);
}

/* Manual sessions in one transaction. Returns how many were stored. */
static guint
store_manual (Salvage *salvage)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  guint stored = 0;

  if (salvage->manual->len == 0)
    return 0;
  if (!lactd_store_transaction_begin (salvage->store, &error))
    goto failed;
  for (guint i = 0; i < salvage->manual->len; i++)
    {
      LactdSession *session = &g_array_index (salvage->manual, LactdSession,
                                              i);
      g_autoptr(GError) invalid = NULL;

      if (lactd_store_add_manual (salvage->store, session, now, &invalid))
        stored++;
      else if (g_error_matches (invalid, LACTD_STORE_ERROR,
                                LACTD_STORE_ERROR_INVALID))
        salvage->rows_invalid++;
      else
        {
          g_propagate_error (&error, g_steal_pointer (&invalid));
          lactd_store_transaction_rollback (salvage->store);
          goto failed;
        }
    }
  if (lactd_store_transaction_commit (salvage->store, &error))
    return stored;

failed:
  g_warning ("Salvage %s: manual sessions not stored: %s", salvage->path,
             error->message);
  return 0;
}

/* 0 for two sessions of the same sensor and epoch. */
static int
compare_run (const LactdSession *x, const LactdSession *y)
{
  int by_address = strcmp (x->address, y->address);

  if (by_address != 0)
    return by_address;
  return x->epoch < y->epoch ? -1 : x->epoch > y->epoch;
}

/* By sensor and epoch, then in the damaged file's rowid order. */
static int
compare_sensor_sessions (gconstpointer a, gconstpointer b)
{
  const LactdSession *x = a, *y = b;
  int by_run = compare_run (x, y);

  if (by_run != 0)
    return by_run;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* One sync batch per (sensor, epoch), as the sync engine stores them. */
static guint
store_sensor_run (Salvage *salvage, guint first, guint end)
{
  LactdSession *head = &g_array_index (salvage->sensor, LactdSession, first);
  g_autoptr(GError) error = NULL;
  LactdStoreBatch *batch;
  guint stored = 0;

  batch = lactd_store_batch_begin (salvage->store, head->address, head->epoch,
                                   &error);
  for (guint i = first; batch != NULL && i < end; i++)
    {
      LactdSession *session = &g_array_index (salvage->sensor, LactdSession,
                                              i);
      g_autoptr(GError) invalid = NULL;
      LactdAddResult result;

      if (lactd_store_batch_add_session (batch, session, &result, &invalid))
        stored += result == LACTD_ADD_STORED;
      else if (g_error_matches (invalid, LACTD_STORE_ERROR,
                                LACTD_STORE_ERROR_INVALID))
        salvage->rows_invalid++;
      else
        {
          g_propagate_error (&error, g_steal_pointer (&invalid));
          lactd_store_batch_abort (g_steal_pointer (&batch));
        }
    }
  if (batch != NULL && lactd_store_batch_commit (batch, NULL, &error))
    return stored;
  g_warning ("Salvage %s: sessions of %s epoch %u not stored: %s",
             salvage->path, head->address, head->epoch, error->message);
  return 0;
}

static guint
store_sensor_sessions (Salvage *salvage)
{
  guint stored = 0;
  guint first = 0;

  g_array_sort (salvage->sensor, compare_sensor_sessions);
  for (guint i = 1; i <= salvage->sensor->len; i++)
    {
      if (i < salvage->sensor->len &&
          compare_run (&g_array_index (salvage->sensor, LactdSession, first),
                       &g_array_index (salvage->sensor, LactdSession, i)) == 0)
        continue;
      stored += store_sensor_run (salvage, first, i);
      first = i;
    }
  return stored;
}

/* ---------------------------------------------- sensors and the goal */

static const char *
text_or_empty (sqlite3_stmt *row, int column)
{
  const char *text = (const char *) sqlite3_column_text (row, column);
  return text != NULL ? text : "";
}

/* Each step through the API; a step it refuses leaves the rest. */
static void
restore_sensor (Salvage *salvage, sqlite3_stmt *row)
{
  const char *address = text_or_empty (row, 1);
  g_autoptr(GError) error = NULL;
  guint32 epoch = 0;

  if (!lactd_store_remember_sensor (salvage->store, address,
                                    text_or_empty (row, 2),
                                    text_or_empty (row, 3), &error) ||
      !lactd_store_update_sensor_info (salvage->store, address,
                                       text_or_empty (row, 4),
                                       text_or_empty (row, 5), &error) ||
      !lactd_store_touch_sensor (salvage->store, address,
                                 sqlite3_column_int64 (row, 8), &error) ||
      !lactd_store_set_last_sync (salvage->store, address,
                                  sqlite3_column_int64 (row, 9), &error) ||
      (sqlite3_column_int (row, 7) != 0 && column_uint32 (row, 6, &epoch) &&
       !lactd_store_set_sensor_epoch (salvage->store, address, epoch,
                                      &error)))
    g_message ("Salvage %s: sensor %s not (fully) restored: %s",
               salvage->path, address, error->message);
}

static void
restore_acknowledged (Salvage *salvage, sqlite3_stmt *row)
{
  g_autoptr(GError) error = NULL;
  guint32 epoch, seq;

  if (column_uint32 (row, 1, &epoch) && column_uint32 (row, 2, &seq) &&
      !lactd_store_set_acknowledged (salvage->store, text_or_empty (row, 0),
                                     epoch, seq, &error))
    g_debug ("Salvage %s: acknowledged number not restored: %s",
             salvage->path, error->message);
}

/* A small table read to its end or its first unreadable page. */
static void
read_small_table (Salvage *salvage, const char *sql, SalvageRowFunc func)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (salvage->db, sql, -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        func (salvage, stmt);
    }
  sqlite3_finalize (stmt);
}

static void
restore_goal (Salvage *salvage, sqlite3_stmt *row)
{
  g_autoptr(GError) error = NULL;

  /* The goals module validates the goal when it loads it. */
  if (column_is (row, 0, SQLITE_TEXT) &&
      !lactd_store_set_setting (salvage->store, "goal", text_or_empty (row, 0),
                                &error))
    g_message ("Salvage %s: goal not restored: %s", salvage->path,
               error->message);
}

/* ------------------------------------------------------ the new ids */

static void
note_sequence (Salvage *salvage, sqlite3_stmt *row)
{
  salvage->highest_id = MAX (salvage->highest_id,
                             sqlite3_column_int64 (row, 0));
}

/* The fresh store hands out ids above every id the damaged file used:
 * its highest row read, and its sequence (schema 3 on), which remembers
 * deleted ones too. A row on an unreadable page may have had a higher
 * id than both; it is lost with its page either way. */
static void
reserve_ids (Salvage *salvage)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  read_small_table (salvage, "SELECT seq FROM sqlite_sequence "
                    "WHERE name = 'sessions'", note_sequence);
  if (salvage->highest_id <= 0)
    return;
  sql = g_strdup_printf ("INSERT INTO sqlite_sequence (name, seq) "
                         "SELECT 'sessions', 0 WHERE NOT EXISTS (SELECT 1 "
                         "FROM sqlite_sequence WHERE name = 'sessions'); "
                         "UPDATE sqlite_sequence SET seq = max(seq, "
                         "%" G_GINT64_FORMAT ") WHERE name = 'sessions'",
                         salvage->highest_id);
  if (!lactd_store_exec (salvage->store, sql, &error))
    g_warning ("Salvage %s: ids above %" G_GINT64_FORMAT " not reserved: %s",
               salvage->path, salvage->highest_id, error->message);
}

/* -------------------------------------------------------------- all */

guint
lactd_store_salvage (LactdStore *store, const char *damaged_path)
{
  Salvage salvage = { .path = damaged_path, .store = store };
  guint stored;

  if (sqlite3_open_v2 (damaged_path, &salvage.db, SQLITE_OPEN_READONLY |
                       SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK)
    {
      g_message ("Salvage %s: cannot open it: %s", damaged_path,
                 salvage.db ? sqlite3_errmsg (salvage.db) : "out of memory");
      sqlite3_close (salvage.db);
      return 0;
    }
  /* writable_schema: a file shorter than its header says, or a schema
   * row that does not parse, is read as far as it goes instead of being
   * refused whole (the connection is read-only: nothing is written).
   * cell_size_check: a damaged cell is an error, not garbage values. */
  sqlite3_exec (salvage.db, "PRAGMA writable_schema = ON; "
                "PRAGMA cell_size_check = ON", NULL, NULL, NULL);
  salvage.manual = g_array_new (FALSE, FALSE, sizeof (LactdSession));
  salvage.sensor = g_array_new (FALSE, FALSE, sizeof (LactdSession));

  read_small_table (&salvage, "SELECT rowid, address, name, kind, model, "
                    "firmware, epoch, epoch_known, last_seen, last_sync "
                    "FROM sensors ORDER BY rowid", restore_sensor);
  read_small_table (&salvage, "SELECT address, epoch, acknowledged_seq "
                    "FROM sensor_epochs", restore_acknowledged);
  read_small_table (&salvage, "SELECT value FROM settings "
                    "WHERE key = 'goal'", restore_goal);
  read_sessions (&salvage);
  reserve_ids (&salvage);
  stored = store_manual (&salvage) + store_sensor_sessions (&salvage);

  g_message ("Salvage %s: %u sessions stored of %u rows read (%u malformed "
             "or invalid, %u unreadable stretches skipped)", damaged_path,
             stored, salvage.rows_read, salvage.rows_invalid,
             salvage.stretches_skipped);
  g_array_unref (salvage.manual);
  g_array_unref (salvage.sensor);
  sqlite3_close (salvage.db);
  return stored;
}
