/* test-store-files.c — the store's file: migrations from schemas 1 and 2, corrupt
 * and truncated files moved aside, a full disk, paths that cannot be
 * written, the default path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-test-util.h"

#define T0 G_GINT64_CONSTANT (1735689600)

typedef struct {
  char *dir;
  char *path;
} TempDir;

static void
temp_setup (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp ("lactd-store-XXXXXX", &error);
  g_assert_no_error (error);
  t->path = g_build_filename (t->dir, "lactd.db", NULL);
}

static void
temp_teardown (TempDir *t, gconstpointer data)
{
  store_test_remove_tree (t->dir);
  g_free (t->path);
  g_free (t->dir);
}

static void
sql_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", path, message);
  sqlite3_close (db);
}

static void
check_integrity (const char *path)
{
  g_autofree char *verdict = store_test_sql_text (path,
                                                  "PRAGMA integrity_check");
  g_assert_cmpstr (verdict, ==, "ok");
}

static void
test_migration_v1 (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql_path = g_build_filename (STORE_TEST_DATA_DIR,
                                                "schema-v1.sql", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *setting = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(GArray) sessions = NULL;
  g_autoptr(LactdSensorRow) sensor = NULL;
  g_autoptr(GArray) days = NULL;
  LactdStoreBatch *batch;
  LactdSession again;
  LactdAddResult result;
  guint32 ack = 0;
  const LactdSession *s;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  g_assert_no_error (error);
  sql_exec (t->path, sql);
  g_assert_cmpint (store_test_sql_int (t->path, "PRAGMA user_version"), ==, 1);

  g_test_expect_message ("lactd-store", G_LOG_LEVEL_MESSAGE,
                         "*migrated schema from version 1 to 3*");
  store = lactd_store_open (t->path, &error);
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  g_assert_cmpint (lactd_store_get_schema_version (store), ==, 3);
  g_assert_cmpint (store_test_sql_int (t->path, "PRAGMA user_version"), ==, 3);
  g_assert_null (lactd_store_get_recovered_path (store));

  sessions = lactd_store_list_sessions (store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 4);
  s = &g_array_index (sessions, LactdSession, 0);
  g_assert_cmpuint (s->id, ==, 1);
  g_assert_true (s->from_sensor);
  g_assert_cmpstr (s->address, ==, TEST_SENSOR);
  g_assert_cmpuint (s->epoch, ==, 4660);
  g_assert_cmpuint (s->seq, ==, 1);
  g_assert_cmpint (s->start, ==, 1735718400);
  g_assert_true (s->double_sided);
  g_assert_cmpint (s->volume_left_tenths, ==, 125);
  g_assert_cmpint (s->volume_right_tenths, ==, 73);
  g_assert_cmpint (s->supplement_tenths, ==, LACTD_VOLUME_NONE);
  s = &g_array_index (sessions, LactdSession, 1);
  g_assert_cmpint (s->volume_left_tenths, ==, 1);
  g_assert_cmpint (s->volume_right_tenths, ==, LACTD_VOLUME_NONE);
  g_assert_true (s->interrupted);
  s = &g_array_index (sessions, LactdSession, 2);
  g_assert_cmpint (s->volume_left_tenths, ==, 10000);
  g_assert_cmpint (s->volume_right_tenths, ==, 0);
  g_assert_true (s->clock_unsynced);
  s = &g_array_index (sessions, LactdSession, 3);
  g_assert_false (s->from_sensor);
  g_assert_cmpint (s->kind, ==, LACTD_SESSION_KIND_SNS);
  g_assert_cmpint (s->utc_offset_min, ==, -300);
  g_assert_cmpint (s->supplement_tenths, ==, 456);

  sensor = lactd_store_get_sensor (store, TEST_SENSOR, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sensor->firmware, ==, "0.9.0");
  g_assert_cmpuint (sensor->epoch, ==, 4660);
  g_assert_cmpuint (sensor->acknowledged_seq, ==, 3);
  g_assert_cmpuint (sensor->rejected_records, ==, 0);
  g_assert_cmpuint (sensor->lost_records, ==, 0);
  setting = lactd_store_get_setting (store, "goal.sessions_per_day", &error);
  g_assert_cmpstr (setting, ==, "9");

  /* Exact sums over the converted volumes, on each session's own day;
   * session 3 has an unsynced clock and counts toward no day (dbus-api,
   * turn 2), its converted volume is checked above. */
  days = lactd_store_daily_summary (store, store_test_julian (2025, 1, 1),
                                    store_test_julian (2025, 1, 1), NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_array_index (days, LactdDaySummary, 0).sessions, ==, 3);
  g_assert_cmpint (g_array_index (days, LactdDaySummary, 0).expressed_tenths,
                   ==, 125 + 73 + 1);
  g_assert_cmpint (g_array_index (days, LactdDaySummary, 0).supplement_tenths,
                   ==, 456);

  /* A migrated record sent again is recognised as stored. */
  again = g_array_index (sessions, LactdSession, 0);
  batch = lactd_store_batch_begin (store, TEST_SENSOR, 4660, &error);
  g_assert_true (lactd_store_batch_add_session (batch, &again, &result,
                                                &error));
  g_assert_cmpint (result, ==, LACTD_ADD_DUPLICATE);
  g_assert_true (lactd_store_batch_commit (batch, &ack, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ack, ==, 3);

  /* Opening again migrates nothing. */
  g_clear_pointer (&store, lactd_store_free);
  store = lactd_store_open (t->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lactd_store_get_schema_version (store), ==, 3);
}

