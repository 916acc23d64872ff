/* test-dbus-days.c — day strings, DailySummary entries and live
 * dictionaries of the D-Bus API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "lactd-dbus-values.h"
#include "lactd-error.h"
#include "test-dbus.h"

/* --------------------------------------------------------------- days */

static void
test_parse_day_valid (void)
{
  const struct { const char *day; guint y, m, d; } cases[] = {
    { "2024-02-29", 2024, 2, 29 },
    { "2000-02-29", 2000, 2, 29 },
    { "2024-12-31", 2024, 12, 31 },
    { "2020-01-01", 2020, 1, 1 },
    { "0001-01-01", 1, 1, 1 },
    { "9999-12-31", 9999, 12, 31 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint32 julian = 0;
      char back[LACTD_DAY_STRLEN];
      GDate date;

      g_assert_true (lactd_parse_day (cases[i].day, &julian, &error));
      g_assert_no_error (error);
      g_date_clear (&date, 1);
      g_date_set_julian (&date, julian);
      g_assert_cmpuint (g_date_get_year (&date), ==, cases[i].y);
      g_assert_cmpuint (g_date_get_month (&date), ==, cases[i].m);
      g_assert_cmpuint (g_date_get_day (&date), ==, cases[i].d);
      lactd_format_day (julian, back);
      g_assert_cmpstr (back, ==, cases[i].day);
    }
}

static void
test_parse_day_invalid (void)
{
  const char *malformed[] = {
    "2024-1-01", "2024-01-1", "24-01-01", "2024/01/01", "2024-01-01 ",
    " 2024-01-01", "2024-01-01x", "", "20240101", "2024-0a-01",
    "+024-01-01", "2024--1-01", "2024-01-001",
  };
  const char *not_a_day[] = {
    "2023-02-29", "1900-02-29", "2024-02-30", "2024-13-01", "2024-00-10",
    "2024-01-00", "2024-01-32", "2024-04-31", "0000-01-01",
  };
  guint32 julian = 77;

  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message =
        g_strdup_printf ("'%s' is not a day in YYYY-MM-DD form", malformed[i]);

      g_assert_false (lactd_parse_day (malformed[i], &julian, &error));
      g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
      g_assert_cmpstr (error->message, ==, message);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (not_a_day); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message =
        g_strdup_printf ("'%s' is not a calendar day", not_a_day[i]);

      g_assert_false (lactd_parse_day (not_a_day[i], &julian, &error));
      g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
      g_assert_cmpstr (error->message, ==, message);
    }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (lactd_parse_day (NULL, &julian, &error));
    g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
  }
  g_assert_cmpuint (julian, ==, 77);
}

static void
test_format_day (void)
{
  char out[LACTD_DAY_STRLEN];
  GDate date;

  lactd_format_day (0, out);
  g_assert_cmpstr (out, ==, "");
  lactd_format_day (1, out);
  g_assert_cmpstr (out, ==, "0001-01-01");
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 31, 12, 9999);
  lactd_format_day (g_date_get_julian (&date) + 1, out);
  g_assert_cmpstr (out, ==, "");

  /* Every day of a leap year and the next survives a round trip. */
  g_date_set_dmy (&date, 1, 1, 2024);
  for (guint32 j = g_date_get_julian (&date), n = 0; n < 731; j++, n++)
    {
      guint32 back = 0;
      lactd_format_day (j, out);
      g_assert_true (lactd_parse_day (out, &back, NULL));
      g_assert_cmpuint (back, ==, j);
    }
}

