/* store-test-util.h — fixtures shared by the store's unit tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lactd-store.h"

#define TEST_SENSOR "C0:FF:EE:00:00:01"

typedef struct {
  char *dir;          /* fresh temporary directory, removed at teardown */
  char *path;         /* dir/lactd.db */
  LactdStore *store;  /* opened on path */
} StoreFixture;

void store_fixture_setup (StoreFixture *fixture, gconstpointer data);
void store_fixture_teardown (StoreFixture *fixture, gconstpointer data);

/* Removes a directory tree (the test's temporary directory). */
void store_test_remove_tree (const char *path);

/* A valid session: single-sided pump, 10 min left, 5 min right, nothing
 * measured. */
LactdSession store_test_session (gint64 start, gint32 utc_offset_min);

/* GDate julian day of a calendar date. */
guint32 store_test_julian (int year, int month, int day);
/* Unix seconds of a local wall-clock time with a given offset. */
gint64 store_test_local_to_unix (int year, int month, int day, int hour,
                                 int minute, gint32 utc_offset_min);

/* Adds a manual session, asserting success; returns its id. */
guint64 store_test_add (LactdStore *store, LactdSession *session);

/* One integer from SQL on a second connection to path. */
gint64 store_test_sql_int (const char *path, const char *sql);
/* Runs SQL on a second, writable connection to path, asserting success
 * (a test's way to break the store under it). */
void store_test_sql_exec (const char *path, const char *sql);
/* One text value from SQL on a second connection to path. */
char *store_test_sql_text (const char *path, const char *sql);

/* The acknowledgement path's getters, asserting no error. */
guint32 store_test_acknowledged (LactdStore *store, const char *address,
                                 guint32 epoch);
guint32 store_test_highest_seq (LactdStore *store, const char *address,
                                guint32 epoch);
guint32 store_test_count_unhandled (LactdStore *store, const char *address,
                                    guint32 epoch, guint32 first,
                                    guint32 last);