static void
add_manual_at (LactdStore *store, gint64 start, guint64 *id)
{
  LactdSession s = store_test_session (start, 0);

  *id = store_test_add (store, &s);
}

/* Schema 2 to 3 (ids never reused): every row keeps its id and values,
 * the sequence continues above the highest id present, the indexes are
 * back, and a deleted highest id is not handed out again, across a
 * restart too. */
static void
test_migration_v2 (TempDir *t, gconstpointer data)
{
  static const guint64 expected_ids[] = { 1, 2, 4, 7 };
  g_autoptr(GError) error = NULL;
  g_autofree char *sql_path = g_build_filename (STORE_TEST_DATA_DIR,
                                                "schema-v2.sql", NULL);
  g_autofree char *sql = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(GArray) sessions = NULL;
  LactdStoreBatch *batch;
  LactdSession again;
  LactdAddResult result;
  guint32 ack = 0;
  guint64 id = 0, deleted;
  const LactdSession *s;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  g_assert_no_error (error);
  sql_exec (t->path, sql);
  g_assert_cmpint (store_test_sql_int (t->path, "PRAGMA user_version"), ==, 2);

  g_test_expect_message ("lactd-store", G_LOG_LEVEL_MESSAGE,
                         "*migrated schema from version 2 to 3*");
  store = lactd_store_open (t->path, &error);
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  g_assert_cmpint (lactd_store_get_schema_version (store), ==, 3);
  g_assert_cmpint (store_test_sql_int (t->path, "SELECT instr(sql, "
                                       "'AUTOINCREMENT') > 0 FROM "
                                       "sqlite_master WHERE name = "
                                       "'sessions'"), ==, 1);
  g_assert_cmpint (store_test_sql_int (t->path, "SELECT count(*) FROM "
                                       "sqlite_master WHERE type = 'index' "
                                       "AND tbl_name = 'sessions' AND name "
                                       "IN ('sessions_sensor_key', "
                                       "'sessions_start')"), ==, 2);
  g_assert_cmpint (store_test_sql_int (t->path, "SELECT seq FROM "
                                       "sqlite_sequence WHERE name = "
                                       "'sessions'"), ==, 7);

  sessions = lactd_store_list_sessions (store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, G_N_ELEMENTS (expected_ids));
  for (guint i = 0; i < sessions->len; i++)
    g_assert_cmpuint (g_array_index (sessions, LactdSession, i).id, ==,
                      expected_ids[i]);
  s = &g_array_index (sessions, LactdSession, 1);
  g_assert_true (s->from_sensor);
  g_assert_cmpint (s->kind, ==, LACTD_SESSION_KIND_SNS);
  g_assert_cmpuint (s->seq, ==, 2);
  g_assert_true (s->interrupted);
  g_assert_cmpint (s->volume_left_tenths, ==, 903);
  g_assert_cmpint (s->volume_right_tenths, ==, LACTD_VOLUME_NONE);
  g_assert_cmpint (s->supplement_tenths, ==, 584);
  s = &g_array_index (sessions, LactdSession, 2);
  g_assert_true (s->double_sided);
  g_assert_cmpuint (s->duration_right, ==, 1073);
  s = &g_array_index (sessions, LactdSession, 3);
  g_assert_false (s->from_sensor);
  g_assert_cmpint (s->kind, ==, LACTD_SESSION_KIND_HAND);
  g_assert_cmpint (s->utc_offset_min, ==, -300);

  /* New ids continue above the highest. */
  add_manual_at (store, T0 + 86400, &id);
  g_assert_cmpuint (id, ==, 8);
  deleted = id;

  /* The sensor key's index still recognises a stored record. (The insert
   * tried first may use up an id: ids have gaps, never repeats.) */
  again = g_array_index (sessions, LactdSession, 2);
  batch = lactd_store_batch_begin (store, TEST_SENSOR, 1, &error);
  g_assert_true (lactd_store_batch_add_session (batch, &again, &result,
                                                &error));
  g_assert_cmpint (result, ==, LACTD_ADD_DUPLICATE);
  g_assert_cmpuint (again.id, ==, 4);
  g_assert_true (lactd_store_batch_commit (batch, &ack, &error));
  g_assert_no_error (error);

  /* A deleted highest id is not handed out again, after a restart too. */
  g_assert_true (lactd_store_delete_session (store, deleted, &error));
  g_assert_no_error (error);
  g_clear_pointer (&store, lactd_store_free);
  store = lactd_store_open (t->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lactd_store_get_schema_version (store), ==, 3);
  add_manual_at (store, T0 + 86500, &id);
  g_assert_cmpuint (id, >, deleted);
  check_integrity (t->path);
}