static void
test_parse_day_range (void)
{
  g_autoptr(GError) error = NULL;
  guint32 first = 0, last = 0;
  GDate date;
  char end_ok[LACTD_DAY_STRLEN], end_bad[LACTD_DAY_STRLEN];

  g_assert_true (lactd_parse_day_range ("2024-03-01", "2024-03-01", &first,
                                        &last, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first, ==, last);

  /* 3660 days inclusive is the most. */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 1, 1, 2020);
  lactd_format_day (g_date_get_julian (&date) + 3659, end_ok);
  lactd_format_day (g_date_get_julian (&date) + 3660, end_bad);
  g_assert_true (lactd_parse_day_range ("2020-01-01", end_ok, &first, &last,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (last - first + 1, ==, 3660);

  first = last = 5;
  g_assert_false (lactd_parse_day_range ("2020-01-01", end_bad, &first, &last,
                                         &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
  g_assert_true (g_str_has_suffix (error->message,
                                   "is 3661 days; at most 3660 days are "
                                   "allowed"));
  g_assert_cmpuint (first, ==, 5);
  g_assert_cmpuint (last, ==, 5);
  g_clear_error (&error);

  g_assert_false (lactd_parse_day_range ("2024-03-02", "2024-03-01", &first,
                                         &last, &error));
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS);
  g_assert_cmpstr (error->message, ==,
                   "last_day 2024-03-01 is before first_day 2024-03-02");
  g_clear_error (&error);

  g_assert_false (lactd_parse_day_range ("2023-02-29", "2024-03-01", &first,
                                         &last, &error));
  g_assert_cmpstr (error->message, ==,
                   "first_day: '2023-02-29' is not a calendar day");
  g_clear_error (&error);

  g_assert_false (lactd_parse_day_range ("2024-03-01", "2024-3-02", &first,
                                         &last, &error));
  g_assert_cmpstr (error->message, ==,
                   "last_day: '2024-3-02' is not a day in YYYY-MM-DD form");
}

static void
test_day_summary_to_variant (void)
{
  LactdDaySummary day = {
    .day = "2024-02-29",
    .sessions = 9,
    .night_sessions = 2,
    .seconds_left = 5400,
    .seconds_right = 4800,
    .expressed_tenths = 6543,
    .supplement_tenths = 0,
  };
  g_autoptr(GArray) days = g_array_new (FALSE, TRUE, sizeof day);
  g_autoptr(GVariant) dict =
    g_variant_ref_sink (lactd_day_summary_to_variant (&day));
  g_autoptr(GVariant) list = NULL;
  g_autofree char *keys = test_dict_keys (dict);
  g_autoptr(GVariant) d = test_dict_get (dict, "day", "s");
  g_autoptr(GVariant) sessions = test_dict_get (dict, "sessions", "u");
  g_autoptr(GVariant) night = test_dict_get (dict, "night_sessions", "u");
  g_autoptr(GVariant) left = test_dict_get (dict, "seconds_left", "u");
  g_autoptr(GVariant) right = test_dict_get (dict, "seconds_right", "u");
  g_autoptr(GVariant) expressed = test_dict_get (dict, "expressed_ml", "d");
  g_autoptr(GVariant) supplement = test_dict_get (dict, "supplement_ml", "d");

  g_assert_cmpstr (keys, ==, "day,sessions,night_sessions,seconds_left,"
                   "seconds_right,expressed_ml,supplement_ml");
  g_assert_cmpstr (g_variant_get_string (d, NULL), ==, "2024-02-29");
  g_assert_cmpuint (g_variant_get_uint32 (sessions), ==, 9);
  g_assert_cmpuint (g_variant_get_uint32 (night), ==, 2);
  g_assert_cmpuint (g_variant_get_uint32 (left), ==, 5400);
  g_assert_cmpuint (g_variant_get_uint32 (right), ==, 4800);
  g_assert_cmpfloat (g_variant_get_double (expressed), ==, 654.3);
  /* Aggregates always carry their keys: nothing measured is 0. */
  g_assert_cmpfloat (g_variant_get_double (supplement), ==, 0.0);

  g_array_append_val (days, day);
  g_array_append_val (days, day);
  g_array_append_val (days, day);
  list = g_variant_ref_sink (lactd_day_summaries_to_variant (days));
  g_assert_cmpstr (g_variant_get_type_string (list), ==, "aa{sv}");
  g_assert_cmpuint (g_variant_n_children (list), ==, 3);
}

/* --------------------------------------------------------------- live */

static void
test_live_to_variant (void)
{
  lsp_live live = {
    .side = LSP_SIDE_BOTH,
    .phase = LSP_PHASE_EXPRESSION,
    .active = true,
    .seq = 12,
    .elapsed_s = 14400,
    .volume_left = { true, 10000 },
    .volume_right = { true, 0 },
    .supplement = { true, 5 },
    .has_suction = true,
    .suction = 0,
    .has_battery = true,
    .battery_percent = 0,
  };
  g_autoptr(GVariant) dict = g_variant_ref_sink (lactd_live_to_variant (&live));
  g_autofree char *keys = test_dict_keys (dict);
  g_autoptr(GVariant) seq = test_dict_get (dict, "seq", "u");
  g_autoptr(GVariant) elapsed = test_dict_get (dict, "elapsed", "u");
  g_autoptr(GVariant) side = test_dict_get (dict, "side", "s");
  g_autoptr(GVariant) phase = test_dict_get (dict, "phase", "s");
  g_autoptr(GVariant) active = test_dict_get (dict, "active", "b");
  g_autoptr(GVariant) left = test_dict_get (dict, "volume_left_ml", "d");
  g_autoptr(GVariant) right = test_dict_get (dict, "volume_right_ml", "d");
  g_autoptr(GVariant) supplement = test_dict_get (dict, "supplement_ml", "d");
  g_autoptr(GVariant) suction = test_dict_get (dict, "suction", "y");
  g_autoptr(GVariant) battery = test_dict_get (dict, "battery", "y");

  g_assert_cmpstr (keys, ==, "seq,elapsed,side,phase,active,volume_left_ml,"
                   "volume_right_ml,supplement_ml,suction,battery");
  g_assert_cmpuint (g_variant_get_uint32 (seq), ==, 12);
  g_assert_cmpuint (g_variant_get_uint32 (elapsed), ==, 14400);
  g_assert_cmpstr (g_variant_get_string (side, NULL), ==, "both");
  g_assert_cmpstr (g_variant_get_string (phase, NULL), ==, "expression");
  g_assert_true (g_variant_get_boolean (active));
  g_assert_cmpfloat (g_variant_get_double (left), ==, 1000.0);
  g_assert_cmpfloat (g_variant_get_double (right), ==, 0.0);
  g_assert_cmpfloat (g_variant_get_double (supplement), ==, 0.5);
  g_assert_cmpuint (g_variant_get_byte (suction), ==, 0);
  g_assert_cmpuint (g_variant_get_byte (battery), ==, 0);
}

static void
test_live_to_variant_minimal (void)
{
  lsp_live live = {
    .side = LSP_SIDE_NONE,
    .phase = LSP_PHASE_IDLE,
    .active = false,
    .seq = 1,
    .elapsed_s = 0,
  };
  g_autoptr(GVariant) dict = g_variant_ref_sink (lactd_live_to_variant (&live));
  g_autofree char *keys = test_dict_keys (dict);
  g_autoptr(GVariant) active = test_dict_get (dict, "active", "b");

  /* Nothing measured, no suction, no battery: left out. */
  g_assert_cmpstr (keys, ==, "seq,elapsed,side,phase,active");
  g_assert_false (g_variant_get_boolean (active));
}

static void
test_live_strings (void)
{
  g_assert_cmpstr (lactd_side_to_string (LSP_SIDE_NONE), ==, "none");
  g_assert_cmpstr (lactd_side_to_string (LSP_SIDE_LEFT), ==, "left");
  g_assert_cmpstr (lactd_side_to_string (LSP_SIDE_RIGHT), ==, "right");
  g_assert_cmpstr (lactd_side_to_string (LSP_SIDE_BOTH), ==, "both");
  g_assert_null (lactd_side_to_string ((lsp_side) 4));
  g_assert_cmpstr (lactd_phase_to_string (LSP_PHASE_IDLE), ==, "idle");
  g_assert_cmpstr (lactd_phase_to_string (LSP_PHASE_STIMULATION), ==,
                   "stimulation");
  g_assert_cmpstr (lactd_phase_to_string (LSP_PHASE_EXPRESSION), ==,
                   "expression");
  g_assert_cmpstr (lactd_phase_to_string (LSP_PHASE_PAUSED), ==, "paused");
  g_assert_null (lactd_phase_to_string ((lsp_phase) 4));
}

void
test_dbus_days_add_tests (void)
{
  g_test_add_func ("/dbus/day/parse-valid", test_parse_day_valid);
  g_test_add_func ("/dbus/day/parse-invalid", test_parse_day_invalid);
  g_test_add_func ("/dbus/day/format", test_format_day);
  g_test_add_func ("/dbus/day/range", test_parse_day_range);
  g_test_add_func ("/dbus/day/summary-to-variant",
                   test_day_summary_to_variant);
  g_test_add_func ("/dbus/live/to-variant", test_live_to_variant);
  g_test_add_func ("/dbus/live/to-variant-minimal",
                   test_live_to_variant_minimal);
  g_test_add_func ("/dbus/live/strings", test_live_strings);
}
