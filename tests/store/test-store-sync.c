/* test-store-sync.c — the sync engine's side of the store: idempotent
 * batches, conflicts, the acknowledged number, epochs, rejected and lost
 * records, sensors and settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "store-test-util.h"

#define EPOCH 0x1234u
#define T0 G_GINT64_CONSTANT (1735689600)

static void
remember (StoreFixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lactd_store_remember_sensor (f->store, TEST_SENSOR, "Pump",
                                              "pump", &error));
  g_assert_no_error (error);
}

static LactdSession
record (guint32 seq)
{
  LactdSession s = store_test_session (T0 + seq * 3600, 60);

  s.seq = seq;
  s.volume_left_tenths = (gint32) seq;
  return s;
}

static LactdStoreBatch *
begin (StoreFixture *f, guint32 epoch)
{
  g_autoptr(GError) error = NULL;
  LactdStoreBatch *batch = lactd_store_batch_begin (f->store, TEST_SENSOR,
                                                    epoch, &error);

  g_assert_no_error (error);
  g_assert_nonnull (batch);
  return batch;
}

static LactdAddResult
add (LactdStoreBatch *batch, LactdSession *s)
{
  g_autoptr(GError) error = NULL;
  LactdAddResult result = (LactdAddResult) -1;

  g_assert_true (lactd_store_batch_add_session (batch, s, &result, &error));
  g_assert_no_error (error);
  return result;
}

static void
reject (LactdStoreBatch *batch, guint32 seq)
{
  g_autoptr(GError) error = NULL;
  static const guint8 raw[] = { 0x01, 0x00, 0x00, 0x00, 0xff };

  g_assert_true (lactd_store_batch_add_rejected (batch, seq, raw, sizeof raw,
                                                 "bad-length",
                                                 "length 5, expected 20",
                                                 &error));
  g_assert_no_error (error);
}

static guint32
commit (LactdStoreBatch *batch)
{
  g_autoptr(GError) error = NULL;
  guint32 ack = G_MAXUINT32;

  g_assert_true (lactd_store_batch_commit (batch, &ack, &error));
  g_assert_no_error (error);
  return ack;
}

/* Handles the given numbers (sessions) in one batch; returns the ack. */
static guint32
batch_of (StoreFixture *f, guint32 epoch, const guint32 *seqs, guint n)
{
  LactdStoreBatch *batch = begin (f, epoch);

  for (guint i = 0; i < n; i++)
    {
      LactdSession s = record (seqs[i]);
      add (batch, &s);
    }
  return commit (batch);
}

static gint64
count_sessions (StoreFixture *f)
{
  return store_test_sql_int (f->path, "SELECT count(*) FROM sessions");
}

static void
test_duplicate (StoreFixture *f, gconstpointer data)
{
  LactdStoreBatch *batch;
  LactdSession s = record (1), again = record (1);

  remember (f);
  batch = begin (f, EPOCH);
  g_assert_cmpint (add (batch, &s), ==, LACTD_ADD_STORED);
  g_assert_cmpuint (s.id, >, 0);
  g_assert_true (s.from_sensor);
  g_assert_cmpstr (s.address, ==, TEST_SENSOR);
  g_assert_cmpuint (s.epoch, ==, EPOCH);
  g_assert_cmpuint (lactd_store_batch_get_stored (batch)->len, ==, 1);
  /* The same record again within the same batch. */
  g_assert_cmpint (add (batch, &again), ==, LACTD_ADD_DUPLICATE);
  g_assert_cmpuint (again.id, ==, s.id);
  g_assert_cmpuint (lactd_store_batch_get_stored (batch)->len, ==, 1);
  g_assert_cmpuint (commit (batch), ==, 1);

  /* And in a later one (stored but not acknowledged, sent again). */
  batch = begin (f, EPOCH);
  again = record (1);
  g_assert_cmpint (add (batch, &again), ==, LACTD_ADD_DUPLICATE);
  g_assert_cmpuint (again.id, ==, s.id);
  g_assert_cmpuint (lactd_store_batch_get_stored (batch)->len, ==, 0);
  g_assert_cmpuint (commit (batch), ==, 1);
  g_assert_cmpint (count_sessions (f), ==, 1);
  g_assert_cmpint (store_test_sql_int (f->path,
                                       "SELECT count(*) FROM conflicts"), ==, 0);
}