static void
test_newer_schema (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;

  sql_exec (t->path, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  store = lactd_store_open (t->path, &error);
  g_assert_null (store);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, t->path));
  g_assert_cmpint (store_test_sql_int (t->path, "PRAGMA user_version"), ==,
                   99);
}

/* Opens a damaged store: moved aside byte for byte, a fresh healthy store
 * with what could be salvaged (returned), a note saying so. */
static GArray *
check_recovered (TempDir *t, const char *expected_content, gsize length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(GArray) sessions = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *salvaged = NULL;
  gsize moved_length = 0;
  const char *recovered;
  const char *note;

  g_test_expect_message ("lactd-store", G_LOG_LEVEL_WARNING,
                         "*not a healthy SQLite database*moved it aside*");
  store = lactd_store_open (t->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_test_assert_expected_messages ();

  recovered = lactd_store_get_recovered_path (store);
  g_assert_nonnull (recovered);
  pattern = g_strdup_printf ("%s.corrupt-2???????T??????Z", t->path);
  g_assert_true (g_pattern_match_simple (pattern, recovered));
  g_assert_true (g_file_get_contents (recovered, &moved, &moved_length,
                                      &error));
  g_assert_no_error (error);
  g_assert_cmpmem (moved, moved_length, expected_content, length);

  g_assert_cmpint (lactd_store_get_schema_version (store), ==, 3);
  sessions = lactd_store_list_sessions (store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==,
                    lactd_store_get_salvaged_sessions (store));
  note = lactd_store_get_recovery_note (store);
  g_assert_nonnull (strstr (note, t->path));
  g_assert_nonnull (strstr (note, recovered));
  salvaged = sessions->len == 0
             ? g_strdup ("no session could be salvaged")
             : g_strdup_printf ("%u session%s", sessions->len,
                                sessions->len == 1 ? " was" : "s were");
  g_assert_nonnull (strstr (note, salvaged));
  check_integrity (t->path);
  return g_steal_pointer (&sessions);
}

static void
test_corrupt_garbage (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autoptr(GArray) salvaged = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append (garbage, "this is not an SQLite database\n");
  g_assert_true (g_file_set_contents (t->path, garbage->str, garbage->len,
                                      &error));
  salvaged = check_recovered (t, garbage->str, garbage->len);
  g_assert_cmpuint (salvaged->len, ==, 0);
}

static void
test_corrupt_truncated (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(GArray) salvaged = NULL;
  g_autofree char *content = NULL;
  gsize length = 0;

  store = lactd_store_open (t->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3000; i++)
    {
      LactdSession s = store_test_session (T0 + i * 7200, 60);
      store_test_add (store, &s);
    }
  g_assert_true (lactd_store_checkpoint (store, &error));
  g_clear_pointer (&store, lactd_store_free);

  g_assert_true (g_file_get_contents (t->path, &content, &length, &error));
  g_assert_cmpuint (length, >, 64 * 1024);
  /* Cut the file in half, on a page boundary, as a lost write would. */
  length = (length / 2) & ~(gsize) 4095;
  g_assert_true (g_file_set_contents (t->path, content, (gssize) length,
                                      &error));
  g_assert_no_error (error);
  /* The first half's sessions are salvaged, each as it was. */
  salvaged = check_recovered (t, content, length);
  g_assert_cmpuint (salvaged->len, >, 500);
  g_assert_cmpuint (salvaged->len, <, 3000);
  for (guint i = 0; i < salvaged->len; i++)
    {
      const LactdSession *s = &g_array_index (salvaged, LactdSession, i);
      g_assert_cmpint (s->start, ==, T0 + i * 7200);
      g_assert_cmpint (s->utc_offset_min, ==, 60);
      g_assert_cmpuint (s->duration_left, ==, 600);
      g_assert_false (s->from_sensor);
    }
}

static void
add_batch (LactdStore *store, guint32 first, guint32 n, guint32 *ack,
           GError **error)
{
  LactdStoreBatch *batch = lactd_store_batch_begin (store, TEST_SENSOR, 1,
                                                    error);

  g_assert_nonnull (batch);
  for (guint32 seq = first; seq < first + n; seq++)
    {
      LactdSession s = store_test_session (T0 + seq * 60, 0);
      s.seq = seq;
      if (!lactd_store_batch_add_session (batch, &s, NULL, error))
        break;
    }
  lactd_store_batch_commit (batch, ack, *error ? NULL : error);
}

static void
test_disk_full (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(GArray) sessions = NULL;
  guint32 ack = G_MAXUINT32;

  store = lactd_store_open (t->path, &error);
  g_assert_no_error (error);
  g_assert_true (lactd_store_remember_sensor (store, TEST_SENSOR, "Pump",
                                              "pump", &error));
  add_batch (store, 1, 10, &ack, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ack, ==, 10);

  /* No room for another page: SQLITE_FULL inside the batch. */
  g_assert_true (lactd_store_set_max_page_count (store, 1, &error));
  g_test_expect_message ("lactd-store", G_LOG_LEVEL_WARNING,
                         "*rolled back*full*");
  ack = G_MAXUINT32;
  add_batch (store, 11, 2000, &ack, &error);
  g_test_assert_expected_messages ();
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "full"));
  g_assert_nonnull (strstr (error->message, t->path));
  g_clear_error (&error);
  g_assert_cmpuint (ack, ==, 0);

  sessions = lactd_store_list_sessions (store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 10);
  g_assert_cmpuint (store_test_highest_seq (store, TEST_SENSOR, 1), ==, 10);

  /* Room again: the store carries on, the same numbers come again. */
  g_assert_true (lactd_store_set_max_page_count (store, 1u << 30, &error));
  add_batch (store, 11, 2000, &ack, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ack, ==, 2010);
  g_assert_cmpint (store_test_sql_int (t->path, "SELECT count(*) FROM sessions"),
                   ==, 2010);
  check_integrity (t->path);
}

