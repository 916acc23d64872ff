/* test-sync-floods.c — a sensor must not be able to grow lactd's memory,
 * its database or its log at will (issue 11): records sent before the
 * record epoch is known are buffered up to a bound, and a flood of
 * unreadable records is counted exactly but kept (rows) and logged (lines)
 * only up to a bound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-test-util.h"
#include "lactd-sync-private.h"   /* LACTD_SYNC_EARLY_RECORDS_MAX, the buffer */

#include <sqlite3.h>
#include <string.h>

#define PROCEDURE_MS 3000
#define STRAGGLER_MS 300

#define N_EARLY 10000
#define N_FLOOD 20000

/* What erased or garbled flash sends: three bytes, no readable number. */
static const guint8 unreadable[] = { 0x07, 0x00, 0x00 };

static gint64
sql_int (SyncFixture *f, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (lactd_store_get_path (f->store), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* ---------------------------------------------------- early records */

typedef struct {
  SyncFixture *f;
  guint peak;          /* the most records the engine buffered */
  gboolean sent;
} EarlyFlood;

/* Runs right after the engine saw the link come up, before its Features
 * read is answered: everything sent now comes before the epoch is known. */
static void
on_ready_flood (LactdLink *link, GParamSpec *pspec, EarlyFlood *flood)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (unreadable, sizeof unreadable);

  if (!lactd_link_get_ready (link) || flood->sent)
    return;
  flood->sent = TRUE;
  lsp_sim_sensor_set_notifying (flood->f->sensor, LSP_SIM_CHAR_SESSION_RECORD,
                                TRUE);
  for (guint i = 0; i < N_EARLY; i++)
    {
      lsp_sim_sensor_send_raw (flood->f->sensor, LSP_SIM_CHAR_SESSION_RECORD,
                               bytes);
      flood->peak = MAX (flood->peak, flood->f->sync->early_records->len);
    }
}

static void
test_early_records_bounded (void)
{
  SyncFixture f;
  EarlyFlood flood = { &f, 0, FALSE };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 50, 3);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_signal_connect (f.link, "notify::ready", G_CALLBACK (on_ready_flood),
                    &flood);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  g_assert_true (flood.sent);
  g_test_message ("buffered at most %u of %u early records", flood.peak,
                  N_EARLY);
  g_assert_cmpuint (flood.peak, <=, LACTD_SYNC_EARLY_RECORDS_MAX);
  g_assert_cmpuint (f.sync->early_records->len, ==, 0);
  /* The sync itself is untouched by the flood. */
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)),
                    ==, 50);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 50);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  sync_fixture_teardown (&f);
}

/* ------------------------------------------------ unreadable records */

typedef struct {
  guint rejected_lines;   /* "record N rejected" */
  guint summary_lines;    /* "N more records rejected" */
  guint summed;           /* the N of the summaries */
} LogCount;

static void
count_log (const char *domain, GLogLevelFlags level, const char *message,
           gpointer user_data)
{
  LogCount *count = user_data;
  const char *more = strstr (message, " more records rejected");

  if (more != NULL)
    {
      const char *digits = more;

      while (digits > message && g_ascii_isdigit (digits[-1]))
        digits--;
      count->summary_lines++;
      count->summed += (guint) g_ascii_strtoull (digits, NULL, 10);
    }
  else if (strstr (message, " rejected: ") != NULL)
    count->rejected_lines++;
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    g_log_default_handler (domain, level, message, NULL);
}

static gboolean
cond_rejected (SyncFixture *f, gpointer data)
{
  return lactd_sync_get_rejected_records (f->sync) >= GPOINTER_TO_UINT (data);
}

static gboolean
cond_summed (SyncFixture *f, gpointer data)
{
  LogCount *count = data;

  return count->rejected_lines + count->summed >= N_FLOOD;
}

static void
test_unreadable_flood (void)
{
  SyncFixture f;
  LogCount count = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (unreadable, sizeof unreadable);
  guint handler;
  gint64 rows, with_raw, counted;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 10, 1);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  handler = g_log_set_handler ("lactd-sync", G_LOG_LEVEL_MASK |
                               G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                               count_log, &count);
  for (guint i = 0; i < N_FLOOD; i++)
    lsp_sim_sensor_send_raw (f.sensor, LSP_SIM_CHAR_SESSION_RECORD, bytes);
  g_assert_true (sync_wait_until (&f, cond_rejected,
                                  GUINT_TO_POINTER (N_FLOOD), 60000));
  /* The summary line comes once they stop for a second. */
  g_assert_true (sync_wait_until (&f, cond_summed, &count, 5000));
  g_log_remove_handler ("lactd-sync", handler);

  rows = sql_int (&f, "SELECT count(*) FROM rejected_records");
  with_raw = sql_int (&f, "SELECT count(*) FROM rejected_records "
                          "WHERE length(raw) > 0");
  counted = sql_int (&f, "SELECT rejected_count FROM sensors");
  g_test_message ("%u unreadable records: %" G_GINT64_FORMAT " rows (%"
                  G_GINT64_FORMAT " with raw bytes), %" G_GINT64_FORMAT
                  " counted; %u lines one by one, %u summary lines",
                  N_FLOOD, rows, with_raw, counted, count.rejected_lines,
                  count.summary_lines);
  /* Counted exactly, kept and logged within bounds. */
  g_assert_cmpuint (lactd_sync_get_rejected_records (f.sync), ==, N_FLOOD);
  g_assert_cmpint (counted, ==, N_FLOOD);
  g_assert_cmpint (rows, ==, LACTD_STORE_REJECTED_RAW_MAX);
  g_assert_cmpint (with_raw, ==, LACTD_STORE_REJECTED_RAW_MAX);
  g_assert_cmpuint (count.rejected_lines, ==, LACTD_SYNC_REJECTED_LOG_BURST);
  g_assert_cmpuint (count.summary_lines, ==, 1);
  g_assert_cmpuint (count.rejected_lines + count.summed, ==, N_FLOOD);

  /* Readable numbers past the bound keep a row (they must stay handled),
   * without their raw bytes; the sync goes on. */
  {
    g_autoptr(GBytes) bad = NULL;
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;

    lsp_sim_sensor_add_backlog (f.sensor, 1, 1);
    bad = lsp_sim_malformed_packet (LSP_SIM_CHAR_SESSION_RECORD, 0,
                                    lsp_sim_sensor_get_next_seq (f.sensor),
                                    now, NULL);
    lsp_sim_sensor_add_raw_record (f.sensor, bad);
    lsp_sim_sensor_add_backlog (f.sensor, 1, 1);
  }
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 13);
  g_assert_cmpint (sql_int (&f, "SELECT count(*) FROM rejected_records "
                                "WHERE seq = 12 AND length(raw) = 0"), ==, 1);
  g_assert_cmpuint (lactd_sync_get_rejected_records (f.sync), ==, N_FLOOD + 1);
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)),
                    ==, 12);
  sync_fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Faults are logged as warnings on purpose; criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/sync/floods/early-records-bounded",
                   test_early_records_bounded);
  g_test_add_func ("/sync/floods/unreadable-records",
                   test_unreadable_flood);
  return g_test_run ();
}
