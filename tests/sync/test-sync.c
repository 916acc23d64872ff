/* test-sync.c — the sync engine over the simulated sensor: the normal
 * paths (backlog, live session, stragglers, reordering, epoch reset, lost
 * records, identity and clock, concurrent requests).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-test-util.h"

#define PROCEDURE_MS 3000
#define STRAGGLER_MS 1000

static void
assert_synced (SyncFixture *f, guint n_expected)
{
  g_assert_cmpuint (sync_count_sessions (f, lsp_sim_sensor_get_epoch (f->sensor)),
                    ==, n_expected);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f->sensor), ==, 0);
  g_assert_cmpuint (sync_acknowledged (f), ==,
                    lsp_sim_sensor_get_next_seq (f->sensor) - 1);
  g_assert_cmpstr (lactd_sync_get_state (f->sync), ==, "idle");
  g_assert_cmpstr (lactd_sync_get_last_error (f->sync), ==, "");
}

static void
test_backlog_500 (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 500, 14);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  assert_synced (&f, 500);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 500);
  g_assert_cmpuint (f.n_session_stored, ==, 500);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (f.sensor), ==, 500);
  g_assert_cmpint (lactd_sync_get_last_sync (f.sync), >, 0);

  /* Nothing new: nothing stored twice, nothing signalled. */
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  assert_synced (&f, 500);
  g_assert_cmpuint (f.n_session_stored, ==, 500);
  sync_fixture_teardown (&f);
}

static void
test_identity_and_clock (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdSensorRow) row = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  lsp_device_time skewed = { (guint32) (g_get_real_time () / G_USEC_PER_SEC - 3600),
                             TRUE, 20 };
  lsp_device_time after;

  sync_fixture_setup (&f, 100);
  lsp_sim_sensor_set_device_time (f.sensor, &skewed);
  lsp_sim_sensor_set_battery (f.sensor, 64);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (lactd_sync_get_kind (f.sync), ==, "pump");
  g_assert_cmpstr (lactd_sync_get_model (f.sync), ==, "LSP-Sim pump");
  g_assert_cmpstr (lactd_sync_get_firmware (f.sync), ==, "1.0.0-sim");
  g_assert_cmpuint (lactd_sync_get_battery (f.sync), ==, 64);
  row = lactd_store_get_sensor (f.store, TEST_ADDRESS, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (row->model, ==, "LSP-Sim pump");
  g_assert_cmpstr (row->kind, ==, "pump");
  g_assert_cmpstr (row->name, ==, "Test sensor");
  g_assert_cmpuint (row->epoch, ==, lsp_sim_sensor_get_epoch (f.sensor));

  /* The clock was an hour off with a wrong offset: set to the host's. */
  lsp_sim_sensor_get_device_time (f.sensor, &after);
  g_assert_cmpint (ABS ((gint64) after.utc - g_get_real_time () / G_USEC_PER_SEC), <=, 2);
  g_assert_true (after.utc_offset_known);
  g_assert_cmpint (after.utc_offset_quarters * 15 * G_TIME_SPAN_MINUTE, ==,
                   g_date_time_get_utc_offset (now));

  /* Battery notifications follow. */
  lsp_sim_sensor_set_battery (f.sensor, 12);
  g_assert_cmpuint (lactd_sync_get_battery (f.sync), ==, 12);
  sync_fixture_teardown (&f);
}

static gboolean
cond_sessions (SyncFixture *f, gpointer data)
{
  return f->n_session_stored >= GPOINTER_TO_UINT (data) &&
         g_strcmp0 (lactd_sync_get_state (f->sync), "idle") == 0;
}

