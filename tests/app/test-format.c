/* test-format.c — lactd-app's words and numbers, and the reading of the
 * add-session dialog's fields (clients/app/lactd-app-format.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include <gio/gio.h>

#include "lactd-app-format.h"

#define NOON_2026_03_02 G_GINT64_CONSTANT (1772452800)  /* 2026-03-02 12:00 UTC */

static void
assert_text (char *text, const char *expected)
{
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

static void
test_numbers (void)
{
  assert_text (lactd_format_volume (32.0), "32 mL");
  assert_text (lactd_format_volume (32.46), "32.5 mL");
  assert_text (lactd_format_volume (0), "0 mL");
  assert_text (lactd_format_volume (1000), "1000 mL");
  assert_text (lactd_format_minutes (45), "45 s");
  assert_text (lactd_format_minutes (60), "1 min");
  assert_text (lactd_format_minutes (89), "1 min");
  assert_text (lactd_format_minutes (90), "2 min");
  assert_text (lactd_format_minutes (3600), "1 h 00 min");
  assert_text (lactd_format_minutes (3900), "1 h 05 min");
  assert_text (lactd_format_elapsed (0), "0:00");
  assert_text (lactd_format_elapsed (65), "1:05");
  assert_text (lactd_format_elapsed (3723), "1:02:03");
  assert_text (lactd_format_battery (80), "80 %");
  assert_text (lactd_format_battery (255), "unknown");
}

static void
test_countdown (void)
{
  gint64 now = NOON_2026_03_02;

  assert_text (lactd_format_countdown (now + 4800, now), "in 1 h 20 min");
  assert_text (lactd_format_countdown (now + 3600, now), "in 1 h");
  assert_text (lactd_format_countdown (now + 1, now), "in 1 min");
  assert_text (lactd_format_countdown (now + 61, now), "in 2 min");
  assert_text (lactd_format_countdown (now, now), "now");
  assert_text (lactd_format_countdown (now - 30, now), "now");
  assert_text (lactd_format_countdown (now - 1500, now), "25 min ago");
  assert_text (lactd_format_countdown (now - 7200, now), "2 h ago");
}

static void
test_days (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) paris = g_time_zone_new_offset (3600);
  gint64 now = NOON_2026_03_02;

  assert_text (lactd_format_clock (now, utc), "12:00");
  assert_text (lactd_format_clock (now, paris), "13:00");
  assert_text (lactd_format_day_heading (now - 11 * 3600, now, utc), "Today");
  assert_text (lactd_format_day_heading (now - 13 * 3600, now, utc), "Yesterday");
  assert_text (lactd_format_day_heading (now - 5 * 86400, now, utc), "Wednesday 25 February");
  assert_text (lactd_format_day_heading (now - 67 * 86400, now, utc),
               "Thursday 25 December 2025");
  /* 23:30 UTC on the 1st is already the 2nd at +01:00. */
  assert_text (lactd_format_day_heading (now - 12 * 3600 - 1800, now, paris), "Today");
}

static void
test_words (void)
{
  g_assert_cmpstr (lactd_format_kind ("pump"), ==, "Pump");
  g_assert_cmpstr (lactd_format_kind ("sns"), ==, "SNS feed");
  g_assert_cmpstr (lactd_format_kind ("hand"), ==, "Hand expression");
  g_assert_cmpstr (lactd_format_kind ("breastfeed"), ==, "Breastfeed");
  g_assert_cmpstr (lactd_format_kind ("weird"), ==, "weird");
  g_assert_cmpstr (lactd_format_phase ("expression"), ==, "Expression");
  g_assert_cmpstr (lactd_format_phase ("stimulation"), ==, "Stimulation");
  g_assert_cmpstr (lactd_format_phase (NULL), ==, "");
}

static void
test_session_row (void)
{
  g_autoptr(GVariant) manual = g_variant_ref_sink (g_variant_new_parsed (
    "{'id': <uint64 5>, 'source': <'manual'>, 'sensor': <''>, 'seq': <uint32 0>,"
    " 'kind': <'hand'>, 'start': <int64 1772452800>, 'end': <int64 1772453700>,"
    " 'utc_offset': <60>, 'duration_left': <uint32 900>, 'duration_right': <uint32 0>,"
    " 'double': <false>, 'volume_left_ml': <12.5>, 'interrupted': <false>,"
    " 'clock_unsynced': <false>}"));
  g_autoptr(GVariant) pump = g_variant_ref_sink (g_variant_new_parsed (
    "{'id': <uint64 6>, 'source': <'sensor'>, 'kind': <'pump'>,"
    " 'start': <int64 1772452800>, 'utc_offset': <0>, 'duration_left': <uint32 900>,"
    " 'duration_right': <uint32 840>, 'double': <true>, 'volume_left_ml': <32.0>,"
    " 'volume_right_ml': <29.5>, 'supplement_ml': <15.0>, 'interrupted': <true>,"
    " 'clock_unsynced': <true>}"));
  g_autoptr(GVariant) bare = g_variant_ref_sink (g_variant_new_parsed (
    "{'kind': <'breastfeed'>, 'start': <int64 1772452800>, 'utc_offset': <-300>}"));
  g_autofree char *title = NULL, *subtitle = NULL;

  lactd_format_session_row (manual, &title, &subtitle);
  g_assert_cmpstr (title, ==, "13:00 · Hand expression");
  g_assert_cmpstr (subtitle, ==, "Left 15 min · 12.5 mL · entered by hand");
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&subtitle, g_free);

  lactd_format_session_row (pump, &title, &subtitle);
  g_assert_cmpstr (title, ==, "12:00 · Pump");
  g_assert_cmpstr (subtitle, ==,
                   "Left 15 min · 32 mL · Right 14 min · 29.5 mL · both at once · "
                   "supplement 15 mL · interrupted · sensor clock was not set: time uncertain");
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&subtitle, g_free);

  lactd_format_session_row (bare, &title, &subtitle);
  g_assert_cmpstr (title, ==, "07:00 · Breastfeed");
  g_assert_cmpstr (subtitle, ==, "no time or volume recorded");
}

