/* test-goals.c — Goals1 rules with a fake clock and a real store:
 * defaults, SetGoal, Progress, NextDue and the session reminder, live
 * sessions, night and battery reminders, Snooze, Dismiss, restarts, Trend,
 * sessions with an unsynced clock (stored, counted nowhere).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "goals-test-util.h"
#include "lactd-error.h"
#include "lactd-reminders.h"

#define H 3600
#define MINS 60

/* A plain summer Tuesday, 12:00 UTC. */
#define T0 (t_utc (2025, 6, 10, 12, 0))

static void
test_defaults (GoalsFixture *f, gconstpointer data)
{
  GVariant *goal, *trend;
  guint32 u;
  const char *s;
  gboolean b;

  goals_fixture_start (f, T0, "UTC");
  goal = lactd_goals1_get_goal (LACTD_GOALS1 (f->goals));
  g_assert_true (g_variant_lookup (goal, "sessions_per_day", "u", &u));
  g_assert_cmpuint (u, ==, 8);
  g_assert_true (g_variant_lookup (goal, "minutes_per_side", "u", &u));
  g_assert_cmpuint (u, ==, 15);
  g_assert_true (g_variant_lookup (goal, "max_gap_minutes", "u", &u));
  g_assert_cmpuint (u, ==, 180);
  g_assert_true (g_variant_lookup (goal, "night_start", "&s", &s));
  g_assert_cmpstr (s, ==, "01:00");
  g_assert_true (g_variant_lookup (goal, "night_end", "&s", &s));
  g_assert_cmpstr (s, ==, "05:00");
  g_assert_true (g_variant_lookup (goal, "reminders", "b", &b));
  g_assert_true (b);

  g_assert_cmpint (progress_int (f, "sessions"), ==, 0);
  g_assert_cmpint (progress_int (f, "target"), ==, 8);
  g_assert_false (progress_bool (f, "night_done"));
  g_assert_cmpint (progress_int (f, "seconds_left"), ==, 0);
  g_assert_cmpfloat (progress_double (f, "expressed_ml"), ==, 0.0);
  g_assert_cmpint (progress_int (f, "next_due"), ==, 0);
  g_assert_cmpint (next_due (f), ==, 0);

  trend = lactd_goals1_get_trend (LACTD_GOALS1 (f->goals));
  g_assert_false (g_variant_lookup (trend, "own_milk_share", "d", NULL));
  g_assert_true (g_variant_lookup (trend, "first_milk_day", "&s", &s));
  g_assert_cmpstr (s, ==, "");

  /* No session: the next event is local midnight (before tonight's
   * window and its half point). One wake-up, armed. */
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 6, 11, 0, 0));
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);
}

