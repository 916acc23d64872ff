/* test-sync-faults.c — the sync engine when things go wrong: links
 * dropped mid-sync, malformed records and packets, RACP errors and
 * silence. Whatever happens, every record is stored exactly once and the
 * sensor is only told to delete what is committed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-test-util.h"

#include <string.h>

#define PROCEDURE_MS 3000
#define STRAGGLER_MS 300

/* ----------------------------------------------------- dropped links */

typedef struct {
  gboolean done;
  gboolean ok;
} RunWaiter;

static void
run_waiter_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RunWaiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  waiter->ok = lactd_sync_run_finish (LACTD_SYNC (source), result, &error);
  if (!waiter->ok)
    g_assert_true (g_error_matches (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_FAILED) ||
                   g_error_matches (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_NOT_CONNECTED));
  waiter->done = TRUE;
}

static gboolean
cond_run_waiter (SyncFixture *f, gpointer data)
{
  return ((RunWaiter *) data)->done;
}

static gboolean
drop_cb (gpointer user_data)
{
  SyncFixture *f = user_data;

  lactd_sim_link_set_connected (f->link, FALSE);
  return G_SOURCE_REMOVE;
}

static void
test_dropped_links (void)
{
  SyncFixture f;
  DeleteWatch watch = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;
  guint total = 600;
  guint n_failed = 0;

  sync_fixture_setup (&f, 5000);
  lsp_sim_sensor_add_backlog (f.sensor, total, 10);
  g_signal_connect (f.sensor, "delete-requested",
                    G_CALLBACK (sync_on_delete_requested), &watch);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  lactd_sim_link_set_auto_reconnect (f.link, FALSE);
  /* A report takes a while, so that timed drops land inside it. */
  lsp_sim_sensor_set_record_delay (f.sensor, 1);

  for (guint i = 0; i < 50; i++)
    {
      RunWaiter waiter = { 0 };
      guint drop_timer = 0;
      guint n_new;

      /* The sensor drops after K records of the report, or the link
       * drops after a random while (during step 1, the count, the report
       * or the delete), or nothing happens. */
      if (i % 4 == 0 || i % 4 == 2)
        {
          gint32 n = (gint32) lsp_sim_sensor_get_n_records (f.sensor);

          lsp_sim_sensor_stop_after (f.sensor,
                                     (guint) g_test_rand_int_range (1, n + 1));
        }
      lactd_sim_link_set_connected (f.link, TRUE);
      g_assert_true (sync_wait_until (&f, sync_cond_connected, NULL, 5000));
      if (i % 4 == 1)
        drop_timer = g_timeout_add ((guint) g_test_rand_int_range (0, 60),
                                    drop_cb, &f);
      /* i % 4 == 3: undisturbed, so deletes happen along the way. */
      lactd_sync_run_async (f.sync, NULL, run_waiter_done, &waiter);
      g_assert_true (sync_wait_until (&f, cond_run_waiter, &waiter, 20000));
      if (!waiter.ok)
        n_failed++;
      lsp_sim_sensor_stop_after (f.sensor, 0);
      if (drop_timer != 0 && lactd_sync_get_connected (f.sync))
        g_source_remove (drop_timer);
      lactd_sim_link_set_connected (f.link, FALSE);
      /* New records keep coming while the link is away. */
      n_new = (guint) g_test_rand_int_range (5, 60);
      lsp_sim_sensor_add_backlog (f.sensor, n_new, 1);
      total += n_new;
    }
  g_test_message ("%u of 50 runs broken off, %u deletes", n_failed,
                  watch.n_deletes);
  g_assert_cmpuint (n_failed, >=, 20);
  g_assert_cmpuint (watch.n_deletes, >=, 5);

  lactd_sim_link_set_connected (f.link, TRUE);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, total);
  g_assert_cmpuint (f.n_session_stored, ==, total);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  g_assert_cmpuint (sync_acknowledged (&f), ==, total);
  g_assert_cmpuint (watch.n_violations, ==, 0);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  sync_fixture_teardown (&f);
}

/* ------------------------------------------------- malformed records */

