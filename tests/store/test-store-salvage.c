/* test-store-salvage.c — a damaged store is moved aside and what it
 * still holds is salvaged into the new one through the validating API:
 * every session on a readable page, exactly as it was, under an id above
 * every id the damaged file used (ids are never reused); sensors with
 * their epochs and acknowledged numbers; the goal; nothing invalid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "store-test-util.h"

#define T0 G_GINT64_CONSTANT (1735689600)
#define EPOCH 7
#define N_SESSIONS 3000

static LactdSession
varied_session (guint i)
{
  LactdSession s = store_test_session (T0 + (gint64) i * 3600,
                                       (gint32) (i % 5) * 60 - 120);

  s.kind = (LactdSessionKind) (i % 4);
  s.duration_left = i % 1800;
  s.duration_right = (i * 7) % 1200;
  s.double_sided = i % 3 == 0;
  s.interrupted = i % 11 == 0;
  s.clock_unsynced = i % 13 == 0;
  s.volume_left_tenths = i % 10 == 0 ? LACTD_VOLUME_NONE : (gint32) (i % 1500);
  s.volume_right_tenths = i % 7 == 0 ? LACTD_VOLUME_NONE : (gint32) (i % 900);
  s.supplement_tenths = s.kind == LACTD_SESSION_KIND_SNS ? (gint32) (i % 600)
                                                         : LACTD_VOLUME_NONE;
  return s;
}

/* Sessions from a sensor in batches of 100, every third batch entered by
 * hand instead, so ids interleave as in a real history; then one more by
 * hand, deleted again: the file's sequence is at N_SESSIONS + 1. */
static guint32
fill_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = lactd_store_open (path, &error);
  guint32 ack = 0;

  g_assert_no_error (error);
  g_assert_true (lactd_store_remember_sensor (store, TEST_SENSOR, "Pump A",
                                              "pump", &error));
  g_assert_true (lactd_store_update_sensor_info (store, TEST_SENSOR, "LSP-1",
                                                 "1.2.3", &error));
  g_assert_true (lactd_store_set_sensor_epoch (store, TEST_SENSOR, EPOCH,
                                               &error));
  g_assert_true (lactd_store_set_setting (store, "goal",
                                          "sessions_per_day=9", &error));
  for (guint first = 0; first < N_SESSIONS; first += 100)
    {
      LactdStoreBatch *batch = NULL;

      if ((first / 100) % 3 != 2)
        batch = lactd_store_batch_begin (store, TEST_SENSOR, EPOCH, &error);
      for (guint i = first; i < first + 100; i++)
        {
          LactdSession s = varied_session (i);
          if (batch == NULL)
            {
              store_test_add (store, &s);
              continue;
            }
          s.seq = i + 1;
          g_assert_true (lactd_store_batch_add_session (batch, &s, NULL,
                                                        &error));
        }
      if (batch != NULL)
        g_assert_true (lactd_store_batch_commit (batch, &ack, &error));
      g_assert_no_error (error);
    }
  g_assert_true (lactd_store_set_acknowledged (store, TEST_SENSOR, EPOCH, ack,
                                               &error));
  {
    LactdSession last = varied_session (N_SESSIONS);
    g_assert_cmpuint (store_test_add (store, &last), ==, N_SESSIONS + 1);
    g_assert_true (lactd_store_delete_session (store, N_SESSIONS + 1,
                                               &error));
  }
  g_assert_true (lactd_store_checkpoint (store, &error));
  g_assert_no_error (error);
  return ack;
}

/* Overwrites three leaf pages of the sessions table from its middle with
 * garbage; returns how many sessions they held. */
