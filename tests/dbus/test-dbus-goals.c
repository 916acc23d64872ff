/* test-dbus-goals.c — goals, progress, trend, addresses and the error
 * domain of the D-Bus API; main() of test-dbus-values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "lactd-dbus-values.h"
#include "lactd-error.h"
#include "test-dbus.h"

/* -------------------------------------------------------------- goals */

static void
assert_goal_equal (const LactdGoal *a, const LactdGoal *b)
{
  g_assert_cmpuint (a->sessions_per_day, ==, b->sessions_per_day);
  g_assert_cmpuint (a->minutes_per_side, ==, b->minutes_per_side);
  g_assert_cmpuint (a->max_gap_minutes, ==, b->max_gap_minutes);
  g_assert_cmpuint (a->night_start_min, ==, b->night_start_min);
  g_assert_cmpuint (a->night_end_min, ==, b->night_end_min);
  g_assert_cmpint (!!a->reminders, ==, !!b->reminders);
}

static void
test_goal_defaults (void)
{
  LactdGoal goal = lactd_goal_defaults ();
  g_autoptr(GVariant) dict = g_variant_ref_sink (lactd_goal_to_variant (&goal));
  g_autofree char *keys = test_dict_keys (dict);
  g_autoptr(GVariant) sessions = test_dict_get (dict, "sessions_per_day", "u");
  g_autoptr(GVariant) minutes = test_dict_get (dict, "minutes_per_side", "u");
  g_autoptr(GVariant) gap = test_dict_get (dict, "max_gap_minutes", "u");
  g_autoptr(GVariant) start = test_dict_get (dict, "night_start", "s");
  g_autoptr(GVariant) end = test_dict_get (dict, "night_end", "s");
  g_autoptr(GVariant) reminders = test_dict_get (dict, "reminders", "b");
  LactdNightWindow night = lactd_goal_night_window (&goal);

  g_assert_cmpuint (goal.sessions_per_day, ==, 8);
  g_assert_cmpuint (goal.minutes_per_side, ==, 15);
  g_assert_cmpuint (goal.max_gap_minutes, ==, 180);
  g_assert_cmpuint (goal.night_start_min, ==, 60);
  g_assert_cmpuint (goal.night_end_min, ==, 300);
  g_assert_true (goal.reminders);
  g_assert_true (lactd_goal_validate (&goal, NULL));

  g_assert_cmpstr (keys, ==, "sessions_per_day,minutes_per_side,"
                   "max_gap_minutes,night_start,night_end,reminders");
  g_assert_cmpuint (g_variant_get_uint32 (sessions), ==, 8);
  g_assert_cmpuint (g_variant_get_uint32 (minutes), ==, 15);
  g_assert_cmpuint (g_variant_get_uint32 (gap), ==, 180);
  g_assert_cmpstr (g_variant_get_string (start, NULL), ==, "01:00");
  g_assert_cmpstr (g_variant_get_string (end, NULL), ==, "05:00");
  g_assert_true (g_variant_get_boolean (reminders));

  g_assert_cmpuint (night.start_min, ==, 60);
  g_assert_cmpuint (night.end_min, ==, 300);
}

/* Applies {key: value} to the defaults; on failure checks InvalidArgs with
 * the message and that out was left alone. */
static void
assert_goal_change (const char *key, GVariant *value, const char *message)
{
  LactdGoal current = lactd_goal_defaults ();
  LactdGoal out;
  LactdGoal untouched;
  g_autoptr(GVariant) changes = test_dict_new (key, value, NULL);
  g_autoptr(GError) error = NULL;

  memset (&out, 0x5a, sizeof out);
  memcpy (&untouched, &out, sizeof out);
  if (message == NULL)
    {
      g_assert_true (lactd_goal_apply_changes (&current, changes, &out,
                                               &error));
      g_assert_no_error (error);
      g_assert_true (lactd_goal_changes_validate (&current, changes, NULL));
    }
  else
    {
      g_assert_false (lactd_goal_apply_changes (&current, changes, &out,
                                                &error));
      g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
      g_assert_cmpstr (error->message, ==, message);
      g_assert_true (memcmp (&out, &untouched, sizeof out) == 0);
      g_assert_false (lactd_goal_changes_validate (&current, changes, NULL));
    }
}