static void
test_live_session (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sessions = NULL;
  LspSimSession session = {
    .kind = LSP_RECORD_KIND_PUMP, .side = LSP_SIDE_BOTH, .double_sided = TRUE,
    .duration_s = 60, .volume_left_tenths = 250, .volume_right_tenths = 230,
    .supplement_tenths = LSP_NOT_MEASURED, .suction = 6,
  };
  gint64 t0;

  sync_fixture_setup (&f, 100);
  lsp_sim_sensor_set_speed (f.sensor, 200.0);   /* 60 s in 0.3 s */
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f.n_session_stored, ==, 0);

  t0 = g_get_monotonic_time ();
  g_assert_true (lsp_sim_sensor_start_session (f.sensor, &session));
  /* Stored without anyone asking, within seconds of its end. */
  g_assert_true (sync_wait_until (&f, cond_sessions, GUINT_TO_POINTER (1), 5000));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (f.n_live, >=, 50);
  g_assert_false (f.last_live_active);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);

  sessions = lactd_store_list_sessions (f.store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 1);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 0).volume_left_tenths, ==, 250);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 0).supplement_tenths, ==,
                   LACTD_VOLUME_NONE);
  g_assert_cmpuint (g_array_index (sessions, LactdSession, 0).duration_left, ==, 60);
  g_assert_true (g_array_index (sessions, LactdSession, 0).double_sided);
  sync_fixture_teardown (&f);
}

static void
test_stragglers (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 120, 7);
  /* The last 6 records come after the 0x06, 80 ms apart. */
  lsp_sim_sensor_set_stragglers (f.sensor, 6, 80);
  lsp_sim_sensor_set_record_delay (f.sensor, 1);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  assert_synced (&f, 120);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 120);
  sync_fixture_teardown (&f);
}

static void
test_reordered (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 300, 10);
  lsp_sim_sensor_set_reorder (f.sensor, TRUE);
  lsp_sim_sensor_set_stragglers (f.sensor, 3, 20);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  assert_synced (&f, 300);
  sync_fixture_teardown (&f);
}

static void
test_epoch_reset (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  guint32 old_epoch, new_epoch;

  sync_fixture_setup (&f, 200);
  lsp_sim_sensor_add_backlog (f.sensor, 20, 3);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  old_epoch = lsp_sim_sensor_get_epoch (f.sensor);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 20);

  /* The sensor erases its store, numbers from 1 again, and reboots. */
  lsp_sim_sensor_reset_epoch (f.sensor);
  new_epoch = lsp_sim_sensor_get_epoch (f.sensor);
  g_assert_cmpuint (new_epoch, !=, old_epoch);
  lsp_sim_sensor_add_backlog (f.sensor, 7, 1);
  lsp_sim_sensor_reboot (f.sensor);
  g_assert_true (sync_wait_until (&f, sync_cond_disconnected, NULL, 1000));
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (sync_count_sessions (&f, old_epoch), ==, 20);
  g_assert_cmpuint (sync_count_sessions (&f, new_epoch), ==, 7);
  g_assert_cmpuint (sync_acknowledged_in (&f, new_epoch), ==, 7);
  g_assert_cmpuint (sync_acknowledged_in (&f, old_epoch), ==, 20);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);
  g_assert_cmpuint (f.n_session_stored, ==, 27);
  sync_fixture_teardown (&f);
}

static void
test_lost_records (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 50);
  lsp_sim_sensor_add_backlog (f.sensor, 10, 2);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 0);

  /* 80 more while away: the sensor keeps the newest 50. */
  lactd_sim_link_set_connected (f.link, FALSE);
  lsp_sim_sensor_add_backlog (f.sensor, 80, 2);
  g_assert_cmpuint (lsp_sim_sensor_get_overwritten (f.sensor), ==, 30);
  lactd_sim_link_set_connected (f.link, TRUE);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 30);
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, 60);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 90);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);

  /* Counted once: another sync finds nothing more lost. */
  g_assert_true (sync_run (&f, &error));
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 30);
  sync_fixture_teardown (&f);

  /* Lost before the very first sync: the backlog overflowed already. */
  sync_fixture_setup (&f, 40);
  lsp_sim_sensor_add_backlog (f.sensor, 100, 5);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lactd_sync_get_lost_records (f.sync), ==, 60);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 100);
  sync_fixture_teardown (&f);
}