static void
test_conflict (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  LactdStoreBatch *batch;
  LactdSession s = record (3), changed = record (3), stored;

  remember (f);
  batch = begin (f, EPOCH);
  g_assert_cmpint (add (batch, &s), ==, LACTD_ADD_STORED);
  g_assert_cmpuint (commit (batch), ==, 3);

  batch = begin (f, EPOCH);
  for (guint i = 0; i < 3; i++)
    g_test_expect_message ("lactd-store", G_LOG_LEVEL_WARNING,
                           "*record 3 differs*kept aside*");
  changed.volume_left_tenths = 999;
  g_assert_cmpint (add (batch, &changed), ==, LACTD_ADD_CONFLICT);
  changed = record (3);
  changed.double_sided = TRUE;
  g_assert_cmpint (add (batch, &changed), ==, LACTD_ADD_CONFLICT);
  /* The same conflicting record again is kept once. */
  g_assert_cmpint (add (batch, &changed), ==, LACTD_ADD_CONFLICT);
  g_assert_cmpuint (commit (batch), ==, 3);
  g_test_assert_expected_messages ();

  g_assert_true (lactd_store_get_session (f->store, s.id, &stored, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored.volume_left_tenths, ==, 3);
  g_assert_false (stored.double_sided);
  g_assert_cmpint (stored.start, ==, s.start);
  g_assert_cmpint (count_sessions (f), ==, 1);
  g_assert_cmpint (store_test_sql_int (f->path,
                                       "SELECT count(*) FROM conflicts"), ==, 2);
}

static void
test_ack_contiguity (StoreFixture *f, gconstpointer data)
{
  static const guint32 gap[] = { 5, 6, 7, 9 };
  static const guint32 unordered[] = { 19, 15, 17, 16 };
  static const guint32 eight[] = { 28 };
  static const guint32 around[] = { 25, 26, 27, 29 };
  static const guint32 later[] = { 31, 32 };
  static const guint32 before[] = { 30 };

  remember (f);
  g_assert_cmpuint (batch_of (f, EPOCH, gap, G_N_ELEMENTS (gap)), ==, 7);
  /* Lowest handled first, whatever the arrival order. */
  g_assert_cmpuint (batch_of (f, EPOCH, unordered, G_N_ELEMENTS (unordered)),
                    ==, 17);
  /* A number stored by an earlier batch bridges the gap. */
  g_assert_cmpuint (batch_of (f, EPOCH, eight, 1), ==, 28);
  g_assert_cmpuint (batch_of (f, EPOCH, around, G_N_ELEMENTS (around)), ==,
                    29);
  /* ... and numbers stored earlier above the batch extend it. */
  g_assert_cmpuint (batch_of (f, EPOCH, later, G_N_ELEMENTS (later)), ==, 32);
  g_assert_cmpuint (batch_of (f, EPOCH, before, 1), ==, 32);
  /* An empty batch handles nothing. */
  g_assert_cmpuint (batch_of (f, EPOCH, NULL, 0), ==, 0);
  /* Another epoch's numbers bridge nothing. */
  g_assert_cmpuint (batch_of (f, EPOCH + 1, gap, 1), ==, 5);
}

static void
test_ack_rejected (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdSensorRow) row = NULL;
  LactdStoreBatch *batch;
  LactdSession s1 = record (1), s2 = record (2), s4 = record (4);

  remember (f);
  batch = begin (f, EPOCH);
  add (batch, &s1);
  add (batch, &s2);
  reject (batch, 3);
  add (batch, &s4);
  g_assert_cmpuint (lactd_store_batch_get_rejected_count (batch), ==, 1);
  g_assert_cmpuint (commit (batch), ==, 4);

  /* A seq-0 rejection handles no number. */
  batch = begin (f, EPOCH);
  reject (batch, 0);
  reject (batch, 0);
  g_assert_cmpuint (lactd_store_batch_get_rejected_count (batch), ==, 2);
  g_assert_cmpuint (commit (batch), ==, 0);

  /* A second rejection of 3 is a no-op but still handles 3; 5 is new. */
  batch = begin (f, EPOCH);
  reject (batch, 3);
  reject (batch, 5);
  g_assert_cmpuint (lactd_store_batch_get_rejected_count (batch), ==, 1);
  g_assert_cmpuint (commit (batch), ==, 5);

  row = lactd_store_get_sensor (f->store, TEST_SENSOR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (row->rejected_records, ==, 4);   /* 3, 0, 0, 5 */
  g_assert_cmpint (store_test_sql_int (f->path,
                                       "SELECT count(*) FROM rejected_records"),
                   ==, 4);
  g_assert_cmpint (store_test_sql_int (f->path,
                                       "SELECT length(raw) FROM rejected_records "
                                       "WHERE seq = 3"), ==, 5);
  g_assert_cmpint (count_sessions (f), ==, 3);
  g_assert_cmpuint (store_test_highest_seq (f->store, TEST_SENSOR, EPOCH),
                    ==, 5);
}

static void
test_epoch_change (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdSensorRow) row = NULL;
  static const guint32 three[] = { 1, 2, 3 };
  LactdStoreBatch *batch;
  LactdSession s = record (1);

  remember (f);
  row = lactd_store_get_sensor (f->store, TEST_SENSOR, &error);
  g_assert_false (row->epoch_known);
  g_clear_pointer (&row, lactd_sensor_row_free);

  g_assert_true (lactd_store_set_sensor_epoch (f->store, TEST_SENSOR, 100,
                                               &error));
  g_assert_cmpuint (batch_of (f, 100, three, 3), ==, 3);
  g_assert_true (lactd_store_set_acknowledged (f->store, TEST_SENSOR, 100, 3,
                                               &error));
  row = lactd_store_get_sensor (f->store, TEST_SENSOR, &error);
  g_assert_cmpuint (row->epoch, ==, 100);
  g_assert_true (row->epoch_known);
  g_assert_cmpuint (row->acknowledged_seq, ==, 3);
  g_clear_pointer (&row, lactd_sensor_row_free);

  /* The sensor erased its store: a new epoch starts at 0. */
  g_assert_true (lactd_store_set_sensor_epoch (f->store, TEST_SENSOR, 200,
                                               &error));
  g_assert_no_error (error);
  row = lactd_store_get_sensor (f->store, TEST_SENSOR, &error);
  g_assert_cmpuint (row->epoch, ==, 200);
  g_assert_cmpuint (row->acknowledged_seq, ==, 0);
  g_clear_pointer (&row, lactd_sensor_row_free);
  g_assert_cmpuint (store_test_acknowledged (f->store, TEST_SENSOR, 200),
                    ==, 0);
  g_assert_cmpuint (store_test_acknowledged (f->store, TEST_SENSOR, 100),
                    ==, 3);
  g_assert_cmpuint (store_test_highest_seq (f->store, TEST_SENSOR, 200), ==,
                    0);

  batch = begin (f, 200);
  g_assert_cmpint (add (batch, &s), ==, LACTD_ADD_STORED);
  g_assert_cmpuint (commit (batch), ==, 1);
  g_assert_cmpint (count_sessions (f), ==, 4);

  /* Back to a known epoch: its own value. */
  g_assert_true (lactd_store_set_sensor_epoch (f->store, TEST_SENSOR, 100,
                                               &error));
  row = lactd_store_get_sensor (f->store, TEST_SENSOR, &error);
  g_assert_cmpuint (row->acknowledged_seq, ==, 3);
}