static void
test_goal_numbers (void)
{
  const struct { const char *key; guint32 min, max; const char *unit; }
    ranges[] = {
    { "sessions_per_day", 1, 24, "" },
    { "minutes_per_side", 1, 60, " min" },
    { "max_gap_minutes", 1, 1440, " min" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      guint32 below = ranges[i].min - 1, above = ranges[i].max + 1;
      g_autofree char *below_msg =
        g_strdup_printf ("%s: %u is outside %u-%u%s", ranges[i].key, below,
                         ranges[i].min, ranges[i].max, ranges[i].unit);
      g_autofree char *above_msg =
        g_strdup_printf ("%s: %u is outside %u-%u%s", ranges[i].key, above,
                         ranges[i].min, ranges[i].max, ranges[i].unit);

      assert_goal_change (ranges[i].key, g_variant_new_uint32 (below),
                          below_msg);
      assert_goal_change (ranges[i].key, g_variant_new_uint32 (ranges[i].min),
                          NULL);
      assert_goal_change (ranges[i].key, g_variant_new_uint32 (ranges[i].max),
                          NULL);
      assert_goal_change (ranges[i].key, g_variant_new_uint32 (above),
                          above_msg);
    }
}

static void
test_goal_apply_values (void)
{
  LactdGoal current = lactd_goal_defaults ();
  LactdGoal out;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) all = test_dict_new (
    "reminders", g_variant_new_boolean (FALSE),
    "night_end", g_variant_new_string ("23:59"),
    "night_start", g_variant_new_string ("00:00"),
    "max_gap_minutes", g_variant_new_uint32 (1440),
    "minutes_per_side", g_variant_new_uint32 (1),
    "sessions_per_day", g_variant_new_uint32 (24),
    NULL);
  g_autoptr(GVariant) empty = test_dict_new (NULL);
  LactdGoal expected = {
    .sessions_per_day = 24,
    .minutes_per_side = 1,
    .max_gap_minutes = 1440,
    .night_start_min = 0,
    .night_end_min = 23 * 60 + 59,
    .reminders = FALSE,
  };

  g_assert_true (lactd_goal_apply_changes (&current, all, &out, &error));
  g_assert_no_error (error);
  assert_goal_equal (&out, &expected);

  /* No changes: the current goal. */
  g_assert_true (lactd_goal_apply_changes (&expected, empty, &out, &error));
  g_assert_no_error (error);
  assert_goal_equal (&out, &expected);
}

static void
test_goal_night_times (void)
{
  const char *valid[] = { "00:00", "23:59", "12:30", "09:05" };
  const char *invalid[] = { "24:00", "12:60", "1:00", "01:0", "01-00",
                            "001:00", "01:000", "", "aa:bb", " 1:00",
                            "01:00 ", "-1:00", "+1:00", "1h00" };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      assert_goal_change ("night_start", g_variant_new_string (valid[i]),
                          NULL);
      /* The default night_start is 01:00, so any of these differs. */
      assert_goal_change ("night_end", g_variant_new_string (valid[i]), NULL);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *start_msg =
        g_strdup_printf ("night_start: '%s' is not a time HH:MM between "
                         "00:00 and 23:59", invalid[i]);
      g_autofree char *end_msg =
        g_strdup_printf ("night_end: '%s' is not a time HH:MM between "
                         "00:00 and 23:59", invalid[i]);

      assert_goal_change ("night_start", g_variant_new_string (invalid[i]),
                          start_msg);
      assert_goal_change ("night_end", g_variant_new_string (invalid[i]),
                          end_msg);
    }
}

