/* test-goals-time.c — time done right: the fake and the real clock, DST
 * days for night windows and midnight, a time-zone change, wall-clock
 * jumps forward and back, and the one armed wake-up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "goals-test-util.h"
#include "lactd-reminders.h"

#define H 3600
#define MINS 60

/* ------------------------------------------------------------ clocks */

static void
count_cb (LactdClock *clock, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_fake_clock (void)
{
  g_autoptr(LactdClock) clock = lactd_fake_clock_new (1000000, "UTC");
  LactdFakeClock *fake = LACTD_FAKE_CLOCK (clock);
  guint fired = 0, changed = 0;

  g_signal_connect (clock, "fired", G_CALLBACK (count_cb), &fired);
  g_signal_connect (clock, "time-changed", G_CALLBACK (count_cb), &changed);
  g_assert_cmpint (lactd_clock_now (clock), ==, 1000000);
  g_assert_cmpint (lactd_clock_get_armed (clock), ==, 0);

  /* One wake-up: arming again replaces it. */
  lactd_clock_arm (clock, 1000100);
  lactd_clock_arm (clock, 1000050);
  g_assert_cmpint (lactd_clock_get_armed (clock), ==, 1000050);
  lactd_fake_clock_advance (fake, 49);
  g_assert_cmpuint (fired, ==, 0);
  lactd_fake_clock_advance (fake, 1);
  g_assert_cmpuint (fired, ==, 1);
  g_assert_cmpint (lactd_clock_get_armed (clock), ==, 0);
  lactd_fake_clock_advance (fake, 1000);
  g_assert_cmpuint (fired, ==, 1);

  lactd_clock_arm (clock, 1002000);
  lactd_clock_disarm (clock);
  lactd_fake_clock_advance (fake, 5000);
  g_assert_cmpuint (fired, ==, 1);

  /* A jump: time-changed, then the wake-up if now past. */
  lactd_clock_arm (clock, lactd_clock_now (clock) + 100);
  lactd_fake_clock_jump (fake, lactd_clock_now (clock) - 500);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (fired, ==, 1);
  lactd_fake_clock_jump (fake, lactd_clock_now (clock) + 10000);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpuint (fired, ==, 2);

  lactd_fake_clock_set_timezone (fake, "Europe/Berlin");
  g_assert_cmpuint (changed, ==, 3);
  {
    g_autoptr(GTimeZone) tz = lactd_clock_get_timezone (clock);
    g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, "Europe/Berlin");
  }
}

static void
quit_cb (LactdClock *clock, gpointer user_data)
{
  g_main_loop_quit (user_data);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
test_real_clock (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdClock) clock = lactd_real_clock_new (&error);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GTimeZone) tz = NULL;
  guint fired = 0, timeout;
  gint64 start;

  g_assert_no_error (error);
  g_assert_nonnull (clock);
  tz = lactd_clock_get_timezone (clock);
  g_assert_nonnull (tz);
  start = lactd_clock_now (clock);
  g_assert_cmpint (ABS (start - g_get_real_time () / G_USEC_PER_SEC), <=, 1);

  /* Disarmed: nothing happens. */
  lactd_clock_arm (clock, start + 1);
  lactd_clock_disarm (clock);
  g_signal_connect (clock, "fired", G_CALLBACK (count_cb), &fired);
  g_signal_connect (clock, "fired", G_CALLBACK (quit_cb), loop);

  /* A past time fires at once; a future one at its second. */
  lactd_clock_arm (clock, start - 10);
  timeout = g_timeout_add_seconds (5, timeout_cb, NULL);
  g_main_loop_run (loop);
  g_assert_cmpuint (fired, ==, 1);
  lactd_clock_arm (clock, start + 2);
  g_main_loop_run (loop);
  g_assert_cmpuint (fired, ==, 2);
  g_assert_cmpint (lactd_clock_now (clock), >=, start + 2);
  g_assert_cmpint (lactd_clock_get_armed (clock), ==, 0);
  g_source_remove (timeout);
}

static void
test_real_clock_tz_env (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdClock) clock = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *old = g_strdup (g_getenv ("TZ"));

  g_setenv ("TZ", "America/New_York", TRUE);
  clock = lactd_real_clock_new (&error);
  g_assert_no_error (error);
  tz = lactd_clock_get_timezone (clock);
  g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, "America/New_York");
  if (old != NULL)
    g_setenv ("TZ", old, TRUE);
  else
    g_unsetenv ("TZ");
}