static void
assert_set_goal_fails (GoalsFixture *f, const char *text)
{
  g_autoptr(GVariant) changes = g_variant_ref_sink (g_variant_new_parsed (text));
  g_autoptr(GError) error = NULL;

  g_assert_false (lactd_goals_set_goal (f->goals, changes, &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
}

static void
test_set_goal (GoalsFixture *f, gconstpointer data)
{
  g_autoptr(GVariant) before = NULL;
  GVariant *goal;
  const char *s;
  guint32 u;
  gint64 end;

  goals_fixture_start (f, T0, "UTC");
  end = goals_fixture_add (f, T0 - H, 600, 600, -1, -1, -1);
  g_assert_cmpint (next_due (f), ==, end + 180 * MINS);
  before = g_variant_ref (lactd_goals1_get_goal (LACTD_GOALS1 (f->goals)));

  assert_set_goal_fails (f, "{'sessions_per_day': <@u 0>}");
  assert_set_goal_fails (f, "{'sessions_per_day': <@u 25>}");
  assert_set_goal_fails (f, "{'minutes_per_side': <@u 61>}");
  assert_set_goal_fails (f, "{'max_gap_minutes': <@u 1441>}");
  assert_set_goal_fails (f, "{'max_gap_minutes': <@i 60>}");
  assert_set_goal_fails (f, "{'night_start': <'5:00'>}");
  assert_set_goal_fails (f, "{'night_start': <'24:00'>}");
  assert_set_goal_fails (f, "{'night_start': <'05:00'>}");
  assert_set_goal_fails (f, "{'bogus': <@u 1>}");
  assert_set_goal_fails (f, "{'sessions_per_day': <@u 10>, 'night_end': <'01:00'>}");
  g_assert_true (g_variant_equal (before,
                                  lactd_goals1_get_goal (LACTD_GOALS1 (f->goals))));
  g_assert_cmpint (progress_int (f, "target"), ==, 8);

  /* In force at once. */
  goals_fixture_set_goal (f, "max_gap_minutes", g_variant_new_uint32 (120));
  g_assert_cmpint (next_due (f), ==, end + 120 * MINS);
  goals_fixture_set_goal (f, "sessions_per_day", g_variant_new_uint32 (10));
  g_assert_cmpint (progress_int (f, "target"), ==, 10);
  goals_fixture_set_goal (f, "night_start", g_variant_new_string ("23:30"));
  goals_fixture_set_goal (f, "reminders", g_variant_new_boolean (FALSE));
  g_assert_cmpint (next_due (f), ==, 0);
  g_assert_cmpint (progress_int (f, "next_due"), ==, 0);
  goals_fixture_set_goal (f, "reminders", g_variant_new_boolean (TRUE));

  /* Persisted. */
  goals_fixture_restart (f);
  goal = lactd_goals1_get_goal (LACTD_GOALS1 (f->goals));
  g_assert_true (g_variant_lookup (goal, "max_gap_minutes", "u", &u));
  g_assert_cmpuint (u, ==, 120);
  g_assert_true (g_variant_lookup (goal, "sessions_per_day", "u", &u));
  g_assert_cmpuint (u, ==, 10);
  g_assert_true (g_variant_lookup (goal, "night_start", "&s", &s));
  g_assert_cmpstr (s, ==, "23:30");
  g_assert_cmpint (next_due (f), ==, end + 120 * MINS);
}

static void
test_progress_window (GoalsFixture *f, gconstpointer data)
{
  gint64 old_start = T0 - 23 * H;
  guint changes;

  goals_fixture_start (f, T0, "UTC");
  goals_fixture_set_goal (f, "max_gap_minutes", g_variant_new_uint32 (1440));
  goals_fixture_add (f, old_start, 900, 600, 400, 300, 150);
  goals_fixture_add (f, T0 - H, 300, 0, 200, -1, -1);
  g_assert_cmpint (progress_int (f, "sessions"), ==, 2);
  g_assert_cmpint (progress_int (f, "seconds_left"), ==, 1200);
  g_assert_cmpint (progress_int (f, "seconds_right"), ==, 600);
  g_assert_cmpfloat (fabs (progress_double (f, "expressed_ml") - 90.0), <, 1e-9);
  g_assert_cmpfloat (fabs (progress_double (f, "supplement_ml") - 15.0), <, 1e-9);

  /* The oldest leaves the window 24 h after its start: the one wake-up. */
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==, old_start + 24 * H);

  /* Nothing changes without a change: no PropertiesChanged. */
  changes = f->progress_changes;
  lactd_goal_tracker_refresh (f->tracker);
  g_assert_cmpuint (f->progress_changes, ==, changes);

  lactd_fake_clock_advance_to (goals_fixture_clock (f), old_start + 24 * H - 1);
  g_assert_cmpint (progress_int (f, "sessions"), ==, 2);
  lactd_fake_clock_advance (goals_fixture_clock (f), 1);
  g_assert_cmpint (progress_int (f, "sessions"), ==, 1);
  g_assert_cmpint (progress_int (f, "seconds_left"), ==, 300);
  g_assert_cmpfloat (fabs (progress_double (f, "supplement_ml")), <, 1e-9);
  g_assert_cmpuint (f->progress_changes, ==, changes + 1);
  /* Next: the second session ages out (before midnight UTC? no: 11:00
   * tomorrow is after midnight, so midnight is next). */
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 6, 11, 0, 0));
}

static void
test_session_reminder_once (GoalsFixture *f, gconstpointer data)
{
  gint64 end, due;
  Reminder *r;

  goals_fixture_start (f, T0, "UTC");
  end = goals_fixture_add (f, T0 - 20 * MINS, 600, 600, -1, -1, -1);
  due = end + 180 * MINS;
  g_assert_cmpint (next_due (f), ==, due);
  g_assert_cmpint (progress_int (f, "next_due"), ==, due);
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==, due);

  lactd_fake_clock_advance_to (goals_fixture_clock (f), due - 1);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);
  g_assert_false (lactd_goal_tracker_has_pending (f->tracker));
  lactd_fake_clock_advance (goals_fixture_clock (f), 1);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  r = goals_fixture_last (f);
  g_assert_cmpint (r->due, ==, due);
  g_assert_cmpint (r->at, ==, due);
  g_assert_cmpstr (r->message, ==, "Time to pump: last session ended 3 h ago");
  g_assert_true (lactd_goal_tracker_has_pending (f->tracker));

  /* Never again for this due time, however long it stays pending. */
  lactd_fake_clock_advance (goals_fixture_clock (f), 10 * H);
  lactd_goal_tracker_refresh (f->tracker);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_cmpint (next_due (f), ==, due);

  /* A session starts: no longer pending; a new due. */
  end = goals_fixture_add (f, goals_fixture_now (f), 300, 300, -1, -1, -1);
  g_assert_false (lactd_goal_tracker_has_pending (f->tracker));
  g_assert_cmpint (next_due (f), ==, end + 180 * MINS);
}