static guint
damage_session_pages (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cells = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *garbage = g_malloc (4096);
  guint lost = 0;
  int fd;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pageno, ncell FROM dbstat "
                                       "WHERE name = 'sessions' AND pagetype "
                                       "= 'leaf' ORDER BY pageno", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 page = sqlite3_column_int64 (stmt, 0);
      guint n = (guint) sqlite3_column_int (stmt, 1);
      g_array_append_val (pages, page);
      g_array_append_val (cells, n);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (pages->len, >, 20);

  memset (garbage, 0xa5, 4096);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  for (guint k = 1; k <= 3; k++)
    {
      guint i = pages->len * k / 4;
      gint64 page = g_array_index (pages, gint64, i);
      g_assert_cmpint (pwrite (fd, garbage, 4096, (page - 1) * 4096), ==,
                       4096);
      lost += g_array_index (cells, guint, i);
    }
  close (fd);
  return lost;
}

static gboolean
same_values (const LactdSession *a, const LactdSession *b)
{
  return a->kind == b->kind && a->start == b->start &&
         a->utc_offset_min == b->utc_offset_min &&
         a->duration_left == b->duration_left &&
         a->duration_right == b->duration_right &&
         a->double_sided == b->double_sided &&
         a->interrupted == b->interrupted &&
         a->clock_unsynced == b->clock_unsynced &&
         a->volume_left_tenths == b->volume_left_tenths &&
         a->volume_right_tenths == b->volume_right_tenths &&
         a->supplement_tenths == b->supplement_tenths;
}

static void
check_salvaged_session (const LactdSession *s)
{
  gint64 i = (s->start - T0) / 3600;
  LactdSession original;

  g_assert_cmpint (i, >=, 0);
  g_assert_cmpint (i, <, N_SESSIONS);
  original = varied_session ((guint) i);
  g_assert_true (same_values (s, &original));
  g_assert_cmpint (s->from_sensor, ==, ((guint) i / 100) % 3 != 2);
  if (s->from_sensor)
    {
      g_assert_cmpstr (s->address, ==, TEST_SENSOR);
      g_assert_cmpuint (s->epoch, ==, EPOCH);
      g_assert_cmpuint (s->seq, ==, i + 1);
    }
}

static void
test_damaged_pages (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(GArray) sessions = NULL;
  g_autoptr(LactdSensorRow) sensor = NULL;
  g_autofree char *goal = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *lock_path = g_strconcat (f->path, ".lock", NULL);
  guint32 ack;
  guint lost;

  g_clear_pointer (&f->store, lactd_store_free);
  g_assert_cmpint (g_unlink (f->path), ==, 0);
  ack = fill_store (f->path);
  g_assert_cmpuint (ack, ==, 2900);   /* the last hundred were by hand */
  lost = damage_session_pages (f->path);
  g_assert_cmpuint (lost, >, 100);

  /* Closed cleanly, so only a marker of damage makes the open check it
   * (as the weekly check leaves it). */
  g_assert_true (g_file_set_contents (lock_path, "damaged\n", -1, &error));
  g_test_expect_message ("lactd-store", G_LOG_LEVEL_WARNING,
                         "*not a healthy SQLite database*");
  store = lactd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_test_assert_expected_messages ();

  /* Every session of every readable page, exactly as it was. */
  g_assert_cmpuint (lactd_store_get_salvaged_sessions (store), ==,
                    N_SESSIONS - lost);
  sessions = lactd_store_list_sessions (store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, N_SESSIONS - lost);
  for (guint i = 0; i < sessions->len; i++)
    {
      check_salvaged_session (&g_array_index (sessions, LactdSession, i));
      g_assert_cmpuint (g_array_index (sessions, LactdSession, i).id, >,
                        N_SESSIONS + 1);
    }
  expected = g_strdup_printf ("; %u sessions were salvaged from it into a "
                              "new database.", N_SESSIONS - lost);
  g_assert_true (g_str_has_suffix (lactd_store_get_recovery_note (store),
                                   expected));

  sensor = lactd_store_get_sensor (store, TEST_SENSOR, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sensor->name, ==, "Pump A");
  g_assert_cmpstr (sensor->kind, ==, "pump");
  g_assert_cmpstr (sensor->firmware, ==, "1.2.3");
  g_assert_cmpuint (sensor->epoch, ==, EPOCH);
  g_assert_true (sensor->epoch_known);
  g_assert_cmpuint (sensor->acknowledged_seq, ==, ack);
  goal = lactd_store_get_setting (store, "goal", &error);
  g_assert_cmpstr (goal, ==, "sessions_per_day=9");

  /* The note stays for a reopen (a restart soon after). */
  g_clear_pointer (&store, lactd_store_free);
  store = lactd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_null (lactd_store_get_recovered_path (store));
  g_assert_true (g_str_has_suffix (lactd_store_get_recovery_note (store),
                                   expected));
}