static void
test_real_clock_localtime_watch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdClock) clock = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *dir = g_dir_make_tmp ("lactd-clock-XXXXXX", &error);
  g_autofree char *link = g_build_filename (dir, "localtime", NULL);
  g_autofree char *next = g_build_filename (dir, "localtime.new", NULL);
  guint changed = 0, timeout;

  g_assert_no_error (error);
  g_assert_cmpint (symlink ("/usr/share/zoneinfo/UTC", link), ==, 0);
  clock = lactd_real_clock_new_full (link, &error);
  g_assert_no_error (error);
  g_signal_connect (clock, "time-changed", G_CALLBACK (count_cb), &changed);
  g_signal_connect (clock, "time-changed", G_CALLBACK (quit_cb), loop);

  /* As timedatectl does: a new symlink renamed over the old one. */
  g_assert_cmpint (symlink ("/usr/share/zoneinfo/Europe/Berlin", next), ==, 0);
  g_assert_cmpint (rename (next, link), ==, 0);
  timeout = g_timeout_add_seconds (10, timeout_cb, NULL);
  g_main_loop_run (loop);
  g_source_remove (timeout);
  g_assert_cmpuint (changed, >=, 1);

  g_clear_object (&clock);
  g_unlink (link);
  g_rmdir (dir);
}

/* ------------------------------------------------------ night windows */

static LactdGoal
goal_with_night (const char *start, const char *end)
{
  LactdGoal goal = lactd_goal_defaults ();

  g_assert_true (lactd_parse_hhmm (start, &goal.night_start_min, NULL));
  g_assert_true (lactd_parse_hhmm (end, &goal.night_end_min, NULL));
  return goal;
}

static guint32
julian (int y, int m, int d)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return g_date_get_julian (&date);
}

static void
test_night_spans_dst (void)
{
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(GTimeZone) ny = g_time_zone_new_identifier ("America/New_York");
  LactdGoal goal = goal_with_night ("01:00", "05:00");
  LactdGoal crossing = goal_with_night ("22:00", "03:00");
  LactdNightSpan span;

  /* An ordinary Berlin night (CET): 00:00Z-04:00Z, half 02:00Z. */
  lactd_night_span_for_day (&goal, berlin, julian (2025, 3, 29), &span);
  g_assert_cmpint (span.start, ==, t_utc (2025, 3, 29, 0, 0));
  g_assert_cmpint (span.end, ==, t_utc (2025, 3, 29, 4, 0));
  g_assert_cmpint (span.half, ==, t_utc (2025, 3, 29, 2, 0));
  /* Spring forward (02:00 -> 03:00): a 3-hour night, half at 01:30Z. */
  lactd_night_span_for_day (&goal, berlin, julian (2025, 3, 30), &span);
  g_assert_cmpint (span.start, ==, t_utc (2025, 3, 30, 0, 0));
  g_assert_cmpint (span.end, ==, t_utc (2025, 3, 30, 3, 0));
  g_assert_cmpint (span.half, ==, t_utc (2025, 3, 30, 1, 30));
  /* Fall back (03:00 -> 02:00): a 5-hour night, half at 01:30Z. */
  lactd_night_span_for_day (&goal, berlin, julian (2025, 10, 26), &span);
  g_assert_cmpint (span.start, ==, t_utc (2025, 10, 25, 23, 0));
  g_assert_cmpint (span.end, ==, t_utc (2025, 10, 26, 4, 0));
  g_assert_cmpint (span.half, ==, t_utc (2025, 10, 26, 1, 30));
  /* A window crossing midnight into the spring-forward day. */
  lactd_night_span_for_day (&crossing, berlin, julian (2025, 3, 29), &span);
  g_assert_cmpint (span.start, ==, t_utc (2025, 3, 29, 21, 0));
  g_assert_cmpint (span.end, ==, t_utc (2025, 3, 30, 1, 0));
  g_assert_cmpint (span.half, ==, t_utc (2025, 3, 29, 23, 0));

  /* New York spring forward (2025-03-09 02:00 EST -> 03:00 EDT). */
  lactd_night_span_for_day (&goal, ny, julian (2025, 3, 9), &span);
  g_assert_cmpint (span.start, ==, t_utc (2025, 3, 9, 6, 0));
  g_assert_cmpint (span.end, ==, t_utc (2025, 3, 9, 9, 0));
  g_assert_cmpint (span.half, ==, t_utc (2025, 3, 9, 7, 30));
  /* Fall back (2025-11-02): 01:00 happens twice; either way the window
   * ends at 05:00 EST and its half is halfway in real time. */
  lactd_night_span_for_day (&goal, ny, julian (2025, 11, 2), &span);
  g_assert_true (span.start == t_utc (2025, 11, 2, 5, 0) ||
                 span.start == t_utc (2025, 11, 2, 6, 0));
  g_assert_cmpint (span.end, ==, t_utc (2025, 11, 2, 10, 0));
  g_assert_cmpint (span.half, ==, span.start + (span.end - span.start) / 2);

  /* The latest begun window and the next one. */
  lactd_night_span_latest_begun (&crossing, berlin,
                                 t_utc (2025, 3, 30, 0, 30), &span);
  g_assert_cmpuint (span.anchor_julian, ==, julian (2025, 3, 29));
  lactd_night_span_next (&crossing, berlin, t_utc (2025, 3, 30, 0, 30),
                         &span);
  g_assert_cmpuint (span.anchor_julian, ==, julian (2025, 3, 30));
  g_assert_cmpint (span.start, ==, t_utc (2025, 3, 30, 20, 0));

  /* Local midnights on DST days. */
  g_assert_cmpint (lactd_local_midnight (berlin, julian (2025, 3, 30)), ==,
                   t_utc (2025, 3, 29, 23, 0));
  g_assert_cmpint (lactd_local_midnight (berlin, julian (2025, 3, 31)), ==,
                   t_utc (2025, 3, 30, 22, 0));
  g_assert_cmpint (lactd_local_midnight (berlin, julian (2025, 10, 27)), ==,
                   t_utc (2025, 10, 26, 23, 0));
  g_assert_cmpint (lactd_local_julian (berlin, t_utc (2025, 10, 26, 22, 59)),
                   ==, julian (2025, 10, 26));
  g_assert_cmpint (lactd_local_julian (berlin, t_utc (2025, 10, 26, 23, 0)),
                   ==, julian (2025, 10, 27));
}