static void
test_live_suppresses (GoalsFixture *f, gconstpointer data)
{
  gint64 end, due, live_start;

  goals_fixture_start (f, T0, "UTC");
  end = goals_fixture_add (f, T0 - 3 * H, 600, 600, -1, -1, -1);
  due = end + 180 * MINS;
  lactd_fake_clock_advance_to (goals_fixture_clock (f), due - 5 * MINS);
  live_start = goals_fixture_now (f);
  lactd_goal_tracker_set_live_active (f->tracker, TRUE);
  g_assert_cmpint (next_due (f), ==, 0);
  g_assert_cmpint (progress_int (f, "next_due"), ==, 0);
  lactd_fake_clock_advance (goals_fixture_clock (f), 20 * MINS);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);

  /* SessionEnded comes before the record: the live end counts. */
  lactd_goal_tracker_set_live_active (f->tracker, FALSE);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);
  g_assert_cmpint (next_due (f), ==, goals_fixture_now (f) + 180 * MINS);
  end = goals_fixture_add (f, live_start, 600, 600, -1, -1, -1);
  g_assert_cmpint (next_due (f), ==, MAX (end, goals_fixture_now (f)) + 180 * MINS);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);

  /* A pending reminder ends when a live session begins. */
  lactd_fake_clock_advance (goals_fixture_clock (f), 4 * H);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_true (lactd_goal_tracker_has_pending (f->tracker));
  lactd_goal_tracker_set_live_active (f->tracker, TRUE);
  g_assert_false (lactd_goal_tracker_has_pending (f->tracker));
}

static void
start_night_test (GoalsFixture *f, gint64 now)
{
  goals_fixture_start (f, now, "UTC");
  /* Keep the session reminder out of the way. */
  goals_fixture_set_goal (f, "max_gap_minutes", g_variant_new_uint32 (1440));
}

static void
test_night_reminder (GoalsFixture *f, gconstpointer data)
{
  Reminder *r;

  start_night_test (f, t_utc (2025, 6, 10, 20, 0));
  goals_fixture_add (f, t_utc (2025, 6, 10, 19, 0), 600, 600, -1, -1, -1);
  /* 01:00-05:00 is half over at 03:00. */
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 2, 59));
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 6, 11, 3, 0));
  lactd_fake_clock_advance (goals_fixture_clock (f), 60);
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  r = goals_fixture_last (f);
  g_assert_cmpint (r->due, ==, t_utc (2025, 6, 11, 3, 0));
  g_assert_cmpstr (r->message, ==,
                   "No night session yet: prolactin is highest now");
  g_assert_true (lactd_goal_tracker_has_pending (f->tracker));
  g_assert_false (progress_bool (f, "night_done"));

  /* A session in the window: no longer pending, night done. */
  lactd_fake_clock_advance (goals_fixture_clock (f), 20 * MINS);
  goals_fixture_add (f, goals_fixture_now (f), 600, 600, -1, -1, -1);
  g_assert_false (lactd_goal_tracker_has_pending (f->tracker));
  g_assert_true (progress_bool (f, "night_done"));
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 23, 0));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  /* A new window begins at 01:00: night_done is about that one. */
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 12, 1, 0));
  g_assert_false (progress_bool (f, "night_done"));
}

static void
test_night_session_done (GoalsFixture *f, gconstpointer data)
{
  start_night_test (f, t_utc (2025, 6, 11, 0, 30));
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 1, 30));
  goals_fixture_add (f, t_utc (2025, 6, 11, 1, 30), 600, 600, -1, -1, -1);
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 6, 0));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 0);
}

static void
test_night_crossing_midnight (GoalsFixture *f, gconstpointer data)
{
  start_night_test (f, t_utc (2025, 6, 10, 18, 0));
  goals_fixture_set_goal (f, "night_start", g_variant_new_string ("22:00"));
  goals_fixture_set_goal (f, "night_end", g_variant_new_string ("03:00"));
  goals_fixture_add (f, t_utc (2025, 6, 10, 17, 0), 60, 0, -1, -1, -1);
  /* 22:00-03:00 is half over at 00:30 the next day. */
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 0, 29));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 0);
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 0, 31));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, t_utc (2025, 6, 11, 0, 30));

  /* The next night, a session at 23:00 (before midnight) counts. */
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 23, 0));
  goals_fixture_add (f, goals_fixture_now (f), 60, 0, -1, -1, -1);
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 12, 4, 0));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
}

