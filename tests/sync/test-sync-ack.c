/* test-sync-ack.c — what step 4 may acknowledge (lsp-v1, turn 2): a record
 * not yet seen is never deleted on the sensor, whether it is late (after
 * the straggler window) or lost in transit; what is missing then is not
 * counted as lost and the engine syncs again a few seconds later. Also:
 * 0xFFFFFFFF (erased flash) is unreadable, a gap of more than 100,000 is
 * a sensor fault, a store that cannot read back what it holds stops the
 * delete, and an epoch that changed under a live link is noticed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-test-util.h"

#include <string.h>

#define PROCEDURE_MS 3000
#define STRAGGLER_MS 300
/* Later than the straggler window. */
#define LATE_MS 900
#define RERUN_MS 200

static gboolean
cond_acknowledged (SyncFixture *f, gpointer data)
{
  return sync_acknowledged (f) >= GPOINTER_TO_UINT (data) &&
         g_strcmp0 (lactd_sync_get_state (f->sync), "idle") == 0;
}

static void
assert_all_synced (SyncFixture *f, DeleteWatch *watch, guint total)
{
  g_assert_cmpuint (sync_count_sessions (f, lsp_sim_sensor_get_epoch (f->sensor)),
                    ==, total);
  g_assert_cmpuint (sync_acknowledged (f), ==, total);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f->sensor), ==, 0);
  g_assert_cmpuint (watch->n_violations, ==, 0);
  g_assert_cmpuint (lactd_sync_get_lost_records (f->sync), ==, 0);
}

static void
connect_watched (SyncFixture *f, DeleteWatch *watch)
{
  g_signal_connect (f->sensor, "delete-requested",
                    G_CALLBACK (sync_on_delete_requested), watch);
  sync_fixture_connect (f, PROCEDURE_MS, STRAGGLER_MS);
  lactd_sync_set_rerun_delay (f->sync, RERUN_MS);
}

/* The report's first record comes after the straggler window: today's
 * issue 11. Nothing below it may be deleted, nothing is lost. With
 * `reorder`, the late one is anywhere in the report, so a run below it is
 * acknowledged first and it arrives after that acknowledgement. */
static void
test_late_record (gconstpointer data)
{
  gboolean reorder = GPOINTER_TO_INT (data);
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 40, 2);
  lsp_sim_sensor_set_reorder (f.sensor, reorder);
  lsp_sim_sensor_set_stragglers (f.sensor, 1, LATE_MS);
  lsp_sim_sensor_set_stragglers_lowest (f.sensor, TRUE);
  connect_watched (&f, &watch);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (watch.n_violations, ==, 0);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), >=, 1);
  if (!reorder)
    g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, 0);

  /* The late one lands, and the engine syncs again by itself. */
  lsp_sim_sensor_set_stragglers (f.sensor, 0, 0);
  g_assert_true (sync_wait_until (&f, cond_acknowledged, GUINT_TO_POINTER (40),
                                  10000));
  assert_all_synced (&f, &watch, 40);
  g_assert_cmpuint (f.n_session_stored, ==, 40);
  g_assert_cmpuint (f.n_syncing, >=, 2);
  sync_fixture_teardown (&f);
}

/* A record of the report never arrives (lost with the radio): the count
 * says N, fewer come. Not lost on the sensor, never deleted unseen. */
static void
test_lost_in_transit (gconstpointer data)
{
  guint32 lost_seq = GPOINTER_TO_UINT (data);
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 40, 2);
  lsp_sim_sensor_lose_in_transit (f.sensor, lost_seq);
  connect_watched (&f, &watch);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  /* Only the run below the missing one was acknowledged. */
  g_assert_cmpuint (sync_acknowledged (&f), ==, lost_seq - 1);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==,
                    lost_seq - 1);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  g_assert_cmpuint (watch.n_violations, ==, 0);

  g_assert_true (sync_wait_until (&f, cond_acknowledged, GUINT_TO_POINTER (40),
                                  10000));
  assert_all_synced (&f, &watch, 40);
  sync_fixture_teardown (&f);
}

/* A record that keeps not arriving: a few reruns, then an error that says
 * so; it stays on the sensor, nothing is counted lost. */
