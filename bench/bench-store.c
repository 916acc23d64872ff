/* bench-store.c — figures for lactd's SQLite store. Prints, asserts
 * nothing.
 *
 * 1. Sync insert throughput: records/s through the production path
 *    (lactd_store_batch_begin/add_session/commit, 500 records a batch and
 *    also 1000, each commit durable: synchronous=FULL, WAL fsynced at
 *    every commit), against a bare
 *    prepared INSERT loop into an identical sessions table (same schema
 *    and indexes) with 1000-row transactions, once with synchronous=NORMAL
 *    (the store's setting outside batches) and once with FULL (what a
 *    batch commit uses). The production path also validates every record,
 *    resolves duplicates and conflicts, tracks the handled numbers and
 *    computes the ack; the bare loop does none of that. Against NORMAL the
 *    difference is mostly one WAL fsync per batch.
 * 2. Queries over a generated store of 50,000 sessions (12 a day for
 *    4167 days, about 11.4 years): daily_summary for 30 days and for all
 *    days, list_sessions for one year; the median of 20 runs in ms, each
 *    against the bare SQL query alone (prepared once, stepped, columns
 *    read) on its own connection.
 * 3. Opening that store (including PRAGMA quick_check), in ms.
 * 4. Database size per 10,000 sessions after a checkpoint.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lactd-store.h"

#define SENSOR "C0:FF:EE:00:00:01"
#define INSERT_RECORDS 100000u
#define PROD_BATCH 500u
#define BARE_TXN 1000u
#define HISTORY_DAYS 4167u
#define PER_DAY 12u
#define RUNS 20
#define FIRST_DAY_UNIX G_GINT64_CONSTANT (1577836800)  /* 2020-01-01 */

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *values, int n)
{
  qsort (values, (size_t) n, sizeof *values, compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

static void
check_sqlite (sqlite3 *db, int rc)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    g_error ("sqlite: %s", sqlite3_errmsg (db));
}

static LactdSession
session_for (guint32 n)
{
  LactdSession s;
  guint32 day = n / PER_DAY, slot = n % PER_DAY;

  memset (&s, 0, sizeof s);
  s.seq = n + 1;
  s.kind = n % 7 == 0 ? LACTD_SESSION_KIND_SNS : LACTD_SESSION_KIND_PUMP;
  s.utc_offset_min = (day / 180) % 2 ? 120 : 60;
  s.start = FIRST_DAY_UNIX + (gint64) day * 86400 + slot * 7200 + (n % 13) * 60
            - s.utc_offset_min * 60;
  s.duration_left = 600 + n % 300;
  s.duration_right = 500 + n % 200;
  s.double_sided = n % 3 == 0;
  s.volume_left_tenths = (gint32) (n % 1500);
  s.volume_right_tenths = n % 5 == 0 ? LACTD_VOLUME_NONE : (gint32) (n % 1300);
  s.supplement_tenths = s.kind == LACTD_SESSION_KIND_SNS ? 300 : LACTD_VOLUME_NONE;
  return s;
}

/* Production path; returns seconds. */
static double
insert_production (LactdStore *store, guint32 n_records, guint32 batch_size)
{
  GError *error = NULL;
  double start = now_ms ();

  for (guint32 first = 0; first < n_records; first += batch_size)
    {
      LactdStoreBatch *batch = lactd_store_batch_begin (store, SENSOR, 1,
                                                        &error);
      guint32 ack = 0;

      check (batch != NULL, error);
      for (guint32 n = first; n < first + batch_size && n < n_records; n++)
        {
          LactdSession s = session_for (n);
          LactdAddResult result;
          check (lactd_store_batch_add_session (batch, &s, &result, &error),
                 error);
        }
      check (lactd_store_batch_commit (batch, &ack, &error), error);
    }
  return (now_ms () - start) / 1e3;
}

static void
bind_volume (sqlite3_stmt *stmt, int index, gint32 tenths)
{
  if (tenths == LACTD_VOLUME_NONE)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int (stmt, index, tenths);
}

/* The bare loop into a store file's own (identical) sessions table. */
static double
insert_bare (const char *path, const char *synchronous, guint32 n_records)
{
  static const char *const kinds[] = { "pump", "sns", "hand", "breastfeed" };
  g_autofree char *pragma = g_strdup_printf ("PRAGMA synchronous = %s",
                                             synchronous);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double start;
  int rc;

  check_sqlite (db, sqlite3_open (path, &db));
  check_sqlite (db, sqlite3_exec (db, pragma, NULL, NULL, NULL));
  check_sqlite (db, sqlite3_prepare_v2 (db,
    "INSERT INTO sessions (source, address, epoch, seq, kind, start, "
    "utc_offset_min, duration_left, duration_right, double_sided, "
    "interrupted, clock_unsynced, volume_left_tenths, volume_right_tenths, "
    "supplement_tenths, stored_at) VALUES ('sensor', ?1, 1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8, 0, 0, ?9, ?10, ?11, ?12)", -1, &stmt, NULL));
  start = now_ms ();
  for (guint32 n = 0; n < n_records; n++)
    {
      LactdSession s = session_for (n);

      if (n % BARE_TXN == 0)
        check_sqlite (db, sqlite3_exec (db, "BEGIN", NULL, NULL, NULL));
      sqlite3_bind_text (stmt, 1, SENSOR, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, s.seq);
      sqlite3_bind_text (stmt, 3, kinds[s.kind], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, s.start);
      sqlite3_bind_int (stmt, 5, s.utc_offset_min);
      sqlite3_bind_int64 (stmt, 6, s.duration_left);
      sqlite3_bind_int64 (stmt, 7, s.duration_right);
      sqlite3_bind_int (stmt, 8, s.double_sided);
      bind_volume (stmt, 9, s.volume_left_tenths);
      bind_volume (stmt, 10, s.volume_right_tenths);
      bind_volume (stmt, 11, s.supplement_tenths);
      sqlite3_bind_int64 (stmt, 12, 1700000000);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        g_error ("bare insert %u: %s", n, sqlite3_errmsg (db));
      sqlite3_reset (stmt);
      if (n % BARE_TXN == BARE_TXN - 1 || n == n_records - 1)
        check_sqlite (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL));
    }
  start = (now_ms () - start) / 1e3;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return start;
}