static void
test_night_own_offset (GoalsFixture *f, gconstpointer data)
{
  /* A session logged in another zone counts by its own local time: at
   * 02:00 UTC but 04:00 local (+120) it is still inside 01:00-05:00; one
   * at 00:30 UTC but 23:30 local (-60) is not. */
  start_night_test (f, t_utc (2025, 6, 11, 0, 40));
  goals_fixture_add_offset (f, t_utc (2025, 6, 11, 0, 30), -60, 600);
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 3, 30));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  g_assert_false (progress_bool (f, "night_done"));

  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 12, 0, 0));
  goals_fixture_add_offset (f, t_utc (2025, 6, 12, 0, 0), 120, 600);
  g_assert_false (progress_bool (f, "night_done"));
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 12, 1, 0));
  /* 00:00 UTC at +120 is 02:00 local on the 12th: in tonight's window. */
  g_assert_true (progress_bool (f, "night_done"));
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 12, 4, 0));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
}

static void
test_battery (GoalsFixture *f, gconstpointer data)
{
  const char *addr = "C0:FF:EE:00:00:01";

  goals_fixture_start (f, T0, "UTC");
  lactd_goal_tracker_battery_level (f->tracker, addr, 50);
  lactd_goal_tracker_battery_level (f->tracker, addr, 255);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);
  lactd_goal_tracker_battery_level (f->tracker, addr, 15);
  g_assert_cmpuint (goals_fixture_count (f, "battery"), ==, 1);
  g_assert_cmpstr (goals_fixture_last (f)->message, ==,
                   "Sensor C0:FF:EE:00:00:01 battery at 15 %");
  g_assert_cmpint (goals_fixture_last (f)->due, ==, T0);
  lactd_goal_tracker_battery_level (f->tracker, addr, 12);
  lactd_goal_tracker_battery_level (f->tracker, addr, 15);
  g_assert_cmpuint (goals_fixture_count (f, "battery"), ==, 1);
  /* Not a pending reminder. */
  g_assert_false (lactd_goal_tracker_has_pending (f->tracker));

  /* Another sensor is its own. */
  lactd_goal_tracker_battery_level (f->tracker, "C0:FF:EE:00:00:02", 5);
  g_assert_cmpuint (goals_fixture_count (f, "battery"), ==, 2);

  /* A restart does not repeat it. */
  goals_fixture_restart (f);
  lactd_goal_tracker_battery_level (f->tracker, addr, 11);
  g_assert_cmpuint (goals_fixture_count (f, "battery"), ==, 2);

  /* Recovered (charged), then falling again: once more. */
  lactd_goal_tracker_battery_level (f->tracker, addr, 16);
  lactd_goal_tracker_battery_level (f->tracker, addr, 90);
  lactd_goal_tracker_battery_level (f->tracker, addr, 14);
  g_assert_cmpuint (goals_fixture_count (f, "battery"), ==, 3);
  g_assert_cmpstr (goals_fixture_last (f)->message, ==,
                   "Sensor C0:FF:EE:00:00:01 battery at 14 %");
}

/* Counts the calls after which something was committed to the store. */
static guint
battery_levels (GoalsFixture *f, const char *addr, const guint8 *levels,
                guint n_levels, guint rounds)
{
  guint writes = 0;

  for (guint r = 0; r < rounds; r++)
    for (guint i = 0; i < n_levels; i++)
      {
        lactd_goal_tracker_battery_level (f->tracker, addr, levels[i]);
        writes += goals_fixture_store_written (f) ? 1 : 0;
      }
  return writes;
}

