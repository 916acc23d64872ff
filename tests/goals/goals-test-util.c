/* goals-test-util.c — fixtures for the goals unit tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "goals-test-util.h"

gint64
t_utc (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour,
                                                 minute, 0);
  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

gint64
t_local (const char *tz_id, int year, int month, int day, int hour,
         int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (tz_id);
  g_autoptr(GDateTime) dt = NULL;

  g_assert_nonnull (tz);
  dt = g_date_time_new (tz, year, month, day, hour, minute, 0);
  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static void
reminder_free (gpointer data)
{
  Reminder *r = data;

  g_free (r->kind);
  g_free (r->message);
  g_free (r);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

void
goals_fixture_setup (GoalsFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  memset (f, 0, sizeof *f);
  f->dir = g_dir_make_tmp ("lactd-goals-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "lactd.db", NULL);
  f->store = lactd_store_open (f->path, &error);
  g_assert_no_error (error);
  f->reminders = g_ptr_array_new_with_free_func (reminder_free);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &f->observer,
                                    SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  (void) goals_fixture_store_written (f);
}

void
goals_fixture_teardown (GoalsFixture *f, gconstpointer data)
{
  goals_fixture_stop (f);
  g_clear_pointer (&f->observer, sqlite3_close);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->store, lactd_store_free);
  remove_tree (f->dir);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->reminders, g_ptr_array_unref);
}

static void
reminder_due_cb (LactdGoals1 *iface, const char *kind, gint64 due,
                 const char *message, gpointer user_data)
{
  GoalsFixture *f = user_data;
  Reminder *r = g_new0 (Reminder, 1);

  r->kind = g_strdup (kind);
  r->due = due;
  r->message = g_strdup (message);
  r->at = lactd_clock_now (f->clock);
  g_debug ("ReminderDue (%s, %" G_GINT64_FORMAT ", %s) at %" G_GINT64_FORMAT,
           kind, due, message, r->at);
  g_ptr_array_add (f->reminders, r);
}

static void
notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  guint *counter = user_data;

  (*counter)++;
}

void
goals_fixture_resume (GoalsFixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->store == NULL)
    {
      f->store = lactd_store_open (f->path, &error);
      g_assert_no_error (error);
    }
  f->tracker = lactd_goal_tracker_new (f->store, f->clock, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->tracker);
  f->goals = lactd_goals_new (f->tracker);
  g_signal_connect (f->goals, "reminder-due", G_CALLBACK (reminder_due_cb), f);
  g_signal_connect (f->goals, "notify::progress", G_CALLBACK (notify_cb),
                    &f->progress_changes);
  g_signal_connect (f->goals, "notify::trend", G_CALLBACK (notify_cb),
                    &f->trend_changes);
  g_signal_connect (f->goals, "notify::next-due", G_CALLBACK (notify_cb),
                    &f->next_due_changes);
  lactd_goal_tracker_start (f->tracker);
}

void
goals_fixture_start (GoalsFixture *f, gint64 now, const char *tz)
{
  g_assert_null (f->clock);
  f->clock = lactd_fake_clock_new (now, tz);
  goals_fixture_resume (f);
}

void
goals_fixture_stop (GoalsFixture *f)
{
  if (f->goals != NULL)
    g_signal_handlers_disconnect_by_data (f->goals, f);
  g_clear_object (&f->goals);
  g_clear_object (&f->tracker);
  g_clear_pointer (&f->store, lactd_store_free);
}

void
goals_fixture_restart (GoalsFixture *f)
{
  goals_fixture_stop (f);
  goals_fixture_resume (f);
}

LactdFakeClock *
goals_fixture_clock (GoalsFixture *f)
{
  return LACTD_FAKE_CLOCK (f->clock);
}

gint64
goals_fixture_now (GoalsFixture *f)
{
  return lactd_clock_now (f->clock);
}

static gint64
store_session (GoalsFixture *f, LactdSession *s)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lactd_store_add_manual (f->store, s, goals_fixture_now (f),
                                         &error));
  g_assert_no_error (error);
  if (f->goals != NULL)
    lactd_goal_tracker_session_stored (f->tracker);
  return lactd_session_end (s);
}

gint64
goals_fixture_add (GoalsFixture *f, gint64 start, guint32 left,
                   guint32 right, gint32 vol_left, gint32 vol_right,
                   gint32 supplement)
{
  g_autoptr(GTimeZone) tz = lactd_clock_get_timezone (f->clock);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (dt, tz);
  LactdSession s;

  memset (&s, 0, sizeof s);
  s.kind = LACTD_SESSION_KIND_PUMP;
  s.start = start;
  s.utc_offset_min = (gint32) (g_date_time_get_utc_offset (local) /
                               G_TIME_SPAN_MINUTE);
  s.duration_left = left;
  s.duration_right = right;
  s.volume_left_tenths = vol_left;
  s.volume_right_tenths = vol_right;
  s.supplement_tenths = supplement;
  return store_session (f, &s);
}

gint64
goals_fixture_add_offset (GoalsFixture *f, gint64 start, gint32 offset_min,
                          guint32 seconds)
{
  LactdSession s;

  memset (&s, 0, sizeof s);
  s.kind = LACTD_SESSION_KIND_HAND;
  s.start = start;
  s.utc_offset_min = offset_min;
  s.duration_left = seconds;
  s.volume_left_tenths = LACTD_VOLUME_NONE;
  s.volume_right_tenths = LACTD_VOLUME_NONE;
  s.supplement_tenths = LACTD_VOLUME_NONE;
  return store_session (f, &s);
}

gboolean
goals_fixture_store_written (GoalsFixture *f)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version;
  gboolean changed;

  g_assert_cmpint (sqlite3_prepare_v2 (f->observer, "PRAGMA data_version",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  changed = version != f->data_version;
  f->data_version = version;
  return changed;
}

void
goals_fixture_add_sensor_session (GoalsFixture *f, guint32 seq, gint64 start,
                                  guint32 seconds, gint32 vol_left,
                                  gboolean clock_unsynced)
{
  static const char address[] = "C0:FF:EE:00:00:01";
  g_autoptr(GError) error = NULL;
  LactdStoreBatch *batch;
  LactdAddResult result;
  LactdSession s;
  guint32 ack = 0;

  g_assert_true (lactd_store_remember_sensor (f->store, address, "Pump",
                                              "pump", &error));
  g_assert_no_error (error);
  batch = lactd_store_batch_begin (f->store, address, 1, &error);
  g_assert_no_error (error);
  memset (&s, 0, sizeof s);
  s.from_sensor = TRUE;
  s.seq = seq;
  s.kind = LACTD_SESSION_KIND_PUMP;
  s.start = start;
  s.duration_left = seconds;
  s.clock_unsynced = clock_unsynced;
  s.volume_left_tenths = vol_left;
  s.volume_right_tenths = LACTD_VOLUME_NONE;
  s.supplement_tenths = LACTD_VOLUME_NONE;
  g_assert_true (lactd_store_batch_add_session (batch, &s, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, LACTD_ADD_STORED);
  g_assert_true (lactd_store_batch_commit (batch, &ack, &error));
  g_assert_no_error (error);
  if (f->goals != NULL)
    lactd_goal_tracker_session_stored (f->tracker);
}

void
goals_fixture_set_goal (GoalsFixture *f, const char *key, GVariant *value)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;
  g_autoptr(GVariant) changes = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", key, value);
  changes = g_variant_ref_sink (g_variant_builder_end (&b));
  g_assert_true (lactd_goals_set_goal (f->goals, changes, &error));
  g_assert_no_error (error);
}

guint
goals_fixture_count (GoalsFixture *f, const char *kind)
{
  guint n = 0;

  for (guint i = 0; i < f->reminders->len; i++)
    {
      Reminder *r = f->reminders->pdata[i];

      if (kind == NULL || kind[0] == '\0' || g_str_equal (r->kind, kind))
        n++;
    }
  return n;
}

Reminder *
goals_fixture_last (GoalsFixture *f)
{
  g_assert_cmpuint (f->reminders->len, >, 0);
  return f->reminders->pdata[f->reminders->len - 1];
}

static GVariant *
progress_value (GoalsFixture *f, const char *key, const GVariantType *type)
{
  GVariant *progress = lactd_goals1_get_progress (LACTD_GOALS1 (f->goals));
  GVariant *value;

  g_assert_nonnull (progress);
  value = g_variant_lookup_value (progress, key, type);
  g_assert_nonnull (value);
  return value;
}

gint64
progress_int (GoalsFixture *f, const char *key)
{
  g_autoptr(GVariant) v = progress_value (f, key, NULL);

  if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT32))
    return g_variant_get_uint32 (v);
  return g_variant_get_int64 (v);
}

double
progress_double (GoalsFixture *f, const char *key)
{
  g_autoptr(GVariant) v = progress_value (f, key, G_VARIANT_TYPE_DOUBLE);
  return g_variant_get_double (v);
}

gboolean
progress_bool (GoalsFixture *f, const char *key)
{
  g_autoptr(GVariant) v = progress_value (f, key, G_VARIANT_TYPE_BOOLEAN);
  return g_variant_get_boolean (v);
}

gint64
next_due (GoalsFixture *f)
{
  return lactd_goals1_get_next_due (LACTD_GOALS1 (f->goals));
}