static void
test_parse_start (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 now = NOON_2026_03_02;
  gint64 when = 0;
  struct { const char *text; gint64 now; gint64 expected; } good[] = {
    { "11:30", NOON_2026_03_02, NOON_2026_03_02 - 1800 },
    { " 11:30 ", NOON_2026_03_02, NOON_2026_03_02 - 1800 },
    /* Still ahead today: last night's (yesterday's) time. */
    { "14:05", NOON_2026_03_02, G_GINT64_CONSTANT (1772373900) },
    { "23:30", G_GINT64_CONSTANT (1772410200), G_GINT64_CONSTANT (1772407800) },
    { "2026-03-01 14:05", NOON_2026_03_02, G_GINT64_CONSTANT (1772373900) },
    /* The future is the daemon's to refuse, with its own message. */
    { "2026-03-02 14:05", NOON_2026_03_02, G_GINT64_CONSTANT (1772460300) },
  };
  struct { const char *text; const char *message; } bad[] = {
    { "25:00", "Started at: “25:00” is not a time of day (00:00-23:59)" },
    { "abc", "Started at: “abc” is not a time such as 14:05 or 2026-03-01 14:05" },
    { "", "Started at: “” is not a time such as 14:05 or 2026-03-01 14:05" },
    { "2026-02-30 10:00", "Started at: “2026-02-30 10:00” is not a date that exists" },
    { "14:05 tomorrow", "Started at: “14:05 tomorrow” is not a time such as 14:05 or "
                        "2026-03-01 14:05" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", good[i].text);
      g_assert_true (lactd_parse_start ("Started at", good[i].text, good[i].now, utc,
                                        &when, &error));
      g_assert_no_error (error);
      g_assert_cmpint (when, ==, good[i].expected);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (lactd_parse_start ("Started at", bad[i].text, now, utc, &when, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_cmpstr (error->message, ==, bad[i].message);
    }
}

static void
test_parse_numbers (void)
{
  struct { const char *text; guint32 seconds; } minutes[] = {
    { "", 0 }, { "  ", 0 }, { "15", 900 }, { "12.5", 750 }, { "12,5", 750 }, { "0", 0 },
  };
  const char *bad_minutes[] = { "-3", "abc", "1e3", "1.2.3", "nan", "99999999999" };
  struct { const char *text; gboolean present; double ml; } volumes[] = {
    { "", FALSE, 0 }, { "32.5", TRUE, 32.5 }, { "32,5", TRUE, 32.5 },
    { " 40 ", TRUE, 40 }, { "-5", TRUE, -5 }, { "2000", TRUE, 2000 },
  };
  const char *bad_volumes[] = { "nan", "inf", "3e2", "a lot", "-", "." };

  for (gsize i = 0; i < G_N_ELEMENTS (minutes); i++)
    {
      g_autoptr(GError) error = NULL;
      guint32 seconds = 1;

      g_assert_true (lactd_parse_minutes ("Left side", minutes[i].text, &seconds, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (seconds, ==, minutes[i].seconds);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_minutes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("Left side: “%s” is not a number of "
                                                   "minutes", bad_minutes[i]);
      guint32 seconds;

      g_assert_false (lactd_parse_minutes ("Left side", bad_minutes[i], &seconds, &error));
      g_assert_cmpstr (error->message, ==, expected);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (volumes); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean present = !volumes[i].present;
      double ml = 0;

      g_assert_true (lactd_parse_ml ("Supplement", volumes[i].text, &present, &ml, &error));
      g_assert_no_error (error);
      g_assert_cmpint (present, ==, volumes[i].present);
      g_assert_cmpfloat (ml, ==, volumes[i].ml);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_volumes); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean present;
      double ml;

      g_assert_false (lactd_parse_ml ("Supplement", bad_volumes[i], &present, &ml, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/numbers", test_numbers);
  g_test_add_func ("/format/countdown", test_countdown);
  g_test_add_func ("/format/days", test_days);
  g_test_add_func ("/format/words", test_words);
  g_test_add_func ("/format/session-row", test_session_row);
  g_test_add_func ("/format/parse-start", test_parse_start);
  g_test_add_func ("/format/parse-numbers", test_parse_numbers);
  return g_test_run ();
}