typedef struct {
  gboolean done;
  gboolean ok;
  gint64 when;
} Waiter;

static void
waiter_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  waiter->ok = lactd_sync_run_finish (LACTD_SYNC (source), result, &error);
  g_assert_no_error (error);
  waiter->done = TRUE;
  waiter->when = g_get_monotonic_time ();
}

static gboolean
cond_waiters_done (SyncFixture *f, gpointer data)
{
  Waiter *waiters = data;

  return waiters[0].done && waiters[1].done;
}

static void
test_concurrent_requests (void)
{
  SyncFixture f;
  Waiter waiters[2] = { { 0 } };

  sync_fixture_setup (&f, 1000);
  lsp_sim_sensor_add_backlog (f.sensor, 200, 5);
  lsp_sim_sensor_set_record_delay (f.sensor, 1);   /* a sync that lasts */
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_wait_until (&f, sync_cond_connected, NULL, 5000));

  lactd_sync_run_async (f.sync, NULL, waiter_done, &waiters[0]);
  g_assert_cmpstr (lactd_sync_get_state (f.sync), ==, "syncing");
  lactd_sync_run_async (f.sync, NULL, waiter_done, &waiters[1]);
  g_assert_true (sync_wait_until (&f, cond_waiters_done, waiters, 30000));
  g_assert_true (waiters[0].ok);
  g_assert_true (waiters[1].ok);
  /* One sync served both, and both heard when it was done. */
  g_assert_cmpuint (f.n_syncing, ==, 1);
  assert_synced (&f, 200);
  sync_fixture_teardown (&f);
}

typedef struct {
  gboolean done;
  GError *error;
} ErrorWaiter;

static void
error_waiter_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ErrorWaiter *waiter = user_data;

  g_assert_false (lactd_sync_run_finish (LACTD_SYNC (source), result,
                                         &waiter->error));
  waiter->done = TRUE;
}

static gboolean
cond_error_waiter (SyncFixture *f, gpointer data)
{
  return ((ErrorWaiter *) data)->done;
}

static void
test_not_connected (void)
{
  SyncFixture f;
  ErrorWaiter before = { 0 }, after = { 0 };
  g_autoptr(GError) error = NULL;

  sync_fixture_setup (&f, 100);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  /* Not ready yet. */
  g_assert_false (lactd_sync_get_connected (f.sync));
  lactd_sync_run_async (f.sync, NULL, error_waiter_done, &before);
  g_assert_true (sync_wait_until (&f, cond_error_waiter, &before, 1000));
  g_assert_error (before.error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_NOT_CONNECTED);
  g_clear_error (&before.error);

  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  /* Away again. */
  lactd_sim_link_set_auto_reconnect (f.link, FALSE);
  lactd_sim_link_set_connected (f.link, FALSE);
  lactd_sync_run_async (f.sync, NULL, error_waiter_done, &after);
  g_assert_true (sync_wait_until (&f, cond_error_waiter, &after, 1000));
  g_assert_error (after.error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_NOT_CONNECTED);
  g_clear_error (&after.error);
  sync_fixture_teardown (&f);
}

