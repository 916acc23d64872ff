/* test-sync-storage.c — the sync engine when the store fills up mid-sync
 * (SQLITE_FULL through lactd_store_set_max_page_count): the sync ends in
 * "error" with a Storage error, the sensor is never told to delete a
 * record that is not committed, what was committed stays, and once there
 * is room again the next sync stores the rest exactly once and
 * acknowledges it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-test-util.h"
#include "lactd-sync-private.h"   /* LACTD_SYNC_BATCH_RECORDS */

#include <sqlite3.h>

#define PROCEDURE_MS 3000
#define STRAGGLER_MS 300

/* Records synced before the disk fills, and the backlog that then
 * cannot fit. */
#define N_FIRST 100
#define N_BACKLOG 1000
/* Free pages left when the disk "fills": room for a few batches of
 * LACTD_SYNC_BATCH_RECORDS, far from room for the whole backlog. */
#define HEADROOM_PAGES 24
/* The backlog when the disk is full from the start. */
#define N_FROM_START 400

/* The database's size in pages, as a second connection sees it (the WAL
 * included). */
static guint32
store_page_count (SyncFixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint32 pages;

  g_assert_cmpint (sqlite3_open_v2 (lactd_store_get_path (f->store), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  pages = (guint32) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (pages, >, 0);
  return pages;
}

/* The numbers stored for the sensor in its epoch are exactly 1..n. */
static void
assert_stored_run (SyncFixture *f, guint32 n)
{
  guint32 epoch = lsp_sim_sensor_get_epoch (f->sensor);

  g_assert_cmpuint (sync_count_sessions (f, epoch), ==, n);
  g_assert_cmpuint (sync_count_unhandled (f, epoch, 1, n), ==, 0);
  g_assert_cmpuint (sync_highest_seq (f, epoch), ==, n);
}

static gboolean
cond_sensor_idle (SyncFixture *f, gpointer data)
{
  return !lsp_sim_sensor_get_procedure_running (f->sensor);
}

static void
test_store_full_mid_sync (void)
{
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;
  guint32 pages, committed, highest_deleted, epoch;
  guint total = N_FIRST + N_BACKLOG;

  sync_fixture_setup (&f, 5000);
  epoch = lsp_sim_sensor_get_epoch (f.sensor);
  g_signal_connect (f.sensor, "delete-requested",
                    G_CALLBACK (sync_on_delete_requested), &watch);
  lsp_sim_sensor_add_backlog (f.sensor, N_FIRST, 30);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);

  /* A first sync while there is room. */
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sync_acknowledged (&f), ==, N_FIRST);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, N_FIRST);
  assert_stored_run (&f, N_FIRST);

  /* The disk fills up a few batches into a much bigger backlog. */
  lsp_sim_sensor_add_backlog (f.sensor, N_BACKLOG, 30);
  pages = store_page_count (&f);
  g_test_message ("store: %u pages; limit set to %u", pages,
                  pages + HEADROOM_PAGES);
  g_assert_true (lactd_store_set_max_page_count (f.store,
                                                 pages + HEADROOM_PAGES,
                                                 &error));
  g_assert_no_error (error);

  g_assert_false (sync_run (&f, &error));
  g_assert_error (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_STORAGE);
  g_test_message ("expected failure: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "error");
  g_assert_cmpstr (lactd_sync_get_last_error (f.sync), !=, "");

  /* Let the sensor finish the report the engine gave up on (its records
   * cannot be committed either: each one retries the whole pending lot,
   * which takes a while under valgrind) and the loop settle. */
  g_assert_true (sync_wait_until (&f, cond_sensor_idle, NULL, 120000));
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  /* What was committed stays: the first sync and the batches of this one
   * that fit, as one run of numbers from 1; more than the first sync but
   * far from everything. */
  committed = sync_highest_seq (&f, epoch);
  g_test_message ("committed before the disk was full: %u of %u", committed,
                  total);
  g_assert_cmpuint (committed, >=, N_FIRST + LACTD_SYNC_BATCH_RECORDS);
  g_assert_cmpuint (committed, <, total);
  assert_stored_run (&f, committed);
  g_assert_cmpuint (f.n_session_stored, ==, committed);

  /* The sensor was not told to delete anything not committed: nothing
   * past the first sync at all, as no report completed. */
  highest_deleted = lsp_sim_sensor_get_highest_deleted (f.sensor);
  g_assert_cmpuint (highest_deleted, <=, committed);
  g_assert_cmpuint (highest_deleted, ==, N_FIRST);
  g_assert_cmpuint (sync_count_unhandled (&f, epoch, 1, highest_deleted), ==,
                    0);
  g_assert_cmpuint (sync_acknowledged (&f), ==, N_FIRST);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, N_BACKLOG);
  g_assert_cmpuint (watch.n_violations, ==, 0);

  /* Room again: the next sync stores the rest exactly once and
   * acknowledges everything. */
  g_assert_true (lactd_store_set_max_page_count (f.store, 1u << 30, &error));
  g_assert_no_error (error);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "idle");
  g_assert_cmpstr (lactd_sync_get_last_error (f.sync), ==, "");
  assert_stored_run (&f, total);
  g_assert_cmpuint (f.n_session_stored, ==, total);
  g_assert_cmpuint (sync_acknowledged (&f), ==, total);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, total);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  g_assert_cmpuint (lactd_sync_get_rejected_records (f.sync), ==, 0);
  g_assert_cmpuint (watch.n_violations, ==, 0);
  g_assert_cmpuint (watch.n_deletes, >=, 2);

  /* And nothing comes twice afterwards. */
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  assert_stored_run (&f, total);
  g_assert_cmpuint (f.n_session_stored, ==, total);
  sync_fixture_teardown (&f);
}

/* The disk is already full when the sync starts: not one record fits. */
static void
test_store_full_from_start (void)
{
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;
  guint32 epoch;

  sync_fixture_setup (&f, 1000);
  epoch = lsp_sim_sensor_get_epoch (f.sensor);
  g_signal_connect (f.sensor, "delete-requested",
                    G_CALLBACK (sync_on_delete_requested), &watch);
  lsp_sim_sensor_add_backlog (f.sensor, N_FROM_START, 10);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_wait_until (&f, sync_cond_connected, NULL, 5000));
  /* Below the current size: SQLite keeps the current size as the limit. */
  g_assert_true (lactd_store_set_max_page_count (f.store, 1, &error));
  g_assert_no_error (error);

  g_assert_false (sync_run (&f, &error));
  g_assert_error (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_STORAGE);
  g_clear_error (&error);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "error");
  g_assert_true (sync_wait_until (&f, cond_sensor_idle, NULL, 120000));
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (sync_count_sessions (&f, epoch), ==, 0);
  g_assert_cmpuint (f.n_session_stored, ==, 0);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, 0);
  g_assert_cmpuint (watch.n_deletes, ==, 0);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, N_FROM_START);

  g_assert_true (lactd_store_set_max_page_count (f.store, 1u << 30, &error));
  g_assert_no_error (error);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  assert_stored_run (&f, N_FROM_START);
  g_assert_cmpuint (f.n_session_stored, ==, N_FROM_START);
  g_assert_cmpuint (sync_acknowledged (&f), ==, N_FROM_START);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, N_FROM_START);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "idle");
  g_assert_cmpuint (watch.n_violations, ==, 0);
  sync_fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* A full disk is logged as warnings on purpose; criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/sync/storage/full-mid-sync", test_store_full_mid_sync);
  g_test_add_func ("/sync/storage/full-from-start", test_store_full_from_start);
  return g_test_run ();
}
