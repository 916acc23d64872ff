/* store-test-util.c — fixtures shared by the store's unit tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "store-test-util.h"

void
store_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
              !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            store_test_remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

void
store_fixture_setup (StoreFixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("lactd-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "lactd.db", NULL);
  fixture->store = lactd_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

void
store_fixture_teardown (StoreFixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->store, lactd_store_free);
  store_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->path, g_free);
  g_clear_pointer (&fixture->dir, g_free);
}

LactdSession
store_test_session (gint64 start, gint32 utc_offset_min)
{
  LactdSession session;

  memset (&session, 0, sizeof session);
  session.kind = LACTD_SESSION_KIND_PUMP;
  session.start = start;
  session.utc_offset_min = utc_offset_min;
  session.duration_left = 600;
  session.duration_right = 300;
  session.volume_left_tenths = LACTD_VOLUME_NONE;
  session.volume_right_tenths = LACTD_VOLUME_NONE;
  session.supplement_tenths = LACTD_VOLUME_NONE;
  return session;
}

guint32
store_test_julian (int year, int month, int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month,
                  (GDateYear) year);
  return g_date_get_julian (&date);
}

gint64
store_test_local_to_unix (int year, int month, int day, int hour,
                          int minute, gint32 utc_offset_min)
{
  gint64 days = (gint64) store_test_julian (year, month, day) - 719163;

  return days * 86400 + hour * 3600 + minute * 60 - utc_offset_min * 60;
}

guint64
store_test_add (LactdStore *store, LactdSession *session)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lactd_store_add_manual (store, session,
                                         g_get_real_time () / G_USEC_PER_SEC,
                                         &error));
  g_assert_no_error (error);
  g_assert_cmpuint (session->id, >, 0);
  return session->id;
}

gint64
store_test_sql_int (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

void
store_test_sql_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

char *
store_test_sql_text (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

guint32
store_test_acknowledged (LactdStore *store, const char *address,
                         guint32 epoch)
{
  g_autoptr(GError) error = NULL;
  guint32 seq = G_MAXUINT32;

  g_assert_true (lactd_store_get_acknowledged (store, address, epoch, &seq,
                                               &error));
  g_assert_no_error (error);
  return seq;
}

guint32
store_test_highest_seq (LactdStore *store, const char *address, guint32 epoch)
{
  g_autoptr(GError) error = NULL;
  guint32 seq = G_MAXUINT32;

  g_assert_true (lactd_store_highest_seq (store, address, epoch, &seq,
                                          &error));
  g_assert_no_error (error);
  return seq;
}

guint32
store_test_count_unhandled (LactdStore *store, const char *address,
                            guint32 epoch, guint32 first, guint32 last)
{
  g_autoptr(GError) error = NULL;
  guint32 count = G_MAXUINT32;

  g_assert_true (lactd_store_count_unhandled (store, address, epoch, first,
                                              last, &count, &error));
  g_assert_no_error (error);
  return count;
}