static void
night_reminder_on_dst_day (GoalsFixture *f, const char *tz, gint64 start,
                           gint64 expected_half)
{
  goals_fixture_start (f, start, tz);
  goals_fixture_set_goal (f, "max_gap_minutes", g_variant_new_uint32 (1440));
  goals_fixture_add (f, start - H, 600, 0, -1, -1, -1);
  g_assert_cmpint (lactd_clock_get_armed (f->clock), <=, expected_half);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), expected_half - 1);
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 0);
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==, expected_half);
  lactd_fake_clock_advance (goals_fixture_clock (f), 1);
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, expected_half);
  lactd_fake_clock_advance (goals_fixture_clock (f), 6 * H);
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
}

static void
test_night_berlin_spring (GoalsFixture *f, gconstpointer data)
{
  night_reminder_on_dst_day (f, "Europe/Berlin",
                             t_local ("Europe/Berlin", 2025, 3, 29, 20, 0),
                             t_utc (2025, 3, 30, 1, 30));
}

static void
test_night_berlin_autumn (GoalsFixture *f, gconstpointer data)
{
  night_reminder_on_dst_day (f, "Europe/Berlin",
                             t_local ("Europe/Berlin", 2025, 10, 25, 20, 0),
                             t_utc (2025, 10, 26, 1, 30));
}

static void
test_night_new_york_spring (GoalsFixture *f, gconstpointer data)
{
  night_reminder_on_dst_day (f, "America/New_York",
                             t_local ("America/New_York", 2025, 3, 8, 20, 0),
                             t_utc (2025, 3, 9, 7, 30));
}

static void
test_midnight_dst (GoalsFixture *f, gconstpointer data)
{
  guint changes;

  /* Trend changes at local midnight: on the autumn DST day that is 25 h
   * after the previous one. */
  goals_fixture_start (f, t_local ("Europe/Berlin", 2025, 10, 26, 12, 0),
                       "Europe/Berlin");
  goals_fixture_set_goal (f, "reminders", g_variant_new_boolean (FALSE));
  goals_fixture_add (f, goals_fixture_now (f) - H, 600, 0, 500, -1, -1);
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 10, 26, 23, 0));
  changes = f->trend_changes;
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 10, 26, 22, 59));
  g_assert_cmpuint (f->trend_changes, ==, changes);
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 10, 26, 23, 0));
  g_assert_cmpuint (f->trend_changes, ==, changes + 1);
  /* Then the new night window (01:00 CET) begins. */
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 10, 27, 0, 0));
}