static void
test_goal_night_not_empty (void)
{
  LactdGoal current = lactd_goal_defaults ();
  LactdGoal out;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) swap = test_dict_new (
    "night_start", g_variant_new_string ("05:00"),
    "night_end", g_variant_new_string ("01:00"), NULL);
  g_autoptr(GVariant) both_same = test_dict_new (
    "night_start", g_variant_new_string ("03:00"),
    "night_end", g_variant_new_string ("03:00"), NULL);

  /* Equal to the current end once applied. */
  assert_goal_change ("night_start", g_variant_new_string ("05:00"),
                      "night_start and night_end are both 05:00: the night "
                      "window would be empty");
  assert_goal_change ("night_end", g_variant_new_string ("01:00"),
                      "night_start and night_end are both 01:00: the night "
                      "window would be empty");

  /* Changing both at once is judged on the result: a window across
   * midnight is fine. */
  g_assert_true (lactd_goal_apply_changes (&current, swap, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out.night_start_min, ==, 300);
  g_assert_cmpuint (out.night_end_min, ==, 60);

  g_assert_false (lactd_goal_apply_changes (&current, both_same, &out,
                                            &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
}

static void
test_goal_unknown_and_types (void)
{
  g_autoptr(GVariant) duplicate = test_dict_new (
    "reminders", g_variant_new_boolean (FALSE),
    "reminders", g_variant_new_boolean (TRUE), NULL);
  LactdGoal current = lactd_goal_defaults ();
  g_autoptr(GError) error = NULL;

  assert_goal_change ("sessions", g_variant_new_uint32 (3),
                      "unknown key 'sessions'");
  assert_goal_change ("target", g_variant_new_uint32 (3),
                      "unknown key 'target'");
  assert_goal_change ("sessions_per_day", g_variant_new_int32 (3),
                      "sessions_per_day: expected type 'u', got 'i'");
  assert_goal_change ("minutes_per_side", g_variant_new_uint64 (3),
                      "minutes_per_side: expected type 'u', got 't'");
  assert_goal_change ("max_gap_minutes", g_variant_new_double (3),
                      "max_gap_minutes: expected type 'u', got 'd'");
  assert_goal_change ("night_start", g_variant_new_uint32 (60),
                      "night_start: expected type 's', got 'u'");
  assert_goal_change ("night_end", g_variant_new_int64 (300),
                      "night_end: expected type 's', got 'x'");
  assert_goal_change ("reminders", g_variant_new_string ("true"),
                      "reminders: expected type 'b', got 's'");

  g_assert_false (lactd_goal_apply_changes (&current, duplicate, NULL,
                                            &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
  g_assert_cmpstr (error->message, ==, "key 'reminders' given more than once");
}

static void
test_goal_string_round_trip (void)
{
  LactdGoal defaults = lactd_goal_defaults ();
  LactdGoal custom = {
    .sessions_per_day = 24,
    .minutes_per_side = 60,
    .max_gap_minutes = 1,
    .night_start_min = 23 * 60 + 59,
    .night_end_min = 0,
    .reminders = FALSE,
  };
  const LactdGoal *goals[] = { &defaults, &custom };

  for (gsize i = 0; i < G_N_ELEMENTS (goals); i++)
    {
      g_autofree char *text = lactd_goal_to_string (goals[i]);
      g_autoptr(GError) error = NULL;
      LactdGoal back;

      memset (&back, 0, sizeof back);
      g_assert_true (lactd_goal_from_string (text, &back, &error));
      g_assert_no_error (error);
      assert_goal_equal (&back, goals[i]);
    }

  {
    g_autofree char *text = lactd_goal_to_string (&defaults);
    g_assert_cmpstr (text, ==, "sessions_per_day=8;minutes_per_side=15;"
                     "max_gap_minutes=180;night_start=01:00;"
                     "night_end=05:00;reminders=true");
  }
}

static void
test_goal_from_string_lenient (void)
{
  LactdGoal defaults = lactd_goal_defaults ();
  LactdGoal back;
  g_autoptr(GError) error = NULL;

  /* Missing keys keep their defaults; unknown keys are ignored. */
  g_assert_true (lactd_goal_from_string ("", &back, &error));
  g_assert_no_error (error);
  assert_goal_equal (&back, &defaults);

  g_assert_true (lactd_goal_from_string ("sessions_per_day=10;colour=blue;;",
                                         &back, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (back.sessions_per_day, ==, 10);
  g_assert_cmpuint (back.minutes_per_side, ==, 15);
}

static void
test_goal_from_string_invalid (void)
{
  const struct { const char *text; const char *message; } cases[] = {
    { "sessions_per_day", "stored goal: 'sessions_per_day' is not key=value" },
    { "sessions_per_day=", "stored goal: sessions_per_day: '' is not a number" },
    { "sessions_per_day=-1",
      "stored goal: sessions_per_day: '-1' is not a number" },
    { "sessions_per_day=8x",
      "stored goal: sessions_per_day: '8x' is not a number" },
    { "minutes_per_side=99999999999",
      "stored goal: minutes_per_side: '99999999999' is not a number" },
    { "sessions_per_day=25",
      "stored goal: sessions_per_day: 25 is outside 1-24" },
    { "max_gap_minutes=0",
      "stored goal: max_gap_minutes: 0 is outside 1-1440 min" },
    { "night_start=1:00",
      "stored goal: night_start: '1:00' is not a time HH:MM between 00:00 and 23:59" },
    { "night_start=05:00",
      "stored goal: night_start and night_end are both 05:00: the night "
      "window would be empty" },
    { "reminders=yes", "stored goal: reminders: 'yes' is not true or false" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      LactdGoal back = lactd_goal_defaults ();
      LactdGoal before = back;

      back.sessions_per_day = 3;
      before.sessions_per_day = 3;
      g_assert_false (lactd_goal_from_string (cases[i].text, &back, &error));
      g_assert_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      assert_goal_equal (&back, &before);
    }
}

static void
test_goal_validate (void)
{
  LactdGoal goal = lactd_goal_defaults ();
  g_autoptr(GError) error = NULL;

  goal.night_end_min = 24 * 60;
  g_assert_false (lactd_goal_validate (&goal, &error));
  g_assert_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID);
}

static void
test_hhmm (void)
{
  char out[LACTD_HHMM_STRLEN];
  guint16 minutes = 0;

  for (guint16 m = 0; m < 24 * 60; m++)
    {
      lactd_format_hhmm (m, out);
      g_assert_true (lactd_parse_hhmm (out, &minutes, NULL));
      g_assert_cmpuint (minutes, ==, m);
    }
  lactd_format_hhmm (90, out);
  g_assert_cmpstr (out, ==, "01:30");
  g_assert_false (lactd_parse_hhmm (NULL, &minutes, NULL));
}

/* ------------------------------------------------- progress and trend */

static void
test_progress_to_variant (void)
{
  LactdTotals totals = {
    .sessions = 5,
    .night_sessions = 1,
    .seconds_left = 3000,
    .seconds_right = 2900,
    .expressed_tenths = 4321,
    .supplement_tenths = 15,
  };
  g_autoptr(GVariant) dict = g_variant_ref_sink (
    lactd_progress_to_variant (&totals, 8, TRUE, 1719828000));
  g_autofree char *keys = test_dict_keys (dict);
  g_autoptr(GVariant) target = test_dict_get (dict, "target", "u");
  g_autoptr(GVariant) night = test_dict_get (dict, "night_done", "b");
  g_autoptr(GVariant) expressed = test_dict_get (dict, "expressed_ml", "d");
  g_autoptr(GVariant) supplement = test_dict_get (dict, "supplement_ml", "d");
  g_autoptr(GVariant) next_due = test_dict_get (dict, "next_due", "x");

  g_assert_cmpstr (keys, ==, "sessions,target,night_done,seconds_left,"
                   "seconds_right,expressed_ml,supplement_ml,next_due");
  g_assert_cmpuint (g_variant_get_uint32 (target), ==, 8);
  g_assert_true (g_variant_get_boolean (night));
  g_assert_cmpfloat (g_variant_get_double (expressed), ==, 432.1);
  g_assert_cmpfloat (g_variant_get_double (supplement), ==, 1.5);
  g_assert_cmpint (g_variant_get_int64 (next_due), ==, 1719828000);
}

static void
test_trend_to_variant (void)
{
  GDate date;
  LactdTrendFigures figures = {
    .expressed_tenths = 10000,
    .supplement_tenths = 2500,
    .days_counted = 3,
  };
  LactdTrendFigures empty = { 0 };
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) none = NULL;
  g_autoptr(GVariant) v = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *none_keys = NULL;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 29, 2, 2024);
  figures.first_milk_julian = g_date_get_julian (&date);
  figures.first_session_julian = figures.first_milk_julian;
  dict = g_variant_ref_sink (lactd_trend_to_variant (&figures));
  keys = test_dict_keys (dict);
  g_assert_cmpstr (keys, ==, "expressed_ml_per_day,supplement_ml_per_day,"
                   "own_milk_share,first_milk_day");
  v = test_dict_get (dict, "expressed_ml_per_day", "d");
  /* 1000 mL over 3 days, rounded to 0.1 mL */
  g_assert_cmpfloat (g_variant_get_double (v), ==, 333.3);
  g_clear_pointer (&v, g_variant_unref);
  v = test_dict_get (dict, "supplement_ml_per_day", "d");
  g_assert_cmpfloat (g_variant_get_double (v), ==, 83.3);
  g_clear_pointer (&v, g_variant_unref);
  v = test_dict_get (dict, "own_milk_share", "d");
  g_assert_cmpfloat (fabs (g_variant_get_double (v) - 0.8), <, 1e-12);
  g_clear_pointer (&v, g_variant_unref);
  v = test_dict_get (dict, "first_milk_day", "s");
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "2024-02-29");
  g_clear_pointer (&v, g_variant_unref);

  /* Nothing at all: zeros, no share, empty first day. */
  none = g_variant_ref_sink (lactd_trend_to_variant (&empty));
  none_keys = test_dict_keys (none);
  g_assert_cmpstr (none_keys, ==, "expressed_ml_per_day,"
                   "supplement_ml_per_day,first_milk_day");
  v = test_dict_get (none, "expressed_ml_per_day", "d");
  g_assert_cmpfloat (g_variant_get_double (v), ==, 0.0);
  g_clear_pointer (&v, g_variant_unref);
  v = test_dict_get (none, "first_milk_day", "s");
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "");
}

/* -------------------------------------------------- addresses, paths */

static void
test_address_valid (void)
{
  const char *valid[] = { "C0:FF:EE:00:00:01", "00:00:00:00:00:00",
                          "FF:FF:FF:FF:FF:FF", "0A:1B:2C:3D:4E:5F" };
  const char *invalid[] = { "c0:ff:ee:00:00:01", "C0:FF:EE:00:00:0g",
                            "C0:FF:EE:00:00", "C0:FF:EE:00:00:01:02",
                            "C0-FF-EE-00-00-01", "C0_FF_EE_00_00_01",
                            "C0:FF:EE:00:00:01 ", "C0FFEE000001", "",
                            "C0:FF:EE:00:0:001", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (lactd_address_is_valid (valid[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (lactd_address_is_valid (invalid[i]));
}

static void
test_address_normalize (void)
{
  char out[LACTD_ADDRESS_STRLEN];
  g_autoptr(GError) error = NULL;

  g_assert_true (lactd_address_normalize ("c0:ff:Ee:0a:00:01", out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "C0:FF:EE:0A:00:01");
  g_assert_true (lactd_address_normalize ("C0:FF:EE:00:00:01", out, &error));
  g_assert_cmpstr (out, ==, "C0:FF:EE:00:00:01");

  g_assert_false (lactd_address_normalize ("C0:FF:EE:00:00", out, &error));
  g_assert_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "'C0:FF:EE:00:00' is not a Bluetooth address "
                   "XX:XX:XX:XX:XX:XX");
}

static void
test_object_path (void)
{
  g_autofree char *path = lactd_sensor_object_path ("C0:FF:EE:00:00:01");
  char address[LACTD_ADDRESS_STRLEN];
  const char *bad_paths[] = {
    "/org/lactd", "/org/lactd/sensor/", "/org/lactd/sensor/C0_FF_EE_00_00",
    "/org/lactd/sensor/c0_ff_ee_00_00_01",
    "/org/lactd/sensor/C0:FF:EE:00:00:01",
    "/org/lactd/sensor/C0_FF_EE_00_00_01/x",
    "/org/bluez/hci0/dev_C0_FF_EE_00_00_01", "/", "",
  };

  g_assert_cmpstr (path, ==, "/org/lactd/sensor/C0_FF_EE_00_00_01");
  g_assert_true (g_variant_is_object_path (path));
  g_assert_true (lactd_address_from_object_path (path, address, NULL));
  g_assert_cmpstr (address, ==, "C0:FF:EE:00:00:01");

  for (gsize i = 0; i < G_N_ELEMENTS (bad_paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message =
        g_strdup_printf ("'%s' is not a lactd sensor object path",
                         bad_paths[i]);

      g_assert_false (lactd_address_from_object_path (bad_paths[i], address,
                                                      &error));
      g_assert_error (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND);
      g_assert_cmpstr (error->message, ==, message);
    }
}

/* ------------------------------------------------------------- errors */

static void
test_error_names (void)
{
  const struct { LactdError code; const char *name; } names[] = {
    { LACTD_ERROR_INVALID_ARGS, "org.lactd.Error.InvalidArgs" },
    { LACTD_ERROR_NOT_FOUND, "org.lactd.Error.NotFound" },
    { LACTD_ERROR_NOT_CONNECTED, "org.lactd.Error.NotConnected" },
    { LACTD_ERROR_NO_ADAPTER, "org.lactd.Error.NoAdapter" },
    { LACTD_ERROR_PAIRING_FAILED, "org.lactd.Error.PairingFailed" },
    { LACTD_ERROR_SYNC_FAILED, "org.lactd.Error.SyncFailed" },
    { LACTD_ERROR_BUSY, "org.lactd.Error.Busy" },
    { LACTD_ERROR_STORAGE, "org.lactd.Error.Storage" },
    { LACTD_ERROR_NOT_AUTHORIZED, "org.lactd.Error.NotAuthorized" },
  };

  g_assert_cmpuint (G_N_ELEMENTS (names), ==, LACTD_ERROR_N_CODES);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error =
        g_error_new (LACTD_ERROR, (gint) names[i].code, "what %zu", i);
      g_autofree char *encoded = g_dbus_error_encode_gerror (error);
      g_autoptr(GError) decoded =
        g_dbus_error_new_for_dbus_error (names[i].name, "it broke");
      g_autofree char *remote = g_dbus_error_get_remote_error (decoded);

      g_assert_cmpstr (encoded, ==, names[i].name);
      g_assert_cmpstr (lactd_error_to_dbus_name (names[i].code), ==,
                       names[i].name);
      /* A client sees the same domain and code, with the message. */
      g_assert_error (decoded, LACTD_ERROR, (gint) names[i].code);
      g_assert_true (g_dbus_error_is_remote_error (decoded));
      g_assert_cmpstr (remote, ==, names[i].name);
      g_dbus_error_strip_remote_error (decoded);
      g_assert_cmpstr (decoded->message, ==, "it broke");
    }
  g_assert_null (lactd_error_to_dbus_name (LACTD_ERROR_N_CODES));
}

static void
test_error_from_store (void)
{
  const struct { LactdStoreError store; LactdError api; } map[] = {
    { LACTD_STORE_ERROR_STORAGE, LACTD_ERROR_STORAGE },
    { LACTD_STORE_ERROR_INVALID, LACTD_ERROR_INVALID_ARGS },
    { LACTD_STORE_ERROR_NOT_FOUND, LACTD_ERROR_NOT_FOUND },
  };
  GError *none = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    {
      g_autoptr(GError) error =
        g_error_new (LACTD_STORE_ERROR, (gint) map[i].store,
                     "session %zu: no such thing", i);
      g_autofree char *expected =
        g_strdup_printf ("session %zu: no such thing", i);

      lactd_error_from_store (&error);
      g_assert_error (error, LACTD_ERROR, (gint) map[i].api);
      g_assert_cmpstr (error->message, ==, expected);
    }

  /* Already an API error: left alone. */
  {
    g_autoptr(GError) error =
      g_error_new_literal (LACTD_ERROR, LACTD_ERROR_BUSY, "busy");
    lactd_error_from_store (&error);
    g_assert_error (error, LACTD_ERROR, LACTD_ERROR_BUSY);
    g_assert_cmpstr (error->message, ==, "busy");
  }
  /* Anything from below the store is a storage fault. */
  {
    g_autoptr(GError) error =
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full");
    lactd_error_from_store (&error);
    g_assert_error (error, LACTD_ERROR, LACTD_ERROR_STORAGE);
    g_assert_cmpstr (error->message, ==, "disk full");
  }
  lactd_error_from_store (&none);
  g_assert_null (none);
  lactd_error_from_store (NULL);
}

void
test_dbus_goals_add_tests (void)
{
  g_test_add_func ("/dbus/goal/defaults", test_goal_defaults);
  g_test_add_func ("/dbus/goal/numbers", test_goal_numbers);
  g_test_add_func ("/dbus/goal/apply-values", test_goal_apply_values);
  g_test_add_func ("/dbus/goal/night-times", test_goal_night_times);
  g_test_add_func ("/dbus/goal/night-not-empty", test_goal_night_not_empty);
  g_test_add_func ("/dbus/goal/unknown-and-types",
                   test_goal_unknown_and_types);
  g_test_add_func ("/dbus/goal/string-round-trip",
                   test_goal_string_round_trip);
  g_test_add_func ("/dbus/goal/from-string-lenient",
                   test_goal_from_string_lenient);
  g_test_add_func ("/dbus/goal/from-string-invalid",
                   test_goal_from_string_invalid);
  g_test_add_func ("/dbus/goal/validate", test_goal_validate);
  g_test_add_func ("/dbus/goal/hhmm", test_hhmm);
  g_test_add_func ("/dbus/progress/to-variant", test_progress_to_variant);
  g_test_add_func ("/dbus/trend/to-variant", test_trend_to_variant);
  g_test_add_func ("/dbus/address/valid", test_address_valid);
  g_test_add_func ("/dbus/address/normalize", test_address_normalize);
  g_test_add_func ("/dbus/address/object-path", test_object_path);
  g_test_add_func ("/dbus/error/names", test_error_names);
  g_test_add_func ("/dbus/error/from-store", test_error_from_store);
}

int
main (int argc, char **argv)
{
  /* The default utc_offset of AddSession is the local zone's: pin it. */
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, NULL);

  test_dbus_values_add_tests ();
  test_dbus_days_add_tests ();
  test_dbus_goals_add_tests ();
  test_dbus_api_add_tests ();
  return g_test_run ();
}
