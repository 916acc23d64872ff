/* test-store-lock.c — one process per store (the lock beside the
 * database), private files whatever the umask, symbolic links refused,
 * the check at open chosen by how the store was last closed, and the
 * weekly integrity check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-test-util.h"

#define T0 G_GINT64_CONSTANT (1735689600)
#define WEEK LACTD_STORE_INTEGRITY_INTERVAL

typedef struct {
  char *dir;
  char *path;
  char *lock_path;
} TempDir;

static void
temp_setup (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp ("lactd-store-XXXXXX", &error);
  g_assert_no_error (error);
  t->path = g_build_filename (t->dir, "lactd.db", NULL);
  t->lock_path = g_strconcat (t->path, ".lock", NULL);
}

static void
temp_teardown (TempDir *t, gconstpointer data)
{
  store_test_remove_tree (t->dir);
  g_free (t->lock_path);
  g_free (t->path);
  g_free (t->dir);
}

static LactdStore *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  LactdStore *store = lactd_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
write_text (const char *path, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

static void
test_second_open_refused (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) first = open_ok (t->path);
  g_autoptr(LactdStore) second = NULL;
  g_autofree char *pid = g_strdup_printf ("(pid %ld)", (long) getpid ());
  g_autofree char *marker = read_text (t->lock_path);
  LactdSession s = store_test_session (T0, 0);

  g_assert_true (g_str_has_prefix (marker, "running "));
  second = lactd_store_open (t->path, &error);
  g_assert_null (second);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, t->path));
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);

  /* The refused open changed nothing; the first goes on. */
  store_test_add (first, &s);
  g_clear_pointer (&first, lactd_store_free);
  second = open_ok (t->path);
  g_assert_cmpint (store_test_sql_int (t->path,
                                       "SELECT count(*) FROM sessions"), ==, 1);
}

/* Another process's lock (flock(1) would do the same). */
static void
test_locked_by_other_process (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  int ready[2], release[2];
  pid_t child;
  char byte = 0;

  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (release), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      int fd = open (t->lock_path, O_RDWR | O_CREAT, 0600);
      char text[32];
      int n = g_snprintf (text, sizeof text, "running %ld\n",
                          (long) getpid ());
      if (fd < 0 || flock (fd, LOCK_EX) != 0 || write (fd, text, n) != n ||
          write (ready[1], "x", 1) != 1 || read (release[0], &byte, 1) != 1)
        _exit (1);
      _exit (0);
    }
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);

  store = lactd_store_open (t->path, &error);
  g_assert_null (store);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_LOCKED);
  {
    g_autofree char *pid = g_strdup_printf ("(pid %ld)", (long) child);
    g_assert_nonnull (strstr (error->message, pid));
  }
  g_assert_false (g_file_test (t->path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Its death releases the lock. */
  g_assert_cmpint (write (release[1], "x", 1), ==, 1);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  store = open_ok (t->path);
  close (ready[0]);
  close (ready[1]);
  close (release[0]);
  close (release[1]);
}

static void
assert_private (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
}

static void
test_private_files (TempDir *t, gconstpointer data)
{
  g_autoptr(LactdStore) store = NULL;
  g_autofree char *wal = g_strconcat (t->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (t->path, "-shm", NULL);
  g_autofree char *other = g_build_filename (t->dir, "other.db", NULL);
  g_autofree char *other_lock = g_strconcat (other, ".lock", NULL);
  mode_t saved = umask (0);
  LactdSession s = store_test_session (T0, 0);

  store = open_ok (t->path);
  store_test_add (store, &s);
  assert_private (t->path);
  assert_private (wal);
  assert_private (shm);
  assert_private (t->lock_path);
  g_clear_pointer (&store, lactd_store_free);

  /* Files an older lactd left readable are made private. */
  g_assert_cmpint (g_chmod (t->path, 0644), ==, 0);
  g_assert_cmpint (g_chmod (t->lock_path, 0666), ==, 0);
  umask (0277);
  store = open_ok (t->path);
  assert_private (t->path);
  assert_private (t->lock_path);
  g_clear_pointer (&store, lactd_store_free);

  /* New files under a umask that would leave them unwritable. */
  store = open_ok (other);
  store_test_add (store, &s);
  assert_private (other);
  assert_private (other_lock);
  umask (saved);
}

static void
test_symlink_refused (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autofree char *real = g_build_filename (t->dir, "real.db", NULL);
  g_autofree char *real_lock = g_strconcat (real, ".lock", NULL);

  store = open_ok (real);
  g_clear_pointer (&store, lactd_store_free);

  g_assert_cmpint (symlink (real, t->path), ==, 0);
  store = lactd_store_open (t->path, &error);
  g_assert_null (store);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, t->path));
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);
  g_assert_false (g_file_test (t->lock_path, G_FILE_TEST_EXISTS));

  /* A lock file that is a symbolic link is refused too. */
  g_assert_cmpint (g_unlink (t->path), ==, 0);
  g_assert_cmpint (symlink (real_lock, t->lock_path), ==, 0);
  store = lactd_store_open (t->path, &error);
  g_assert_null (store);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_assert_false (g_file_test (t->path, G_FILE_TEST_EXISTS));
}