static void
test_malformed_records (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_kinds = lsp_sim_malformed_count (LSP_SIM_CHAR_SESSION_RECORD);
  guint n_bad = 0, n_good = 0, n_unreadable = 0;
  g_autoptr(GBytes) tiny = NULL;
  g_autoptr(GBytes) seq_zero = NULL;

  sync_fixture_setup (&f, 1000);
  for (guint v = 0; v < n_kinds; v++)
    {
      g_autoptr(GBytes) bad = NULL;
      guint32 seq;
      lsp_status expected;

      lsp_sim_sensor_add_backlog (f.sensor, 2, 1);
      n_good += 2;
      seq = lsp_sim_sensor_get_next_seq (f.sensor);
      bad = lsp_sim_malformed_packet (LSP_SIM_CHAR_SESSION_RECORD, v, seq, now,
                                      &expected);
      g_assert_cmpint (expected, !=, LSP_OK);
      if (!lsp_record_peek_seq (g_bytes_get_data (bad, NULL),
                                g_bytes_get_size (bad), NULL))
        {
          /* Its number cannot be read: sent on its own, below. */
          n_unreadable++;
          continue;
        }
      lsp_sim_sensor_add_raw_record (f.sensor, bad);
      n_bad++;
    }
  g_assert_cmpuint (n_unreadable, ==, 2);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, n_good);
  g_assert_cmpuint (lactd_sync_get_rejected_records (f.sync), ==, n_bad);
  /* Rejected numbers count as handled, so all are acknowledged. */
  g_assert_cmpuint (sync_acknowledged (&f), ==, n_good + n_bad);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "idle");

  /* Records whose number cannot be read are kept too, handling none. */
  tiny = lsp_sim_malformed_packet (LSP_SIM_CHAR_SESSION_RECORD, 2, 0, now, NULL);
  seq_zero = lsp_sim_malformed_packet (LSP_SIM_CHAR_SESSION_RECORD, 3, 0, now, NULL);
  g_assert_cmpuint (g_bytes_get_size (tiny), <, 4);
  lsp_sim_sensor_send_raw (f.sensor, LSP_SIM_CHAR_SESSION_RECORD, tiny);
  lsp_sim_sensor_send_raw (f.sensor, LSP_SIM_CHAR_SESSION_RECORD, seq_zero);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lactd_sync_get_rejected_records (f.sync), ==, n_bad + 2);
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, n_good);
  g_assert_cmpuint (f.n_malformed_signals, ==, 0);
  sync_fixture_teardown (&f);
}

static gboolean
cond_counts (SyncFixture *f, gpointer data)
{
  guint *expected = data;

  return lactd_sync_get_malformed_packets (f->sync) >= expected[0] &&
         lactd_sync_get_rejected_records (f->sync) >= expected[1];
}

static void
test_malformed_packets (void)
{
  static const LspSimChar chars[] = {
    LSP_SIM_CHAR_LIVE_PROGRESS, LSP_SIM_CHAR_SESSION_RECORD,
    LSP_SIM_CHAR_RACP, LSP_SIM_CHAR_BATTERY_LEVEL,
  };
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint expected[2] = { 0, 0 };   /* malformed packets, rejected records */

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 10, 1);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  lsp_sim_sensor_set_battery (f.sensor, 77);

  for (guint i = 0; i < 1000; i++)
    {
      LspSimChar ch = chars[i % G_N_ELEMENTS (chars)];
      guint variant = (i / G_N_ELEMENTS (chars)) % lsp_sim_malformed_count (ch);
      /* Numbers far above the sensor's, one per record. */
      g_autoptr(GBytes) packet = lsp_sim_malformed_packet (ch, variant,
                                                           100000 + i, now,
                                                           NULL);

      lsp_sim_sensor_send_raw (f.sensor, ch, packet);
      if (ch == LSP_SIM_CHAR_SESSION_RECORD)
        expected[1]++;
      else
        expected[0]++;
    }
  g_assert_true (sync_wait_until (&f, cond_counts, expected, 10000));
  g_assert_cmpuint (lactd_sync_get_malformed_packets (f.sync), ==, expected[0]);
  g_assert_cmpuint (f.n_malformed_signals, ==, expected[0]);
  g_assert_cmpuint (lactd_sync_get_rejected_records (f.sync), ==, expected[1]);
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, 10);
  /* Bad battery packets changed nothing; the engine still syncs. */
  g_assert_cmpuint (lactd_sync_get_battery (f.sync), ==, 77);
  lsp_sim_sensor_add_backlog (f.sensor, 3, 1);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, 13);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 13);
  sync_fixture_teardown (&f);
}