static void
test_scenarios (void)
{
  const char *const *names = lsp_sim_scenario_names ();
  g_autoptr(GError) error = NULL;
  LspSimSensor *bad;

  bad = lsp_sim_sensor_new_for_scenario ("nope", &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  bad = lsp_sim_sensor_new_for_scenario ("backlog:many", &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  for (guint i = 0; names[i] != NULL; i++)
    {
      SyncFixture f;
      guint n_records;
      const char *spec = g_str_equal (names[i], "backlog") ? "backlog:30"
                                                            : names[i];

      g_assert_nonnull (lsp_sim_scenario_help (names[i]));
      sync_fixture_setup (&f, 10);
      g_clear_object (&f.sensor);
      f.sensor = lsp_sim_sensor_new_for_scenario (spec, &error);
      g_assert_no_error (error);
      n_records = lsp_sim_sensor_get_n_records (f.sensor);
      g_test_message ("scenario %s: %u records", spec, n_records);
      sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
      g_assert_true (sync_run (&f, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (lsp_sim_sensor_get_n_records (f.sensor), ==, 0);
      g_assert_cmpuint (f.n_session_stored + lactd_sync_get_rejected_records (f.sync),
                        ==, n_records);
      if (g_str_equal (spec, "backlog:30"))
        g_assert_cmpuint (n_records, ==, 30);
      if (g_str_equal (spec, "relactation") || g_str_equal (spec, "demo") ||
          g_str_equal (spec, "sns"))
        g_assert_cmpuint (n_records, >=, 29 * 8);
      if (g_str_equal (spec, "malformed"))
        g_assert_cmpuint (lactd_sync_get_rejected_records (f.sync), ==, 12);
      g_assert_cmpstr (lactd_sync_get_kind (f.sync), ==,
                       g_str_equal (spec, "sns") ? "sns" : "pump");
      sync_fixture_teardown (&f);
    }
}

/* The relactation month: yields from drops to 20-40 mL a side. */
static void
test_relactation_curve (void)
{
  g_autoptr(LspSimSensor) sensor = lsp_sim_sensor_new_for_scenario ("relactation", NULL);
  g_autoptr(LspSimSensor) sns = lsp_sim_sensor_new_for_scenario ("sns", NULL);
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sessions = NULL;
  gint32 first_max = 0, last_min = G_MAXINT32;
  guint n_first = 0, n_last = 0;

  g_assert_nonnull (sensor);
  g_assert_nonnull (sns);
  sync_fixture_setup (&f, 10);
  g_clear_object (&f.sensor);
  f.sensor = g_object_ref (sensor);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  sessions = lactd_store_list_sessions (f.store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, >=, 29 * 8);
  for (guint i = 0; i < sessions->len; i++)
    {
      LactdSession *s = &g_array_index (sessions, LactdSession, i);

      g_assert_cmpint (s->supplement_tenths, ==, LACTD_VOLUME_NONE);
      /* Never more than the curve's top (30 mL ± 10), on any day. */
      g_assert_cmpint (MAX (s->volume_left_tenths, s->volume_right_tenths), <=, 400);
      if (i < 8)
        {
          first_max = MAX (first_max, MAX (s->volume_left_tenths, s->volume_right_tenths));
          n_first++;
        }
      if (i >= sessions->len - 8)
        {
          last_min = MIN (last_min, MIN (s->volume_left_tenths, s->volume_right_tenths));
          n_last++;
        }
    }
  g_assert_cmpint (first_max, <=, 20);    /* a few drops: 0-2 mL */
  g_assert_cmpint (last_min, >=, 150);    /* 20-40 mL a side by the end */
  sync_fixture_teardown (&f);
}

/* A record without an offset gets the daemon's own at its start. */
static void
test_unknown_offset (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sessions = NULL;
  lsp_record record = {
    .kind = LSP_RECORD_KIND_HAND, .seconds_left = 300,
    .volume_left = { TRUE, 50 }, .volume_right = { FALSE, 0 },
    .supplement = { FALSE, 0 },
  };
  const char *old_tz = g_getenv ("TZ");
  g_autofree char *saved_tz = g_strdup (old_tz);

  g_setenv ("TZ", "America/New_York", TRUE);
  sync_fixture_setup (&f, 10);
  record.start_utc = 1736899200;   /* 2025-01-15: EST, -300 min */
  lsp_sim_sensor_add_record (f.sensor, &record);
  record.start_utc = 1752537600;   /* 2025-07-15: EDT, -240 min */
  lsp_sim_sensor_add_record (f.sensor, &record);
  record.start_utc += 3600;
  record.utc_offset_known = TRUE;
  record.utc_offset_quarters = 22; /* +05:30, the sensor knew */
  lsp_sim_sensor_add_record (f.sensor, &record);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);

  sessions = lactd_store_list_sessions (f.store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 3);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 0).utc_offset_min, ==, -300);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 1).utc_offset_min, ==, -240);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 2).utc_offset_min, ==, 330);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 0).kind, ==, LACTD_SESSION_KIND_HAND);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 0).volume_right_tenths, ==,
                   LACTD_VOLUME_NONE);
  sync_fixture_teardown (&f);
  if (saved_tz != NULL)
    g_setenv ("TZ", saved_tz, TRUE);
  else
    g_unsetenv ("TZ");
}