/* The check at open follows the lock file's marker. */
static void
test_check_after_close (TempDir *t, gconstpointer data)
{
  g_autoptr(LactdStore) store = open_ok (t->path);
  g_autofree char *marker = NULL;
  LactdSession s = store_test_session (T0, 0);

  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_NONE);   /* a new file */
  store_test_add (store, &s);
  g_clear_pointer (&store, lactd_store_free);
  marker = read_text (t->lock_path);
  g_assert_cmpstr (marker, ==, "clean\n");

  store = open_ok (t->path);
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_NONE);
  g_clear_pointer (&store, lactd_store_free);

  /* What a crash leaves; no marker at all (an older lactd's store). */
  write_text (t->lock_path, "running 1\n");
  store = open_ok (t->path);
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_QUICK);
  g_clear_pointer (&store, lactd_store_free);
  g_assert_cmpint (g_unlink (t->lock_path), ==, 0);
  store = open_ok (t->path);
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_QUICK);
  g_clear_pointer (&store, lactd_store_free);

  write_text (t->lock_path, "damaged\n");
  store = open_ok (t->path);
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_FULL);
  g_assert_cmpint (store_test_sql_int (t->path,
                                       "SELECT count(*) FROM sessions"), ==, 1);
}

/* A process that dies with the store open leaves it marked running. */
static void
test_crash_leaves_marker (TempDir *t, gconstpointer data)
{
  g_autoptr(LactdStore) store = NULL;
  pid_t child = fork ();
  int status = -1;

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      LactdStore *dying = lactd_store_open (t->path, NULL);
      LactdSession s = store_test_session (T0, 0);
      _exit (dying != NULL &&
             lactd_store_add_manual (dying, &s, T0, NULL) ? 0 : 1);
    }
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  store = open_ok (t->path);
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_QUICK);
  g_assert_cmpint (store_test_sql_int (t->path,
                                       "SELECT count(*) FROM sessions"), ==, 1);
}

/* Overwrites one page of the file (page numbers from 1). */
static void
damage_page (const char *path, gint64 page)
{
  g_autofree char *garbage = g_malloc (4096);
  int fd = open (path, O_WRONLY);

  memset (garbage, 0xa5, 4096);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, garbage, 4096, (page - 1) * 4096), ==, 4096);
  close (fd);
}

static void
add_sessions (LactdStore *store, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      LactdSession s = store_test_session (T0 + i * 3600, 0);
      store_test_add (store, &s);
    }
}

/* Damage to a closed store: the weekly check finds it, the next open
 * checks fully, moves the file aside and salvages every session (only the
 * index was hit). */