static void
test_battery_jitter (GoalsFixture *f, gconstpointer data)
{
  const char *addr = "C0:FF:EE:00:00:01";
  static const guint8 jitter[] = { 15, 16 };
  static const guint8 below_rearm[] = { 14, 20, 25, 16, 15 };
  guint writes;

  goals_fixture_start (f, T0, "UTC");
  lactd_goal_tracker_battery_level (f->tracker, addr, 40);
  (void) goals_fixture_store_written (f);

  /* 30 alternations 15 <-> 16: one reminder, one write (the low mark). */
  writes = battery_levels (f, addr, jitter, G_N_ELEMENTS (jitter), 30);
  g_assert_cmpuint (goals_fixture_count (f, "battery"), ==, 1);
  g_assert_cmpuint (writes, ==, 1);

  /* Still low after a restart: jitter up to 25 % neither reminds nor
   * writes. */
  goals_fixture_restart (f);
  (void) goals_fixture_store_written (f);
  writes = battery_levels (f, addr, below_rearm, G_N_ELEMENTS (below_rearm),
                           10);
  g_assert_cmpuint (goals_fixture_count (f, "battery"), ==, 1);
  g_assert_cmpuint (writes, ==, 0);

  /* Above 25 %: re-armed (one write), persisted across a restart, and the
   * next fall reminds once more. */
  lactd_goal_tracker_battery_level (f->tracker, addr, 26);
  g_assert_true (goals_fixture_store_written (f));
  lactd_goal_tracker_battery_level (f->tracker, addr, 30);
  g_assert_false (goals_fixture_store_written (f));
  goals_fixture_restart (f);
  (void) goals_fixture_store_written (f);
  writes = battery_levels (f, addr, jitter, G_N_ELEMENTS (jitter), 30);
  g_assert_cmpuint (goals_fixture_count (f, "battery"), ==, 2);
  g_assert_cmpuint (writes, ==, 1);
  g_assert_cmpstr (goals_fixture_last (f)->message, ==,
                   "Sensor C0:FF:EE:00:00:01 battery at 15 %");
}

static gint64
fire_session_reminder (GoalsFixture *f)
{
  gint64 end = goals_fixture_add (f, T0 - 30 * MINS, 600, 600, -1, -1, -1);
  gint64 due = end + 180 * MINS;

  lactd_fake_clock_advance_to (goals_fixture_clock (f), due + 5 * MINS);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  return due;
}

static void
test_snooze (GoalsFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 until, end;

  goals_fixture_start (f, T0, "UTC");
  g_assert_false (lactd_goals_snooze (f->goals, 10, &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  end = goals_fixture_add (f, T0 - 30 * MINS, 600, 600, -1, -1, -1);
  /* Before its ReminderDue nothing is pending. */
  g_assert_false (lactd_goals_snooze (f->goals, 10, &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  lactd_fake_clock_advance_to (goals_fixture_clock (f), end + 185 * MINS);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_false (lactd_goals_snooze (f->goals, 0, &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  g_assert_false (lactd_goals_snooze (f->goals, 241, &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  g_assert_true (lactd_goals_snooze (f->goals, 10, &error));
  g_assert_no_error (error);
  until = goals_fixture_now (f) + 10 * MINS;
  g_assert_cmpint (next_due (f), ==, until);
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==, until);
  g_assert_true (lactd_goal_tracker_has_pending (f->tracker));

  lactd_fake_clock_advance_to (goals_fixture_clock (f), until - 1);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  lactd_fake_clock_advance (goals_fixture_clock (f), 1);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 2);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, until);
  lactd_fake_clock_advance (goals_fixture_clock (f), H);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 2);

  /* Snoozing again works; so does it across a restart. */
  g_assert_true (lactd_goals_snooze (f->goals, 30, &error));
  until = goals_fixture_now (f) + 30 * MINS;
  goals_fixture_restart (f);
  g_assert_cmpint (next_due (f), ==, until);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), until);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 3);
  goals_fixture_restart (f);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 3);
}

static void
test_dismiss (GoalsFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 due, end;

  goals_fixture_start (f, T0, "UTC");
  /* Nothing pending: nothing happens. */
  end = goals_fixture_add (f, T0 - 30 * MINS, 600, 600, -1, -1, -1);
  g_assert_true (lactd_goals_dismiss (f->goals, &error));
  g_assert_no_error (error);
  g_assert_cmpint (next_due (f), ==, end + 180 * MINS);

  lactd_fake_clock_advance_to (goals_fixture_clock (f), end + 181 * MINS);
  due = end + 180 * MINS;
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_true (lactd_goals_dismiss (f->goals, &error));
  g_assert_cmpint (next_due (f), ==, 0);
  g_assert_cmpint (progress_int (f, "next_due"), ==, 0);
  g_assert_false (lactd_goal_tracker_has_pending (f->tracker));
  g_assert_false (lactd_goals_snooze (f->goals, 5, &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Survives a restart. */
  goals_fixture_restart (f);
  g_assert_cmpint (next_due (f), ==, 0);
  lactd_fake_clock_advance (goals_fixture_clock (f), 5 * H);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);

  /* Until the next session. */
  end = goals_fixture_add (f, goals_fixture_now (f), 600, 0, -1, -1, -1);
  g_assert_cmpint (next_due (f), ==, end + 180 * MINS);
  g_assert_cmpint (next_due (f), !=, due);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), end + 180 * MINS);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 2);
}