/* ------------------------------------------------ time-zone change */

static void
test_timezone_change (GoalsFixture *f, gconstpointer data)
{
  goals_fixture_start (f, t_utc (2025, 6, 10, 20, 0), "UTC");
  goals_fixture_set_goal (f, "max_gap_minutes", g_variant_new_uint32 (1440));
  goals_fixture_add (f, t_utc (2025, 6, 10, 19, 0), 600, 0, -1, -1, -1);
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 6, 11, 0, 0));

  /* Now 16:00 EDT: midnight is at 04:00Z, the night 05:00Z-09:00Z. */
  lactd_fake_clock_set_timezone (goals_fixture_clock (f), "America/New_York");
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==,
                   t_utc (2025, 6, 11, 4, 0));
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 6, 59));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 0);
  lactd_fake_clock_advance (goals_fixture_clock (f), 60);
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, t_utc (2025, 6, 11, 7, 0));

  /* Back to a zone where that night is over: nothing more. */
  lactd_fake_clock_set_timezone (goals_fixture_clock (f), "Asia/Tokyo");
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  g_assert_false (lactd_goal_tracker_has_pending (f->tracker));
}

static void
test_timezone_change_into_night (GoalsFixture *f, gconstpointer data)
{
  /* 02:50Z is 04:50 in Berlin (CEST): its night is half over and still
   * open, so the change makes the reminder due at once. */
  goals_fixture_start (f, t_utc (2025, 6, 11, 2, 0), "UTC");
  goals_fixture_set_goal (f, "max_gap_minutes", g_variant_new_uint32 (1440));
  goals_fixture_add (f, t_utc (2025, 6, 10, 19, 0), 600, 0, -1, -1, -1);
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 2, 50));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 0);
  lactd_fake_clock_set_timezone (goals_fixture_clock (f), "Europe/Berlin");
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, t_utc (2025, 6, 11, 1, 0));
  /* The UTC night's half point (03:00Z) is not another reminder. */
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 6, 0));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
}

/* ------------------------------------------------------ clock jumps */

static void
test_jump_forward (GoalsFixture *f, gconstpointer data)
{
  gint64 t0 = t_utc (2025, 6, 10, 12, 0), end;

  goals_fixture_start (f, t0, "UTC");
  end = goals_fixture_add (f, t0 - 30 * MINS, 600, 600, -1, -1, -1);
  /* Three days ahead: the due and two nights' half points were skipped:
   * one reminder, not a burst. */
  lactd_fake_clock_jump (goals_fixture_clock (f), t0 + 3 * 24 * H);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 1);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, end + 180 * MINS);
  g_assert_cmpint (progress_int (f, "sessions"), ==, 0);
  lactd_goal_tracker_refresh (f->tracker);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 1);
  g_assert_cmpint (lactd_clock_get_armed (f->clock), >, goals_fixture_now (f));

  /* Into a night past its half: one night reminder, for that night. */
  lactd_fake_clock_jump (goals_fixture_clock (f), t_utc (2025, 6, 16, 4, 0));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  g_assert_cmpint (goals_fixture_last (f)->due, ==, t_utc (2025, 6, 16, 3, 0));
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
}

static void
test_jump_back (GoalsFixture *f, gconstpointer data)
{
  gint64 t0 = t_utc (2025, 6, 10, 12, 0), end, due;

  goals_fixture_start (f, t0, "UTC");
  end = goals_fixture_add (f, t0 - 30 * MINS, 600, 600, -1, -1, -1);
  due = end + 180 * MINS;
  lactd_fake_clock_advance_to (goals_fixture_clock (f), due);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);

  /* Back before the due: nothing pending yet, NextDue unchanged. */
  lactd_fake_clock_jump (goals_fixture_clock (f), due - H);
  g_assert_cmpint (next_due (f), ==, due);
  g_assert_false (lactd_goal_tracker_has_pending (f->tracker));
  lactd_fake_clock_advance_to (goals_fixture_clock (f), due + H);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  g_assert_true (lactd_goal_tracker_has_pending (f->tracker));

  /* Before the session itself: no repeat either, and Progress follows. */
  lactd_fake_clock_jump (goals_fixture_clock (f), t0 - 2 * H);
  g_assert_cmpint (progress_int (f, "sessions"), ==, 1);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), due + 2 * H);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);

  /* A night reminder is not repeated after a jump back either. */
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 3, 30));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
  lactd_fake_clock_jump (goals_fixture_clock (f), t_utc (2025, 6, 11, 1, 0));
  lactd_fake_clock_advance_to (goals_fixture_clock (f),
                               t_utc (2025, 6, 11, 4, 0));
  g_assert_cmpuint (goals_fixture_count (f, "night"), ==, 1);
}