static void
test_acknowledged_never_decreases (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  remember (f);
  g_assert_cmpuint (store_test_acknowledged (f->store, TEST_SENSOR, EPOCH),
                    ==, 0);
  g_assert_true (lactd_store_set_acknowledged (f->store, TEST_SENSOR, EPOCH,
                                               10, &error));
  g_assert_true (lactd_store_set_acknowledged (f->store, TEST_SENSOR, EPOCH,
                                               5, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (store_test_acknowledged (f->store, TEST_SENSOR, EPOCH),
                    ==, 10);
  g_assert_true (lactd_store_set_acknowledged (f->store, TEST_SENSOR, EPOCH,
                                               11, &error));
  g_assert_cmpuint (store_test_acknowledged (f->store, TEST_SENSOR, EPOCH),
                    ==, 11);
  g_assert_false (lactd_store_set_acknowledged (f->store, "00:00:00:00:00:09",
                                                EPOCH, 1, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND);
}

static void
test_count_unhandled (StoreFixture *f, gconstpointer data)
{
  static const guint32 stored[] = { 1, 2, 5 };
  LactdStoreBatch *batch;

  remember (f);
  g_assert_cmpuint (batch_of (f, EPOCH, stored, 3), ==, 2);
  batch = begin (f, EPOCH);
  reject (batch, 4);
  reject (batch, 0);
  commit (batch);
  g_assert_cmpuint (store_test_count_unhandled (f->store, TEST_SENSOR, EPOCH,
                                                1, 6), ==, 2);
  g_assert_cmpuint (store_test_count_unhandled (f->store, TEST_SENSOR, EPOCH,
                                                3, 3), ==, 1);
  g_assert_cmpuint (store_test_count_unhandled (f->store, TEST_SENSOR, EPOCH,
                                                4, 5), ==, 0);
  g_assert_cmpuint (store_test_count_unhandled (f->store, TEST_SENSOR, EPOCH,
                                                6, 5), ==, 0);
  g_assert_cmpuint (store_test_count_unhandled (f->store, TEST_SENSOR,
                                                EPOCH + 1, 1, 6), ==, 6);
}

/* A getter on the acknowledgement path that cannot read says so: the
 * engine deletes on the sensor on the strength of its answer, so "0" on a
 * failed read would fail open. */
static void
test_read_errors (StoreFixture *f, gconstpointer data)
{
  static const guint32 stored[] = { 1, 2, 3 };
  g_autoptr(GError) error = NULL;
  guint32 value = 77;

  remember (f);
  g_assert_cmpuint (batch_of (f, EPOCH, stored, 3), ==, 3);
  g_assert_true (lactd_store_set_acknowledged (f->store, TEST_SENSOR, EPOCH,
                                               3, &error));
  g_assert_no_error (error);

  /* Injected, once each: the next read is fine again. */
  lactd_store_inject_fault (f->store, LACTD_STORE_FAULT_READ_ACKNOWLEDGED, 1);
  g_assert_false (lactd_store_get_acknowledged (f->store, TEST_SENSOR, EPOCH,
                                                &value, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_assert_cmpuint (value, ==, 0);
  g_clear_error (&error);
  g_assert_cmpuint (store_test_acknowledged (f->store, TEST_SENSOR, EPOCH),
                    ==, 3);
  lactd_store_inject_fault (f->store, LACTD_STORE_FAULT_READ_HIGHEST, 1);
  g_assert_false (lactd_store_highest_seq (f->store, TEST_SENSOR, EPOCH,
                                           &value, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_clear_error (&error);
  g_assert_cmpuint (store_test_highest_seq (f->store, TEST_SENSOR, EPOCH),
                    ==, 3);
  lactd_store_inject_fault (f->store, LACTD_STORE_FAULT_COUNT_UNHANDLED, 1);
  g_assert_false (lactd_store_count_unhandled (f->store, TEST_SENSOR, EPOCH,
                                               1, 5, &value, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_clear_error (&error);
  g_assert_cmpuint (store_test_count_unhandled (f->store, TEST_SENSOR, EPOCH,
                                                1, 5), ==, 2);

  /* A real failure of the query (its table gone under the store) is an
   * error too, never "nothing unhandled". */
  store_test_sql_exec (f->path, "DROP TABLE rejected_records");
  value = 77;
  g_assert_false (lactd_store_count_unhandled (f->store, TEST_SENSOR, EPOCH,
                                               1, 5, &value, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_test_message ("expected: %s", error->message);
  g_assert_cmpuint (value, ==, 0);
  g_clear_error (&error);
  g_assert_false (lactd_store_highest_seq (f->store, TEST_SENSOR, EPOCH,
                                           &value, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
}

static void
test_batch_abort (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  LactdStoreBatch *batch;
  LactdStoreBatch *second;
  LactdSession s = record (1);

  remember (f);
  batch = begin (f, EPOCH);
  add (batch, &s);
  reject (batch, 2);
  /* One batch at a time. */
  second = lactd_store_batch_begin (f->store, TEST_SENSOR, EPOCH, &error);
  g_assert_null (second);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  lactd_store_batch_abort (batch);
  g_assert_cmpint (count_sessions (f), ==, 0);
  g_assert_cmpuint (store_test_highest_seq (f->store, TEST_SENSOR, EPOCH),
                    ==, 0);

  /* An invalid record is refused without spoiling the batch. */
  batch = begin (f, EPOCH);
  s = record (0);
  g_assert_false (lactd_store_batch_add_session (batch, &s, NULL, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  s = record (2);
  s.utc_offset_min = 900;
  g_assert_false (lactd_store_batch_add_session (batch, &s, NULL, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  s = record (2);
  g_assert_cmpint (add (batch, &s), ==, LACTD_ADD_STORED);
  g_assert_cmpuint (commit (batch), ==, 2);
}

static void
test_sensors (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sensors = NULL;
  g_autoptr(LactdSensorRow) row = NULL;
  static const guint32 one[] = { 1 };
  LactdSensorRow *first;

  g_assert_true (lactd_store_remember_sensor (f->store, "C0:FF:EE:00:00:02",
                                              "SNS", "sns", &error));
  remember (f);
  g_assert_true (lactd_store_remember_sensor (f->store, TEST_SENSOR, "Renamed",
                                              "pump", &error));
  g_assert_false (lactd_store_remember_sensor (f->store, "C0:FF:EE", "x",
                                               "pump", &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lactd_store_remember_sensor (f->store, TEST_SENSOR, "x",
                                               "toaster", &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* Addresses are upper case everywhere but in what a person types (the
   * model's rule): a lower-case one would be a second sensor row. */
  g_assert_false (lactd_store_remember_sensor (f->store, "c0:ff:ee:00:00:03",
                                               "x", "pump", &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (lactd_store_batch_begin (f->store, "c0:ff:ee:00:00:01", 1,
                                          &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (lactd_store_update_sensor_info (f->store, TEST_SENSOR,
                                                 "LP-1", "1.2.3", &error));
  g_assert_true (lactd_store_touch_sensor (f->store, TEST_SENSOR, 1000,
                                           &error));
  g_assert_true (lactd_store_set_last_sync (f->store, TEST_SENSOR, 2000,
                                            &error));
  g_assert_true (lactd_store_add_lost_records (f->store, TEST_SENSOR, 3,
                                               &error));
  g_assert_true (lactd_store_add_lost_records (f->store, TEST_SENSOR, 2,
                                               &error));
  g_assert_no_error (error);

  sensors = lactd_store_list_sensors (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sensors->len, ==, 2);
  first = g_ptr_array_index (sensors, 0);
  g_assert_cmpstr (first->address, ==, TEST_SENSOR);
  g_assert_cmpstr (first->name, ==, "Renamed");
  g_assert_cmpstr (first->kind, ==, "pump");
  g_assert_cmpstr (first->model, ==, "LP-1");
  g_assert_cmpstr (first->firmware, ==, "1.2.3");
  g_assert_cmpint (first->last_seen, ==, 1000);
  g_assert_cmpint (first->last_sync, ==, 2000);
  g_assert_cmpuint (first->lost_records, ==, 5);
  g_assert_cmpuint (first->rejected_records, ==, 0);
  g_assert_cmpstr (((LactdSensorRow *) g_ptr_array_index (sensors, 1))->kind,
                   ==, "sns");

  /* Forgetting keeps the sessions. */
  g_assert_cmpuint (batch_of (f, EPOCH, one, 1), ==, 1);
  g_assert_true (lactd_store_forget_sensor (f->store, TEST_SENSOR, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_sessions (f), ==, 1);
  row = lactd_store_get_sensor (f->store, TEST_SENSOR, &error);
  g_assert_null (row);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (lactd_store_forget_sensor (f->store, TEST_SENSOR, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (lactd_store_touch_sensor (f->store, TEST_SENSOR, 1, &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (lactd_store_add_lost_records (f->store, TEST_SENSOR, 1,
                                                &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_NOT_FOUND);
}

static void
test_settings (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  value = lactd_store_get_setting (f->store, "goal.sessions_per_day", &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_assert_true (lactd_store_set_setting (f->store, "goal.sessions_per_day",
                                          "8", &error));
  g_assert_true (lactd_store_set_setting (f->store, "goal.sessions_per_day",
                                          "10", &error));
  g_assert_no_error (error);
  value = lactd_store_get_setting (f->store, "goal.sessions_per_day", &error);
  g_assert_cmpstr (value, ==, "10");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, func, \
              store_fixture_teardown)
  ADD ("/store/sync/duplicate", test_duplicate);
  ADD ("/store/sync/conflict", test_conflict);
  ADD ("/store/sync/ack-contiguity", test_ack_contiguity);
  ADD ("/store/sync/ack-rejected", test_ack_rejected);
  ADD ("/store/sync/epoch-change", test_epoch_change);
  ADD ("/store/sync/acknowledged-never-decreases",
       test_acknowledged_never_decreases);
  ADD ("/store/sync/count-unhandled", test_count_unhandled);
  ADD ("/store/sync/read-errors", test_read_errors);
  ADD ("/store/sync/batch-abort", test_batch_abort);
  ADD ("/store/sync/sensors", test_sensors);
  ADD ("/store/sync/settings", test_settings);
#undef ADD
  return g_test_run ();
}