static void
test_integrity_schedule (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = open_ok (t->path);
  g_autofree char *problem = NULL;
  g_autofree char *marker = NULL;
  gint stop = 0;
  gint64 index_page;

  g_assert_true (lactd_store_integrity_check_due (store, T0));
  add_sessions (store, 400);
  g_assert_true (lactd_store_verify_integrity (t->path, &stop, &problem,
                                               &error));
  g_assert_no_error (error);
  g_assert_null (problem);
  g_test_expect_message ("lactd-store", G_LOG_LEVEL_MESSAGE,
                         "*passed its integrity check*");
  g_assert_true (lactd_store_record_integrity (store, T0, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_false (lactd_store_integrity_check_due (store, T0 + WEEK - 1));
  g_assert_true (lactd_store_integrity_check_due (store, T0 + WEEK));
  g_assert_true (lactd_store_checkpoint (store, &error));
  g_clear_pointer (&store, lactd_store_free);

  index_page = store_test_sql_int (t->path, "SELECT rootpage FROM "
                                   "sqlite_schema WHERE name = "
                                   "'sessions_start'");
  damage_page (t->path, index_page);
  store = open_ok (t->path);   /* closed cleanly: not checked */
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_NONE);
  g_assert_true (lactd_store_verify_integrity (t->path, &stop, &problem,
                                               &error));
  g_assert_no_error (error);
  g_assert_nonnull (problem);
  g_test_expect_message ("lactd-store", G_LOG_LEVEL_WARNING,
                         "*failed its integrity check*next start*");
  g_assert_true (lactd_store_record_integrity (store, T0, problem, &error));
  g_test_assert_expected_messages ();
  g_clear_pointer (&store, lactd_store_free);
  marker = read_text (t->lock_path);
  g_assert_cmpstr (marker, ==, "damaged\n");

  g_test_expect_message ("lactd-store", G_LOG_LEVEL_WARNING,
                         "*not a healthy SQLite database*");
  store = open_ok (t->path);
  g_test_assert_expected_messages ();
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_FULL);
  g_assert_nonnull (lactd_store_get_recovered_path (store));
  g_assert_cmpuint (lactd_store_get_salvaged_sessions (store), ==, 400);
  g_assert_nonnull (strstr (lactd_store_get_recovery_note (store),
                            "400 sessions were salvaged"));
}

/* A query that meets damage marks the store for a full check. */
static void
test_damage_met_at_runtime (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = open_ok (t->path);
  g_autoptr(GArray) list = NULL;
  g_autofree char *marker = NULL;
  gint64 table_page;

  add_sessions (store, 400);
  g_assert_true (lactd_store_checkpoint (store, &error));
  g_clear_pointer (&store, lactd_store_free);
  table_page = store_test_sql_int (t->path, "SELECT rootpage FROM "
                                   "sqlite_schema WHERE name = 'sessions'");
  damage_page (t->path, table_page);

  store = open_ok (t->path);
  list = lactd_store_list_sessions (store, 0, G_MAXINT64, &error);
  g_assert_null (list);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_clear_pointer (&store, lactd_store_free);
  marker = read_text (t->lock_path);
  g_assert_cmpstr (marker, ==, "damaged\n");
}

/* A file replaced by garbage behind a clean close is not checked, but
 * its first read finds it damaged: still moved aside and recovered. */
static void
test_garbage_behind_clean_marker (TempDir *t, gconstpointer data)
{
  g_autoptr(LactdStore) store = open_ok (t->path);
  g_autoptr(GString) garbage = g_string_new (NULL);

  g_clear_pointer (&store, lactd_store_free);
  for (guint i = 0; i < 300; i++)
    g_string_append (garbage, "not a database ");
  write_text (t->path, garbage->str);
  g_test_expect_message ("lactd-store", G_LOG_LEVEL_WARNING,
                         "*not a healthy SQLite database*");
  store = open_ok (t->path);
  g_test_assert_expected_messages ();
  g_assert_cmpint (lactd_store_get_open_check (store), ==,
                   LACTD_STORE_CHECK_NONE);
  g_assert_nonnull (lactd_store_get_recovered_path (store));
  g_assert_nonnull (strstr (lactd_store_get_recovery_note (store),
                            "no session could be salvaged"));
}

/* The check gives up when asked to stop (the daemon is shutting down). */
static void
test_integrity_check_stops (TempDir *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = open_ok (t->path);
  g_autofree char *problem = NULL;
  gint stop = 1;

  add_sessions (store, 2000);
  g_assert_false (lactd_store_verify_integrity (t->path, &stop, &problem,
                                                &error));
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "stopped"));
  g_assert_null (problem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, TempDir, NULL, temp_setup, func, temp_teardown)
  ADD ("/store/lock/second-open-refused", test_second_open_refused);
  ADD ("/store/lock/locked-by-other-process", test_locked_by_other_process);
  ADD ("/store/lock/private-files", test_private_files);
  ADD ("/store/lock/symlink-refused", test_symlink_refused);
  ADD ("/store/lock/check-after-close", test_check_after_close);
  ADD ("/store/lock/crash-leaves-marker", test_crash_leaves_marker);
  ADD ("/store/lock/integrity-schedule", test_integrity_schedule);
  ADD ("/store/lock/damage-met-at-runtime", test_damage_met_at_runtime);
  ADD ("/store/lock/garbage-behind-clean-marker",
       test_garbage_behind_clean_marker);
  ADD ("/store/lock/integrity-check-stops", test_integrity_check_stops);
#undef ADD
  return g_test_run ();
}