static void
test_restart_no_repeat (GoalsFixture *f, gconstpointer data)
{
  goals_fixture_start (f, T0, "UTC");
  fire_session_reminder (f);
  goals_fixture_restart (f);
  goals_fixture_restart (f);
  lactd_fake_clock_advance (goals_fixture_clock (f), 2 * H);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_true (lactd_goal_tracker_has_pending (f->tracker));
}

static void
test_due_while_down (GoalsFixture *f, gconstpointer data)
{
  gint64 end, due;

  goals_fixture_start (f, T0, "UTC");
  end = goals_fixture_add (f, T0 - 30 * MINS, 600, 600, -1, -1, -1);
  due = end + 180 * MINS;
  goals_fixture_stop (f);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), due + H);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);

  goals_fixture_resume (f);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, due);
  g_assert_cmpint (goals_fixture_last (f)->at, ==, due + H);
  g_assert_cmpstr (goals_fixture_last (f)->message, ==,
                   "Time to pump: last session ended 4 h ago");
  goals_fixture_restart (f);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);

  /* A dismissed one is not pending: not emitted at start-up. */
  g_assert_true (lactd_goals_dismiss (f->goals, NULL));
  end = goals_fixture_add (f, goals_fixture_now (f), 60, 0, -1, -1, -1);
  g_assert_true (lactd_goals_dismiss (f->goals, NULL)); /* none pending */
  goals_fixture_stop (f);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), end + 200 * MINS);
  goals_fixture_resume (f);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 2);
}

static void
test_not_before_start (GoalsFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdGoalTracker) tracker = NULL;
  gint64 end;

  /* lactd_goal_tracker_new() alone emits nothing (the bus name is not
   * owned yet) and records nothing as emitted. */
  goals_fixture_start (f, T0, "UTC");
  end = goals_fixture_add (f, T0 - 30 * MINS, 600, 600, -1, -1, -1);
  goals_fixture_stop (f);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), end + 200 * MINS);
  f->store = lactd_store_open (f->path, &error);
  g_assert_no_error (error);
  tracker = lactd_goal_tracker_new (f->store, f->clock, &error);
  g_assert_no_error (error);
  g_clear_object (&tracker);
  g_clear_pointer (&f->store, lactd_store_free);
  goals_fixture_resume (f);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
}

static void
test_reminders_off (GoalsFixture *f, gconstpointer data)
{
  goals_fixture_start (f, t_utc (2025, 6, 10, 22, 0), "UTC");
  goals_fixture_set_goal (f, "reminders", g_variant_new_boolean (FALSE));
  goals_fixture_add (f, t_utc (2025, 6, 10, 21, 0), 600, 600, -1, -1, -1);
  g_assert_cmpint (next_due (f), ==, 0);
  lactd_goal_tracker_battery_level (f->tracker, "C0:FF:EE:00:00:01", 3);
  lactd_fake_clock_advance (goals_fixture_clock (f), 12 * H);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);
  /* Still one wake-up (midnight, the window, aging), never none. */
  g_assert_cmpint (lactd_clock_get_armed (f->clock), >, goals_fixture_now (f));
}

static void
assert_trend (GoalsFixture *f, double expressed, double supplement,
              double share, const char *first_milk_day)
{
  GVariant *trend = lactd_goals1_get_trend (LACTD_GOALS1 (f->goals));
  double d;
  const char *s;

  g_assert_true (g_variant_lookup (trend, "expressed_ml_per_day", "d", &d));
  g_assert_cmpfloat (fabs (d - expressed), <, 1e-9);
  g_assert_true (g_variant_lookup (trend, "supplement_ml_per_day", "d", &d));
  g_assert_cmpfloat (fabs (d - supplement), <, 1e-9);
  if (share < 0)
    g_assert_false (g_variant_lookup (trend, "own_milk_share", "d", &d));
  else
    {
      g_assert_true (g_variant_lookup (trend, "own_milk_share", "d", &d));
      g_assert_cmpfloat (fabs (d - share), <, 1e-9);
    }
  g_assert_true (g_variant_lookup (trend, "first_milk_day", "&s", &s));
  g_assert_cmpstr (s, ==, first_milk_day);
}