/* A schema-1 file (volumes in mL) with rows that break the rules: the
 * valid ones come over converted, the others stay out. */
static void
test_schema_v1_and_invalid_rows (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(GArray) sessions = NULL;
  g_autofree char *sql_path = g_build_filename (STORE_TEST_DATA_DIR,
                                                "schema-v1.sql", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *lock_path = g_strconcat (f->path, ".lock", NULL);
  sqlite3 *db = NULL;
  gint64 index_page;

  g_clear_pointer (&f->store, lactd_store_free);
  g_assert_cmpint (g_unlink (f->path), ==, 0);
  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
      "INSERT INTO sessions (source, kind, start, utc_offset_min, "
      "duration_left, duration_right, double_sided, interrupted, "
      "clock_unsynced, stored_at) VALUES "
      "('manual', 'bottle', 1735718400, 0, 60, 0, 0, 0, 0, 0), "
      "('manual', 'hand', 1735718400, 0, 99999, 0, 0, 0, 0, 0), "
      "('manual', 'hand', 1735718400, 5000, 60, 0, 0, 0, 0, 0), "
      "('manual', 'hand', 'soon', 0, 60, 0, 0, 0, 0, 0), "
      "('sensor', 'pump', 1735718400, 0, 60, 0, 0, 0, 0, 0), "
      "('manual', 'hand', 1735722000, 0, 60, 0, 0, 0, 0, 0)",
      NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  index_page = store_test_sql_int (f->path, "SELECT rootpage FROM "
                                   "sqlite_schema WHERE name = "
                                   "'sessions_start'");
  {
    int fd = open (f->path, O_WRONLY);
    char garbage[4096];
    memset (garbage, 0x5a, sizeof garbage);
    g_assert_cmpint (pwrite (fd, garbage, 4096, (index_page - 1) * 4096), ==,
                     4096);
    close (fd);
  }

  /* No marker (an older lactd's store): quick_check at open. */
  g_assert_cmpint (g_unlink (lock_path), ==, 0);
  g_test_expect_message ("lactd-store", G_LOG_LEVEL_WARNING,
                         "*not a healthy SQLite database*");
  store = lactd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_QUICK);
  /* The 4 good sessions of schema-v1.sql and the last row above. */
  g_assert_cmpuint (lactd_store_get_salvaged_sessions (store), ==, 5);
  sessions = lactd_store_list_sessions (store, 0, G_MAXINT64, &error);
  g_assert_cmpuint (sessions->len, ==, 5);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 0).volume_left_tenths,
                   ==, 125);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 0).seq, ==, 1);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 1).start, ==,
                   1735722000);
  g_assert_cmpint (g_array_index (sessions, LactdSession, 4).supplement_tenths,
                   ==, 456);
  /* No sequence in a schema-1 file: above its highest row (10). */
  for (guint i = 0; i < sessions->len; i++)
    g_assert_cmpuint (g_array_index (sessions, LactdSession, i).id, >, 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, func, \
              store_fixture_teardown)
  ADD ("/store/salvage/damaged-pages", test_damaged_pages);
  ADD ("/store/salvage/schema-v1-and-invalid-rows",
       test_schema_v1_and_invalid_rows);
#undef ADD
  return g_test_run ();
}