static gboolean
cond_stored (SyncFixture *f, gpointer data)
{
  return f->n_session_stored >= GPOINTER_TO_UINT (data);
}

/* Records outside any report are stored too, but acknowledge nothing. */
static void
test_unsolicited_records (void)
{
  SyncFixture f;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  lsp_record record = {
    .start_utc = (guint32) (now - 600), .kind = LSP_RECORD_KIND_PUMP,
    .seconds_left = 200, .volume_left = { TRUE, 80 },
    .volume_right = { FALSE, 0 }, .supplement = { FALSE, 0 },
  };
  guint8 buf[LSP_RECORD_LEN];

  sync_fixture_setup (&f, 100);
  lsp_sim_sensor_add_backlog (f.sensor, 5, 1);
  sync_fixture_connect (&f, PROCEDURE_MS, STRAGGLER_MS);
  g_assert_true (sync_run (&f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f.n_session_stored, ==, 5);

  for (guint32 seq = 50; seq < 53; seq++)
    {
      g_autoptr(GBytes) bytes = NULL;

      record.seq = seq;
      g_assert_cmpint (lsp_record_encode (&record, now, buf), ==, LSP_OK);
      bytes = g_bytes_new (buf, sizeof buf);
      lsp_sim_sensor_send_raw (f.sensor, LSP_SIM_CHAR_SESSION_RECORD, bytes);
      /* Twice: stored once. */
      lsp_sim_sensor_send_raw (f.sensor, LSP_SIM_CHAR_SESSION_RECORD, bytes);
    }
  g_assert_true (sync_wait_until (&f, cond_stored, GUINT_TO_POINTER (8), 3000));
  g_assert_cmpuint (sync_count_sessions (&f, lsp_sim_sensor_get_epoch (f.sensor)), ==, 8);
  g_assert_cmpuint (sync_acknowledged (&f), ==, 5);
  g_assert_true (sync_run (&f, &error));
  g_assert_cmpuint (sync_acknowledged (&f), ==, 5);
  g_assert_cmpuint (f.n_session_stored, ==, 8);
  sync_fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Faults are logged as warnings on purpose; criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/sync/backlog-500", test_backlog_500);
  g_test_add_func ("/sync/identity-and-clock", test_identity_and_clock);
  g_test_add_func ("/sync/live-session", test_live_session);
  g_test_add_func ("/sync/stragglers", test_stragglers);
  g_test_add_func ("/sync/reordered", test_reordered);
  g_test_add_func ("/sync/epoch-reset", test_epoch_reset);
  g_test_add_func ("/sync/lost-records", test_lost_records);
  g_test_add_func ("/sync/concurrent-requests", test_concurrent_requests);
  g_test_add_func ("/sync/not-connected", test_not_connected);
  g_test_add_func ("/sync/unknown-offset", test_unknown_offset);
  g_test_add_func ("/sync/unsolicited-records", test_unsolicited_records);
  g_test_add_func ("/sync/scenarios", test_scenarios);
  g_test_add_func ("/sync/relactation-curve", test_relactation_curve);
  return g_test_run ();
}