static void
test_trend (GoalsFixture *f, gconstpointer data)
{
  guint changes;

  goals_fixture_start (f, T0, "UTC");
  /* Only the Trend timer matters here. */
  goals_fixture_set_goal (f, "reminders", g_variant_new_boolean (FALSE));
  /* No volume at all: share absent, no first milk day. */
  goals_fixture_add (f, t_utc (2025, 6, 7, 9, 0), 600, 600, -1, -1, -1);
  assert_trend (f, 0.0, 0.0, -1.0, "");

  /* 7 Jun: 50+50 mL and 20 mL supplement; 9 Jun: 30 mL; today excluded.
   * Days counted: 7, 8, 9 Jun. */
  goals_fixture_add (f, t_utc (2025, 6, 7, 12, 0), 600, 600, 500, 500, 200);
  goals_fixture_add (f, t_utc (2025, 6, 9, 12, 0), 600, 0, 300, -1, -1);
  goals_fixture_add (f, T0 - H, 600, 0, 1000, -1, -1);
  assert_trend (f, 43.3, 6.7, 130.0 / 150.0, "2025-06-07");

  /* Only supplement on a day before: share 0 is present. */
  goals_fixture_add (f, t_utc (2025, 6, 3, 12, 0), 60, 0, -1, -1, 100);
  /* 8 days ago: outside the 7 days, but first milk is over all history. */
  goals_fixture_add (f, t_utc (2025, 6, 2, 12, 0), 60, 0, 10, -1, -1);
  /* Now 3 Jun - 9 Jun: 7 days; 130 expressed, 30 supplement. */
  assert_trend (f, 18.6, 4.3, 130.0 / 160.0, "2025-06-02");

  /* Local midnight moves the window: today's 100 mL enters, 3 Jun leaves. */
  changes = f->trend_changes;
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 6, 11, 0, 0));
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 0, 0));
  g_assert_cmpuint (f->trend_changes, ==, changes + 1);
  assert_trend (f, 32.9, 2.9, 230.0 / 250.0, "2025-06-02");
}

static void
test_only_supplement_share (GoalsFixture *f, gconstpointer data)
{
  goals_fixture_start (f, T0, "UTC");
  goals_fixture_add (f, t_utc (2025, 6, 9, 12, 0), 600, 0, -1, -1, 2500);
  assert_trend (f, 0.0, 250.0, 0.0, "");
}

/* A start as erased flash reads (2106-02-07), the unsynced sensor's
 * usual "no idea". */
#define START_ERASED G_GINT64_CONSTANT (0xFFFFFFFF)

static void
test_clock_unsynced (GoalsFixture *f, gconstpointer data)
{
  gint64 end, due;

  /* Stored, but as if nothing were: no Progress, NextDue, Trend, no
   * wake-up in 2106 (the next one is local midnight), no reminder. */
  goals_fixture_start (f, T0, "UTC");
  goals_fixture_add_sensor_session (f, 1, START_ERASED, 600, 1000, TRUE);
  goals_fixture_add_sensor_session (f, 2, 0, 600, 500, TRUE);
  goals_fixture_add_sensor_session (f, 3, T0 - 20 * H, 600, 700, TRUE);
  g_assert_cmpint (progress_int (f, "sessions"), ==, 0);
  g_assert_cmpfloat (fabs (progress_double (f, "expressed_ml")), <, 1e-9);
  g_assert_cmpint (next_due (f), ==, 0);
  g_assert_cmpint (progress_int (f, "next_due"), ==, 0);
  assert_trend (f, 0.0, 0.0, -1.0, "");
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 6, 11, 0, 0));

  /* A synced session sets NextDue and reminds at its own due. */
  end = T0 - 20 * MINS;
  goals_fixture_add_sensor_session (f, 4, T0 - 30 * MINS, 600, 400, FALSE);
  due = end + 180 * MINS;
  g_assert_cmpint (progress_int (f, "sessions"), ==, 1);
  g_assert_cmpfloat (fabs (progress_double (f, "expressed_ml") - 40.0), <,
                     1e-9);
  g_assert_cmpint (next_due (f), ==, due);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), due);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, due);

  /* An unsynced session "started" inside tonight's window neither ends
   * the pending reminder nor counts as the night's session. */
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 1, 30));
  goals_fixture_add_sensor_session (f, 5, goals_fixture_now (f), 600, 300,
                                    TRUE);
  g_assert_false (progress_bool (f, "night_done"));
  g_assert_cmpint (progress_int (f, "sessions"), ==, 1);
  g_assert_cmpint (next_due (f), ==, due);
  g_assert_true (lactd_goal_tracker_has_pending (f->tracker));
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 3, 0));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);

  /* Trend over 4-10 Jun: only the synced 40 mL, counted from its day
   * (not from 1970), and the first milk day is its day. */
  assert_trend (f, 40.0, 0.0, 1.0, "2025-06-10");
}