static void
test_short_reports_give_up (void)
{
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 10, 2);
  /* Always far too late: every report is short of record 1. */
  lsp_sim_sensor_set_stragglers (f.sensor, 1, 60000);
  lsp_sim_sensor_set_stragglers_lowest (f.sensor, TRUE);
  connect_watched (&f, &watch);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_true (sync_wait_until (&f, sync_cond_state_error, NULL, 10000));
  g_test_message ("last error: %s", lactd_sync_get_last_error (f.sync));
  g_assert_nonnull (strstr (lactd_sync_get_last_error (f.sync),
                            "only 9 arrived"));
  /* 1 + LACTD_SYNC_PARTIAL_RERUNS runs, then no more by itself. */
  g_assert_cmpuint (f.n_syncing, ==, 4);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, 0);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 10);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  g_assert_cmpuint (watch.n_violations, ==, 0);
  sync_fixture_teardown (&f);
}

/* ------------------------------------------------- numbers on the wire */

static GBytes *
record_numbered (guint32 seq)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  lsp_record record = {
    .seq = seq, .start_utc = (guint32) (now - 3600),
    .kind = LSP_RECORD_KIND_PUMP, .seconds_left = 300,
    .volume_left = { TRUE, 120 },
  };
  guint8 buf[LSP_RECORD_LEN];

  if (seq == LSP_RECORD_SEQ_ERASED)
    {
      /* The encoder refuses it: patch a valid record's number. */
      record.seq = 1;
      g_assert_cmpint (lsp_record_encode (&record, now, buf), ==, LSP_OK);
      memset (buf, 0xFF, 4);
    }
  else
    g_assert_cmpint (lsp_record_encode (&record, now, buf), ==, LSP_OK);
  return g_bytes_new (buf, sizeof buf);
}

static void
add_numbered (SyncFixture *f, guint32 first, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) raw = record_numbered (first + i);

      lsp_sim_sensor_add_raw_record (f->sensor, raw);
    }
}

static gboolean
session_stored_with (SyncFixture *f, guint32 seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sessions = lactd_store_list_sessions (f->store, 0,
                                                          G_MAXINT64, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < sessions->len; i++)
    if (g_array_index (sessions, LactdSession, i).seq == seq)
      return TRUE;
  return FALSE;
}

/* Erased flash reads 0xFFFFFFFF: rejected as unreadable, it handles no
 * number, so it is never deleted on the strength of being "seen". */
static void
test_erased_flash (void)
{
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  add_numbered (&f, 1, 3);
  add_numbered (&f, LSP_RECORD_SEQ_ERASED, 1);   /* the sensor's number 4 */
  add_numbered (&f, 5, 2);
  connect_watched (&f, &watch);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_false (session_stored_with (&f, LSP_RECORD_SEQ_ERASED));
  g_assert_cmpuint (lactd_sync_get_rejected_records (f.sync), >=, 1);
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)),
                    ==, 5);
  /* 1-3 acknowledged; the unreadable one and what follows stay. */
  g_assert_cmpuint (sync_acknowledged (&f), ==, 3);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, 3);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 3);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  g_assert_cmpuint (watch.n_violations, ==, 0);
  sync_fixture_teardown (&f);
}

/* Numbers starting far above last+1: more than 100,000 missing is a sensor
 * fault (LastError, nothing acknowledged, no loss); exactly 100,000 is a
 * loss on the sensor, counted. */
static void
test_gap (gconstpointer data)
{
  guint32 gap = GPOINTER_TO_UINT (data);
  gboolean fault = gap > LSP_SYNC_MAX_GAP;
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  sync_fixture_setup (&f, 1000);
  add_numbered (&f, gap + 1, 5);
  connect_watched (&f, &watch);

  ok = sync_run (&f, &error);
  if (fault)
    {
      g_assert_false (ok);
      g_assert_error (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_FAILED);
      g_test_message ("expected: %s", error->message);
      g_assert_nonnull (strstr (lactd_sync_get_last_error (f.sync),
                                "sensor fault"));
      g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, 0);
      g_assert_cmpuint (sync_acknowledged (&f), ==, 0);
      g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (sync_acknowledged (&f), ==, gap + 5);
      g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, gap);
    }
  /* Stored either way: every drop counts. (The delete of a loss covers
   * the numbers the sensor no longer holds, so the watch only counts for
   * the fault.) */
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)),
                    ==, 5);
  g_assert_cmpuint (watch.n_violations, ==, fault ? 0 : 1);
  sync_fixture_teardown (&f);
}

