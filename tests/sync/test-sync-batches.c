/* test-sync-batches.c — a report's records are committed in batches while
 * the report is still arriving (at the latest LACTD_SYNC_REPORT_FLUSH_MS
 * after the first of a batch), so that after its last record only a small
 * batch is left before the delete; a batch that fails between others
 * acknowledges nothing past what was durably committed before it; and the
 * sessions' announcements never hold up the delete, yet are all out when
 * the run ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-test-util.h"
#include "lactd-sync-private.h"   /* LACTD_SYNC_REPORT_FLUSH_MS, _BATCH_RECORDS */

#define PROCEDURE_MS 3000
#define STRAGGLER_MS 300

/* Fewer than a full batch, spread over a second or more: before, nothing
 * of such a report was committed until it was over. */
#define N_RECORDS 120
#define RECORD_DELAY_MS 10
/* Records the sensor sends in one flush interval, and a margin for the
 * commits themselves and a loaded machine. */
#define RECORDS_PER_FLUSH (LACTD_SYNC_REPORT_FLUSH_MS / RECORD_DELAY_MS)
#define TAIL_MAX (2 * RECORDS_PER_FLUSH + 2)

G_STATIC_ASSERT (N_RECORDS < LACTD_SYNC_BATCH_RECORDS);
G_STATIC_ASSERT (N_RECORDS > 2 * TAIL_MAX);

typedef struct {
  SyncFixture *fixture;
  guint32 epoch;
  guint sent;                 /* Session Records the sensor sent */
  guint stored_at_last;       /* stored when it sent the last one */
  guint32 deleted_at_last;    /* its highest deleted number then */
  guint stored_signals;       /* ::session-stored before the last one */
} ReportWatch;

static void
on_sensor_send (LspSimSensor *sensor, guint ch, GBytes *value,
                ReportWatch *watch)
{
  if (ch != LSP_SIM_CHAR_SESSION_RECORD || ++watch->sent != N_RECORDS)
    return;
  watch->stored_at_last = sync_count_sessions (watch->fixture, watch->epoch);
  watch->deleted_at_last = lsp_sim_sensor_get_highest_deleted (sensor);
  watch->stored_signals = watch->fixture->n_session_stored;
}

static void
assert_stored_run (SyncFixture *f, guint32 epoch, guint32 n)
{
  g_assert_cmpuint (sync_count_sessions (f, epoch), ==, n);
  if (n > 0)
    g_assert_cmpuint (sync_count_unhandled (f, epoch, 1, n), ==, 0);
  g_assert_cmpuint (sync_highest_seq (f, epoch), ==, n);
}

static void
test_committed_during_report (void)
{
  SyncFixture f;
  DeleteWatch deletes = { &f, 0, 0 };
  ReportWatch watch = { &f, 0, 0, 0, 0, 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  watch.epoch = lsp_sim_sensor_get_epoch (f.sensor);
  lsp_sim_sensor_add_backlog (f.sensor, N_RECORDS, 10);
  lsp_sim_sensor_set_record_delay (f.sensor, RECORD_DELAY_MS);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  /* After the link's own handler, which hands the record to the engine. */
  g_signal_connect (f.sensor, "send", G_CALLBACK (on_sensor_send), &watch);
  g_signal_connect (f.sensor, "delete-requested",
                    G_CALLBACK (sync_on_delete_requested), &deletes);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  /* When the sensor sent its last record, all but the last flush
   * interval's worth were already durably stored, and nothing was deleted
   * yet. */
  g_test_message ("stored when the last record went out: %u of %u "
                  "(flush every %u ms, a record every %u ms)",
                  watch.stored_at_last, N_RECORDS, LACTD_SYNC_REPORT_FLUSH_MS,
                  RECORD_DELAY_MS);
  g_assert_cmpuint (watch.sent, ==, N_RECORDS);
  g_assert_cmpuint (watch.stored_at_last, >=, N_RECORDS - TAIL_MAX);
  g_assert_cmpuint (watch.stored_at_last, <, N_RECORDS);
  /* Announced after their commit, never before. */
  g_assert_cmpuint (watch.stored_signals, <=, watch.stored_at_last);
  g_assert_cmpuint (watch.deleted_at_last, ==, 0);

  /* And the run as before: everything stored once, then acknowledged. */
  assert_stored_run (&f, watch.epoch, N_RECORDS);
  g_assert_cmpuint (f.n_session_stored, ==, N_RECORDS);
  g_assert_cmpuint (sync_acknowledged (&f), ==, N_RECORDS);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, N_RECORDS);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  g_assert_cmpuint (deletes.n_deletes, ==, 1);
  g_assert_cmpuint (deletes.n_violations, ==, 0);
  sync_fixture_teardown (&f);
}

/* Halfway through the report, with batches already committed, the next
 * commit fails. */
typedef struct {
  SyncFixture *fixture;
  guint sent;
  guint committed;            /* stored when the fault was set */
} FaultHalfway;