static gpointer
release_after_300_ms (gpointer data)
{
  sqlite3 *other = data;

  g_usleep (300 * 1000);
  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  return NULL;
}

/* Another process holding the write lock is waited for (busy_timeout),
 * not reported as an error. */
static void
test_busy_waits (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  LactdStoreBatch *batch;
  LactdSession s = store_test_session (T0, 0);
  sqlite3 *other = NULL;
  GThread *thread;
  gint64 before;
  guint32 ack = 0;

  store = lactd_store_open (t->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (t->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  thread = g_thread_new ("release", release_after_300_ms, other);

  before = g_get_monotonic_time ();
  batch = lactd_store_batch_begin (store, TEST_SENSOR, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_cmpint (g_get_monotonic_time () - before, >=, 200 * 1000);
  s.seq = 1;
  g_assert_true (lactd_store_batch_add_session (batch, &s, NULL, &error));
  g_assert_true (lactd_store_batch_commit (batch, &ack, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ack, ==, 1);

  g_thread_join (thread);
  sqlite3_close (other);
}

static void
expect_storage_error (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = lactd_store_open (path, &error);

  g_assert_null (store);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_unwritable (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (t->dir, "plain-file", NULL);
  g_autofree char *under_file = g_build_filename (file, "lactd.db", NULL);
  g_autofree char *deep = g_build_filename (file, "a", "b", "lactd.db", NULL);

  /* A parent that is a regular file: no one, root included, can create
   * anything under it. */
  g_assert_true (g_file_set_contents (file, "x", 1, &error));
  expect_storage_error (under_file);
  expect_storage_error (deep);
  /* A path that is a directory. */
  expect_storage_error (t->dir);
  /* Under /proc, where no directory can be made. */
  expect_storage_error ("/proc/lactd-store-test/lactd.db");
  /* Nothing was moved aside. */
  g_assert_true (g_file_test (t->dir, G_FILE_TEST_IS_DIR));
}

static void
test_read_only_permissions (TempDir *t, gconstpointer data)
{
  g_autofree char *ro_dir = g_build_filename (t->dir, "ro", NULL);
  g_autofree char *path = g_build_filename (ro_dir, "lactd.db", NULL);

  if (geteuid () == 0)
    {
      /* Root ignores modes; test_unwritable covers what root cannot do. */
      g_test_skip ("permissions do not bind root");
      return;
    }
  g_assert_cmpint (g_mkdir (ro_dir, 0500), ==, 0);
  expect_storage_error (path);
  g_chmod (ro_dir, 0700);
}

static void
test_default_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = lactd_store_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (),
                                                "lactd", "lactd.db", NULL);
  g_autofree char *dir = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autofree char *journal_mode = NULL;
  GStatBuf st;

  g_assert_cmpstr (path, ==, expected);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  store = lactd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lactd_store_get_path (store), ==, path);
  dir = g_path_get_dirname (path);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  journal_mode = store_test_sql_text (path, "PRAGMA journal_mode");
  g_assert_cmpstr (journal_mode, ==, "wal");
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  /* A private XDG_DATA_HOME for the default path, set before GLib reads
   * and caches it (G_TEST_OPTION_ISOLATE_DIRS leaks under LSan). */
  data_home = g_dir_make_tmp ("lactd-store-home-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, TempDir, NULL, temp_setup, func, temp_teardown)
  ADD ("/store/files/migration-v1", test_migration_v1);
  ADD ("/store/files/migration-v2", test_migration_v2);
  ADD ("/store/files/newer-schema", test_newer_schema);
  ADD ("/store/files/corrupt-garbage", test_corrupt_garbage);
  ADD ("/store/files/corrupt-truncated", test_corrupt_truncated);
  ADD ("/store/files/disk-full", test_disk_full);
  ADD ("/store/files/busy-waits", test_busy_waits);
  ADD ("/store/files/unwritable", test_unwritable);
  ADD ("/store/files/read-only-permissions", test_read_only_permissions);
#undef ADD
  g_test_add_func ("/store/files/default-path", test_default_path);
  status = g_test_run ();
  store_test_remove_tree (data_home);
  return status;
}