static void
test_resume (GoalsFixture *f, gconstpointer data)
{
  gint64 t0 = t_utc (2025, 6, 10, 12, 0), end;

  /* Suspend: time passes without the wake-up being delivered (as
   * CLOCK_REALTIME timers may be late); resume re-evaluates. */
  goals_fixture_start (f, t0, "UTC");
  end = goals_fixture_add (f, t0 - 30 * MINS, 600, 600, -1, -1, -1);
  lactd_clock_disarm (f->clock);
  lactd_fake_clock_advance_to (goals_fixture_clock (f), end + 200 * MINS);
  g_assert_cmpuint (goals_fixture_count (f, NULL), ==, 0);
  lactd_goal_tracker_resume (f->tracker);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
  lactd_goal_tracker_resume (f->tracker);
  g_assert_cmpuint (goals_fixture_count (f, "session"), ==, 1);
}

/* --------------------------------------------------- one wake-up only */

static void
test_one_wakeup (GoalsFixture *f, gconstpointer data)
{
  gint64 t0 = t_utc (2025, 6, 10, 12, 0);
  guint arms;

  goals_fixture_start (f, t0, "UTC");
  goals_fixture_add (f, t0 - 23 * H, 600, 600, -1, -1, -1);
  goals_fixture_add (f, t0 - 20 * MINS, 600, 600, -1, -1, -1);
  /* The earliest of: due (14:50), aging (13:00), midnight, night. */
  g_assert_cmpint (lactd_clock_get_armed (f->clock), ==, t0 + H);

  /* Re-evaluating without a change does not even re-program it. */
  arms = lactd_fake_clock_get_arm_count (goals_fixture_clock (f));
  lactd_goal_tracker_refresh (f->tracker);
  lactd_goal_tracker_refresh (f->tracker);
  g_assert_cmpuint (lactd_fake_clock_get_arm_count (goals_fixture_clock (f)),
                    ==, arms);

  /* Across a whole day of events, the clock only ever holds one wake-up,
   * always in the future, and each firing is one event. */
  for (guint i = 0; i < 12; i++)
    {
      gint64 armed = lactd_clock_get_armed (f->clock);

      g_assert_cmpint (armed, >, goals_fixture_now (f));
      lactd_fake_clock_advance_to (goals_fixture_clock (f), armed);
    }
  g_assert_cmpint (goals_fixture_now (f), <, t0 + 3 * 24 * H);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/goals/clock/fake", test_fake_clock);
  g_test_add_func ("/goals/clock/real", test_real_clock);
  g_test_add_func ("/goals/clock/real-tz-env", test_real_clock_tz_env);
  g_test_add_func ("/goals/clock/real-localtime-watch",
                   test_real_clock_localtime_watch);
  g_test_add_func ("/goals/night/spans-dst", test_night_spans_dst);

#define ADD(name, fn) \
  g_test_add ("/goals/" name, GoalsFixture, NULL, goals_fixture_setup, fn, \
              goals_fixture_teardown)
  ADD ("night/berlin-spring-forward", test_night_berlin_spring);
  ADD ("night/berlin-fall-back", test_night_berlin_autumn);
  ADD ("night/new-york-spring-forward", test_night_new_york_spring);
  ADD ("trend/midnight-dst", test_midnight_dst);
  ADD ("time/zone-change", test_timezone_change);
  ADD ("time/zone-change-into-night", test_timezone_change_into_night);
  ADD ("time/jump-forward", test_jump_forward);
  ADD ("time/jump-back", test_jump_back);
  ADD ("time/resume", test_resume);
  ADD ("time/one-wakeup", test_one_wakeup);
#undef ADD

  return g_test_run ();
}