static void
on_send_fault (LspSimSensor *sensor, guint ch, GBytes *value,
               FaultHalfway *fault)
{
  if (ch != LSP_SIM_CHAR_SESSION_RECORD || ++fault->sent != N_RECORDS / 2)
    return;
  fault->committed = sync_count_sessions (fault->fixture,
                                          lsp_sim_sensor_get_epoch (sensor));
  lactd_store_inject_fault (fault->fixture->store,
                            LACTD_STORE_FAULT_BATCH_COMMIT, 1);
}

static gboolean
cond_sensor_idle (SyncFixture *f, gpointer data)
{
  return !lsp_sim_sensor_get_procedure_running (f->sensor);
}

static void
test_failure_between_batches (void)
{
  SyncFixture f;
  DeleteWatch deletes = { &f, 0, 0 };
  FaultHalfway fault = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;
  guint32 epoch;
  gulong handler;

  sync_fixture_setup (&f, 1000);
  epoch = lsp_sim_sensor_get_epoch (f.sensor);
  lsp_sim_sensor_add_backlog (f.sensor, N_RECORDS, 10);
  lsp_sim_sensor_set_record_delay (f.sensor, RECORD_DELAY_MS);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  handler = g_signal_connect (f.sensor, "send", G_CALLBACK (on_send_fault),
                              &fault);
  g_signal_connect (f.sensor, "delete-requested",
                    G_CALLBACK (sync_on_delete_requested), &deletes);

  g_assert_false (sync_run (&f, &error));
  g_assert_error (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_STORAGE);
  g_test_message ("expected failure: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "error");
  g_assert_true (sync_wait_until (&f, cond_sensor_idle, NULL, 30000));
  g_signal_handler_disconnect (f.sensor, handler);

  /* The first batch stays, nothing after it was kept, and the sensor was
   * told to delete nothing: the report never completed. */
  g_test_message ("committed before the failing batch: %u of %u",
                  fault.committed, N_RECORDS);
  g_assert_cmpuint (fault.committed, >, 0);
  g_assert_cmpuint (fault.committed, <, N_RECORDS);
  assert_stored_run (&f, epoch, fault.committed);
  g_assert_cmpuint (f.n_session_stored, ==, fault.committed);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 0);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, 0);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, N_RECORDS);
  g_assert_cmpuint (deletes.n_deletes, ==, 0);

  /* The next sync stores the rest exactly once and acknowledges all. */
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  assert_stored_run (&f, epoch, N_RECORDS);
  g_assert_cmpuint (f.n_session_stored, ==, N_RECORDS);
  g_assert_cmpuint (sync_acknowledged (&f), ==, N_RECORDS);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, N_RECORDS);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
  g_assert_cmpuint (deletes.n_violations, ==, 0);
  sync_fixture_teardown (&f);
}

/* What the sensor saw when it accepted the delete. */
typedef struct {
  SyncFixture *fixture;
  guint announced_at_delete;
  guint stored_at_delete;
} DeleteMoment;

static void
on_delete_moment (LspSimSensor *sensor, guint upto, DeleteMoment *moment)
{
  moment->announced_at_delete = moment->fixture->n_session_stored;
  moment->stored_at_delete =
    sync_count_sessions (moment->fixture, lsp_sim_sensor_get_epoch (sensor));
}

/* A report that arrives in one burst: its records are committed at its
 * end, and the delete goes out before their announcements, which wait
 * below every notification and timer; the run ends once all are out. */
static void
test_delete_before_announcements (void)
{
  SyncFixture f;
  DeleteWatch deletes = { &f, 0, 0 };
  DeleteMoment moment = { &f, 0, 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, N_RECORDS, 10);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_signal_connect (f.sensor, "delete-requested",
                    G_CALLBACK (sync_on_delete_requested), &deletes);
  g_signal_connect (f.sensor, "delete-requested",
                    G_CALLBACK (on_delete_moment), &moment);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_test_message ("at the delete: %u stored, %u announced",
                  moment.stored_at_delete, moment.announced_at_delete);
  g_assert_cmpuint (moment.stored_at_delete, ==, N_RECORDS);
  g_assert_cmpuint (moment.announced_at_delete, <, N_RECORDS);
  g_assert_cmpuint (f.n_session_stored, ==, N_RECORDS);
  g_assert_cmpuint (sync_acknowledged (&f), ==, N_RECORDS);
  g_assert_cmpuint (deletes.n_deletes, ==, 1);
  g_assert_cmpuint (deletes.n_violations, ==, 0);
  sync_fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The failing commit is logged as a warning on purpose; criticals stay
   * fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/sync/batches/committed-during-report",
                   test_committed_during_report);
  g_test_add_func ("/sync/batches/failure-between-batches",
                   test_failure_between_batches);
  g_test_add_func ("/sync/batches/delete-before-announcements",
                   test_delete_before_announcements);
  return g_test_run ();
}