/* ---------------------------------------------- RACP errors, silence */

static void
expect_failure (SyncFixture *f, const char *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sync_run (f, &error));
  g_assert_error (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_FAILED);
  g_test_message ("expected failure: %s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_cmpstr (lactd_sync_get_state (f->sync), ==, "error");
  g_assert_cmpstr (lactd_sync_get_last_error (f->sync), ==, error->message);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f->sensor), ==, 0);
  g_assert_cmpuint (sync_acknowledged (f), ==, 0);
}

static void
test_racp_errors (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 40, 2);
  lsp_sim_sensor_inject_racp_fault (f.sensor, LSP_RACP_REPORT_COUNT,
                                    LSP_SIM_RACP_FAULT_RESPONSE,
                                    LSP_RACP_RSP_NOT_COMPLETED);
  sync_fixture_connect (&f, 400, STRAGGLER_MS);
  expect_failure (&f, "procedure not completed");
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 40);

  /* The report refused. */
  lsp_sim_sensor_inject_racp_fault (f.sensor, LSP_RACP_REPORT,
                                    LSP_SIM_RACP_FAULT_RESPONSE,
                                    LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED);
  expect_failure (&f, "operator not supported");

  /* The delete refused: the records are stored, not acknowledged. */
  lsp_sim_sensor_inject_racp_fault (f.sensor, LSP_RACP_DELETE,
                                    LSP_SIM_RACP_FAULT_RESPONSE,
                                    LSP_RACP_RSP_INVALID_OPERAND);
  expect_failure (&f, "invalid operand");
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, 40);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 40);

  /* A write refused with an ATT error. */
  lsp_sim_sensor_inject_racp_fault (f.sensor, 0, LSP_SIM_RACP_FAULT_WRITE_ERROR,
                                    0x81);
  expect_failure (&f, "0x81");

  /* Silence: the procedure times out and is aborted. */
  lsp_sim_sensor_inject_racp_fault (f.sensor, LSP_RACP_REPORT,
                                    LSP_SIM_RACP_FAULT_SILENT, 0);
  expect_failure (&f, "did not answer");
  lsp_sim_sensor_inject_racp_fault (f.sensor, LSP_RACP_DELETE,
                                    LSP_SIM_RACP_FAULT_SILENT, 0);
  expect_failure (&f, "did not answer");

  /* Indications switched off on the sensor's side: CCCD error. */
  lsp_sim_sensor_set_notifying (f.sensor, LSP_SIM_CHAR_RACP, FALSE);
  expect_failure (&f, "0xfd");
  lsp_sim_sensor_set_notifying (f.sensor, LSP_SIM_CHAR_RACP, TRUE);

  /* And then all is well: stored once, acknowledged, deleted. */
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "idle");
  g_assert_cmpstr (lactd_sync_get_last_error (f.sync), ==, "");
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, 40);
  g_assert_cmpuint (f.n_session_stored, ==, 40);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 40);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  sync_fixture_teardown (&f);
}

/* A report still running that nobody waits for (its daemon was killed
 * while bluetoothd kept the link): the count meets ATT 0xFE, so the engine
 * aborts that report, waits for the abort's 0x06 and counts again. */
static void
test_leftover_procedure (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  const guint8 report_all[] = { LSP_RACP_REPORT, LSP_RACP_OP_ALL };

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 40, 2);
  lsp_sim_sensor_set_record_delay (f.sensor, 20);
  lsp_sim_sensor_set_notifying (f.sensor, LSP_SIM_CHAR_RACP, TRUE);
  g_assert_cmpuint (lsp_sim_sensor_write (f.sensor, LSP_SIM_CHAR_RACP,
                                          report_all, sizeof report_all),
                    ==, 0);
  g_assert_true (lsp_sim_sensor_get_procedure_running (f.sensor));

  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, 40);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 40);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  g_assert_false (lsp_sim_sensor_get_procedure_running (f.sensor));
  sync_fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Faults are logged as warnings on purpose; criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/sync/dropped-links", test_dropped_links);
  g_test_add_func ("/sync/malformed-records", test_malformed_records);
  g_test_add_func ("/sync/malformed-packets", test_malformed_packets);
  g_test_add_func ("/sync/racp-errors", test_racp_errors);
  g_test_add_func ("/sync/leftover-procedure", test_leftover_procedure);
  return g_test_run ();
}