/* A fresh store file with the schema, nothing else. */
static char *
fresh_store (const char *dir, const char *name)
{
  GError *error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  LactdStore *store = lactd_store_open (path, &error);

  check (store != NULL, error);
  check (lactd_store_remember_sensor (store, SENSOR, "Bench", "pump",
                                      &error), error);
  lactd_store_free (store);
  return path;
}

static void
remove_db (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* Three rounds, alternating, best of each: the figures should not depend
 * on what else the machine does at one instant. */
static void
bench_inserts (const char *dir)
{
  double prod = G_MAXDOUBLE, prod_1000 = G_MAXDOUBLE;
  double normal = G_MAXDOUBLE, full = G_MAXDOUBLE;

  for (int round = 0; round < 3; round++)
    {
      GError *error = NULL;
      g_autofree char *prod_name = g_strdup_printf ("prod-%d.db", round);
      g_autofree char *prod_1000_name = g_strdup_printf ("prod1000-%d.db",
                                                         round);
      g_autofree char *normal_name = g_strdup_printf ("normal-%d.db", round);
      g_autofree char *full_name = g_strdup_printf ("full-%d.db", round);
      g_autofree char *prod_path = fresh_store (dir, prod_name);
      g_autofree char *prod_1000_path = fresh_store (dir, prod_1000_name);
      g_autofree char *normal_path = fresh_store (dir, normal_name);
      g_autofree char *full_path = fresh_store (dir, full_name);
      LactdStore *store;
      double seconds;

      /* MIN() evaluates its arguments twice: time first. */
      store = lactd_store_open (prod_path, &error);
      check (store != NULL, error);
      seconds = insert_production (store, INSERT_RECORDS, PROD_BATCH);
      prod = MIN (prod, seconds);
      lactd_store_free (store);
      seconds = insert_bare (normal_path, "NORMAL", INSERT_RECORDS);
      normal = MIN (normal, seconds);
      seconds = insert_bare (full_path, "FULL", INSERT_RECORDS);
      full = MIN (full, seconds);
      store = lactd_store_open (prod_1000_path, &error);
      check (store != NULL, error);
      seconds = insert_production (store, INSERT_RECORDS, BARE_TXN);
      prod_1000 = MIN (prod_1000, seconds);
      lactd_store_free (store);
      remove_db (prod_path);
      remove_db (prod_1000_path);
      remove_db (normal_path);
      remove_db (full_path);
    }

  printf ("insert, %u records, best of 3 interleaved rounds\n",
          INSERT_RECORDS);
  printf ("  A production, batches of %4u, durable commit:  %7.0f records/s\n",
          PROD_BATCH, INSERT_RECORDS / prod);
  printf ("  B production, batches of %4u, durable commit:  %7.0f records/s\n",
          BARE_TXN, INSERT_RECORDS / prod_1000);
  printf ("  C bare INSERT, %u-row txns, sync=NORMAL:       %7.0f records/s\n",
          BARE_TXN, INSERT_RECORDS / normal);
  printf ("  D bare INSERT, %u-row txns, sync=FULL:         %7.0f records/s\n",
          BARE_TXN, INSERT_RECORDS / full);
  printf ("  ratios: A/C %.2f  A/D %.2f  B/C %.2f  B/D %.2f\n",
          normal / prod, full / prod, normal / prod_1000, full / prod_1000);
}

typedef struct {
  sqlite3 *db;
  sqlite3_stmt *stmt;
} BareQuery;

static double
run_bare (BareQuery *q, gint64 a, gint64 b, gint64 c, gint64 d)
{
  double start = now_ms ();
  gint64 sink = 0;
  int rc;

  sqlite3_reset (q->stmt);
  sqlite3_bind_int64 (q->stmt, 1, a);
  sqlite3_bind_int64 (q->stmt, 2, b);
  sqlite3_bind_int64 (q->stmt, 3, c);
  sqlite3_bind_int64 (q->stmt, 4, d);
  while ((rc = sqlite3_step (q->stmt)) == SQLITE_ROW)
    for (int i = 0; i < sqlite3_column_count (q->stmt); i++)
      sink += sqlite3_column_int64 (q->stmt, i);
  check_sqlite (q->db, rc);
  (void) sink;
  return now_ms () - start;
}

/* The store's own summary statement, night window 01:00-05:00 inlined. */
#define MINUTE "(((start + utc_offset_min * 60 + 62135683200) % 86400) / 60)"
#define BARE_SUMMARY \
  "SELECT day, count(*), sum(night), sum(duration_left), " \
  "sum(duration_right), " \
  "sum(coalesce(volume_left_tenths, 0) + coalesce(volume_right_tenths, 0)), " \
  "sum(coalesce(supplement_tenths, 0)) FROM " \
  "(SELECT (start + utc_offset_min * 60 + 62135683200) / 86400 AS day, " \
  "(CASE WHEN 60 <= 300 THEN (" MINUTE " >= 60 AND " MINUTE " < 300) " \
  "ELSE (" MINUTE " >= 60 OR " MINUTE " < 300) END) " \
  "AS night, duration_left, duration_right, " \
  "volume_left_tenths, volume_right_tenths, supplement_tenths " \
  "FROM sessions WHERE start >= ?1 AND start < ?2) " \
  "WHERE day BETWEEN ?3 AND ?4 GROUP BY day ORDER BY day"

#define BARE_LIST \
  "SELECT id, source, address, epoch, seq, kind, start, utc_offset_min, " \
  "duration_left, duration_right, double_sided, interrupted, " \
  "clock_unsynced, volume_left_tenths, volume_right_tenths, " \
  "supplement_tenths FROM sessions WHERE start >= ?1 AND start < ?2 " \
  "AND ?3 = ?3 AND ?4 = ?4 ORDER BY start, id"

static void
bench_summary (LactdStore *store, BareQuery *bare, const char *label,
               guint32 first, guint32 last)
{
  const LactdNightWindow night = { 60, 300 };
  double ours[RUNS], theirs[RUNS];
  gint64 lo = ((gint64) first - 719163) * 86400 - 15 * 3600;
  gint64 hi = ((gint64) last + 1 - 719163) * 86400 + 15 * 3600;

  for (int r = 0; r < RUNS; r++)
    {
      GError *error = NULL;
      double start = now_ms ();
      GArray *days = lactd_store_daily_summary (store, first, last, &night,
                                                &error);
      ours[r] = now_ms () - start;
      check (days != NULL, error);
      g_array_unref (days);
      theirs[r] = run_bare (bare, lo, hi, first, last);
    }
  printf ("  daily_summary %-10s %8.3f ms   bare SQL %8.3f ms   ratio %.2f\n",
          label, median (ours, RUNS), median (theirs, RUNS),
          median (ours, RUNS) / median (theirs, RUNS));
}

static void
bench_queries (const char *dir)
{
  GError *error = NULL;
  g_autofree char *path = fresh_store (dir, "history.db");
  LactdStore *store = lactd_store_open (path, &error);
  guint32 n_sessions = HISTORY_DAYS * PER_DAY;
  guint32 first_julian = 719163 + (guint32) (FIRST_DAY_UNIX / 86400);
  guint32 last_julian = first_julian + HISTORY_DAYS - 1;
  BareQuery summary = { NULL, NULL }, list = { NULL, NULL };
  double ours[RUNS], theirs[RUNS], open_ms[5];
  gint64 year_from, year_to;
  GStatBuf st;

  check (store != NULL, error);
  insert_production (store, n_sessions, PROD_BATCH);
  check (lactd_store_checkpoint (store, &error), error);
  lactd_store_free (store);

  for (int r = 0; r < 5; r++)
    {
      double start = now_ms ();
      store = lactd_store_open (path, &error);
      open_ms[r] = now_ms () - start;
      check (store != NULL, error);
      if (r < 4)
        lactd_store_free (store);
    }

  check_sqlite (summary.db, sqlite3_open (path, &summary.db));
  check_sqlite (summary.db, sqlite3_prepare_v2 (summary.db, BARE_SUMMARY, -1,
                                                &summary.stmt, NULL));
  check_sqlite (list.db, sqlite3_open (path, &list.db));
  check_sqlite (list.db, sqlite3_prepare_v2 (list.db, BARE_LIST, -1,
                                             &list.stmt, NULL));

  printf ("queries over %u sessions (%u days)\n", n_sessions, HISTORY_DAYS);
  printf ("  open (with quick_check)  %8.3f ms\n", median (open_ms, 5));
  bench_summary (store, &summary, "30 days", last_julian - 29, last_julian);
  bench_summary (store, &summary, "all days", first_julian, last_julian);

  year_to = FIRST_DAY_UNIX + (gint64) HISTORY_DAYS * 86400;
  year_from = year_to - 365 * 86400;
  for (int r = 0; r < RUNS; r++)
    {
      double start = now_ms ();
      GArray *sessions = lactd_store_list_sessions (store, year_from, year_to,
                                                    &error);
      ours[r] = now_ms () - start;
      check (sessions != NULL, error);
      if (r == 0)
        printf ("  list_sessions one year: %u sessions\n", sessions->len);
      g_array_unref (sessions);
      theirs[r] = run_bare (&list, year_from, year_to, 0, 0);
    }
  printf ("  list_sessions 1 year  %8.3f ms   bare SQL %8.3f ms   ratio %.2f\n",
          median (ours, RUNS), median (theirs, RUNS),
          median (ours, RUNS) / median (theirs, RUNS));

  sqlite3_finalize (summary.stmt);
  sqlite3_close (summary.db);
  sqlite3_finalize (list.stmt);
  sqlite3_close (list.db);
  check (lactd_store_checkpoint (store, &error), error);
  lactd_store_free (store);
  if (g_stat (path, &st) == 0)
    printf ("size: %lld bytes for %u sessions = %.0f bytes per 10,000 "
            "sessions\n", (long long) st.st_size, n_sessions,
            (double) st.st_size * 10000.0 / n_sessions);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  g_autofree char *dir = NULL;

  dir = g_dir_make_tmp ("lactd-bench-store-XXXXXX", &error);
  check (dir != NULL, error);
  printf ("SQLite %s, temporary directory %s\n", sqlite3_libversion (), dir);
  bench_inserts (dir);
  bench_queries (dir);
  if (!g_getenv ("BENCH_KEEP")) remove_tree (dir);
  return 0;
}