static void
test_state_roundtrip (void)
{
  LactdReminderState state, parsed;
  g_autofree char *str = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;

  lactd_reminder_state_init (&state);
  lactd_reminder_state_init (&parsed);
  state.session_emitted = 1749556800;
  state.night_emitted = 1749610800;
  state.snooze_kind = LACTD_REMINDER_NIGHT;
  state.snooze_due = 1749610800;
  state.snooze_until = 1749611400;
  state.snooze_emitted = 1749611400;
  state.dismissed_end = 1749550000;
  state.night_dismissed = 1749524400;
  g_ptr_array_add (state.battery_low, g_strdup ("C0:FF:EE:00:00:01"));
  g_ptr_array_add (state.battery_low, g_strdup ("C0:FF:EE:00:00:02"));
  str = lactd_reminder_state_to_string (&state);
  g_assert_true (lactd_reminder_state_parse (str, &parsed, &error));
  g_assert_no_error (error);
  again = lactd_reminder_state_to_string (&parsed);
  g_assert_cmpstr (str, ==, again);
  g_assert_cmpint (parsed.snooze_kind, ==, LACTD_REMINDER_NIGHT);
  g_assert_cmpuint (parsed.battery_low->len, ==, 2);

  /* Unknown keys (a later version) are ignored; garbage fails whole. */
  g_assert_true (lactd_reminder_state_parse ("future=1;session_emitted=5",
                                             &parsed, &error));
  g_assert_cmpint (parsed.session_emitted, ==, 5);
  g_assert_cmpint (parsed.night_emitted, ==, 0);
  g_assert_false (lactd_reminder_state_parse ("session_emitted=x", &parsed,
                                              &error));
  g_assert_nonnull (error);
  g_assert_cmpint (parsed.session_emitted, ==, 5);
  g_assert_true (lactd_reminder_state_parse (NULL, &parsed, NULL));
  g_assert_cmpint (parsed.session_emitted, ==, 0);

  lactd_reminder_state_clear (&state);
  lactd_reminder_state_clear (&parsed);
}

static void
test_damaged_settings (GoalsFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint32 u;

  /* A damaged setting must not keep the daemon down: defaults, a
   * warning, and the next SetGoal repairs it. */
  g_assert_true (lactd_store_set_setting (f->store, "goal",
                                          "max_gap_minutes=0", &error));
  g_assert_true (lactd_store_set_setting (f->store, "reminders",
                                          "snooze=1,2", &error));
  g_test_expect_message ("lactd-goals", G_LOG_LEVEL_WARNING,
                         "Stored goal*unusable*");
  g_test_expect_message ("lactd-goals", G_LOG_LEVEL_WARNING,
                         "*bad snooze*fresh reminder state");
  goals_fixture_start (f, T0, "UTC");
  g_test_assert_expected_messages ();
  g_assert_true (g_variant_lookup (lactd_goals1_get_goal (LACTD_GOALS1 (f->goals)),
                                   "max_gap_minutes", "u", &u));
  g_assert_cmpuint (u, ==, 180);
  goals_fixture_set_goal (f, "max_gap_minutes", g_variant_new_uint32 (90));
  goals_fixture_restart (f);
  g_assert_true (g_variant_lookup (lactd_goals1_get_goal (LACTD_GOALS1 (f->goals)),
                                   "max_gap_minutes", "u", &u));
  g_assert_cmpuint (u, ==, 90);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/goals/state/roundtrip", test_state_roundtrip);

#define ADD(name, fn) \
  g_test_add ("/goals/" name, GoalsFixture, NULL, goals_fixture_setup, fn, \
              goals_fixture_teardown)
  ADD ("defaults", test_defaults);
  ADD ("set-goal", test_set_goal);
  ADD ("progress-window", test_progress_window);
  ADD ("session-reminder-once", test_session_reminder_once);
  ADD ("live-suppresses", test_live_suppresses);
  ADD ("night-reminder", test_night_reminder);
  ADD ("night-session-done", test_night_session_done);
  ADD ("night-crossing-midnight", test_night_crossing_midnight);
  ADD ("night-own-offset", test_night_own_offset);
  ADD ("battery", test_battery);
  ADD ("battery-jitter", test_battery_jitter);
  ADD ("snooze", test_snooze);
  ADD ("dismiss", test_dismiss);
  ADD ("restart-no-repeat", test_restart_no_repeat);
  ADD ("due-while-down", test_due_while_down);
  ADD ("not-before-start", test_not_before_start);
  ADD ("reminders-off", test_reminders_off);
  ADD ("trend", test_trend);
  ADD ("trend-only-supplement", test_only_supplement_share);
  ADD ("damaged-settings", test_damaged_settings);
  ADD ("clock-unsynced", test_clock_unsynced);
#undef ADD

  return g_test_run ();
}