/* ------------------------------------------------------------ store */

/* The store cannot read back what it holds just before the delete: the
 * "never delete what is not stored" check fails closed. */
static void
test_store_read_fails (gconstpointer data)
{
  LactdStoreFault fault = GPOINTER_TO_UINT (data);
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 40, 2);
  connect_watched (&f, &watch);
  lactd_store_inject_fault (f.store, fault, 1);

  g_assert_false (sync_run (&f, &error));
  g_assert_error (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_STORAGE);
  g_test_message ("expected: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "error");
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, 0);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 40);
  g_assert_cmpuint (watch.n_deletes, ==, 0);

  /* The disk reads again: everything once, acknowledged. */
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  assert_all_synced (&f, &watch, 40);
  sync_fixture_teardown (&f);
}

/* A loss below the report needs a read too: failing it stops the delete
 * rather than hiding the loss. */
static void
test_loss_read_fails (void)
{
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 20);
  lsp_sim_sensor_add_backlog (f.sensor, 50, 2);   /* 30 overwritten */
  connect_watched (&f, &watch);
  lactd_store_inject_fault (f.store, LACTD_STORE_FAULT_COUNT_UNHANDLED, 1);
  g_assert_false (sync_run (&f, &error));
  g_assert_error (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_STORAGE);
  g_clear_error (&error);
  g_assert_cmpuint (watch.n_deletes, ==, 0);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 30);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 50);
  sync_fixture_teardown (&f);
}

/* ------------------------------------------------------------ epoch */

/* The sensor erases its store and restarts its numbering without dropping
 * the link: the next run reads Sensor Features again and syncs the new
 * epoch instead of asking it for numbers after the old epoch's last. */
static void
test_epoch_changes_under_link (void)
{
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;
  guint32 old_epoch, new_epoch;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 30, 2);
  connect_watched (&f, &watch);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  old_epoch = lsp_sim_sensor_get_epoch (f.sensor);

  lsp_sim_sensor_reset_epoch (f.sensor);
  new_epoch = lsp_sim_sensor_get_epoch (f.sensor);
  lsp_sim_sensor_add_backlog (f.sensor, 6, 1);
  g_assert_true (lactd_sync_get_connected (f.sync));
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (sync_count_sessions (&f, old_epoch), ==, 30);
  g_assert_cmpuint (sync_count_sessions (&f, new_epoch), ==, 6);
  g_assert_cmpuint (sync_acknowledged_in (&f, new_epoch), ==, 6);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  sync_fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Faults are logged as warnings on purpose; criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_data_func ("/sync/ack/first-record-late", GINT_TO_POINTER (FALSE),
                        test_late_record);
  g_test_add_data_func ("/sync/ack/record-late-after-acknowledgement",
                        GINT_TO_POINTER (TRUE), test_late_record);
  g_test_add_data_func ("/sync/ack/first-record-lost-in-transit",
                        GUINT_TO_POINTER (1), test_lost_in_transit);
  g_test_add_data_func ("/sync/ack/middle-record-lost-in-transit",
                        GUINT_TO_POINTER (17), test_lost_in_transit);
  g_test_add_func ("/sync/ack/short-reports-give-up",
                   test_short_reports_give_up);
  g_test_add_func ("/sync/ack/erased-flash", test_erased_flash);
  g_test_add_data_func ("/sync/ack/gap-is-sensor-fault",
                        GUINT_TO_POINTER (LSP_SYNC_MAX_GAP + 1), test_gap);
  g_test_add_data_func ("/sync/ack/gap-is-loss",
                        GUINT_TO_POINTER (LSP_SYNC_MAX_GAP), test_gap);
  g_test_add_data_func ("/sync/ack/store-recheck-fails",
                        GUINT_TO_POINTER (LACTD_STORE_FAULT_COUNT_UNHANDLED),
                        test_store_read_fails);
  g_test_add_data_func ("/sync/ack/store-acknowledged-read-fails",
                        GUINT_TO_POINTER (LACTD_STORE_FAULT_READ_ACKNOWLEDGED),
                        test_store_read_fails);
  g_test_add_func ("/sync/ack/loss-read-fails", test_loss_read_fails);
  g_test_add_func ("/sync/ack/epoch-changes-under-link",
                   test_epoch_changes_under_link);
  return g_test_run ();
}
