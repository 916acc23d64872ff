/* test-model.c — the domain module: limits defined once (and from the
 * codec where the sensor sets them), one validator per rule whatever the
 * caller, addresses upper case except where a person types them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "lactd-model.h"

#define NOW 1735689600LL /* 2025-01-01T00:00:00Z */

static LactdSession
valid_session (void)
{
  LactdSession s = {
    .kind = LACTD_SESSION_KIND_PUMP,
    .start = NOW - 3600,
    .utc_offset_min = 60,
    .duration_left = 600,
    .duration_right = 600,
    .volume_left_tenths = 1205,
    .volume_right_tenths = LACTD_VOLUME_NONE,
    .supplement_tenths = 0,
  };
  return s;
}

/* Reads *error only once the call (an argument) has run. */
static void
assert_invalid (gboolean ok, GError **error, const char *message)
{
  g_assert_false (ok);
  g_assert_error (*error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID);
  g_assert_cmpstr ((*error)->message, ==, message);
  g_clear_error (error);
}

/* The sensor's limits are the codec's, restated in the API's units. */
static void
test_limits_from_codec (void)
{
  g_assert_cmpint (LACTD_MIN_START, ==, 1577836800);
  g_assert_cmpint (LACTD_MIN_UTC_OFFSET_MIN, ==, -720);
  g_assert_cmpint (LACTD_MAX_UTC_OFFSET_MIN, ==, 840);
  g_assert_cmpuint (LACTD_MAX_DURATION_S, ==, 14400);
  g_assert_cmpint (LACTD_MAX_SESSION_S, ==, 2 * 14400);
  g_assert_cmpint (LACTD_MAX_VOLUME_TENTHS, ==, 10000);
  g_assert_cmpfloat (LACTD_MAX_VOLUME_ML, ==, 1000.0);
  g_assert_cmpuint (LACTD_MAX_SUMMARY_DAYS, ==, 3660);
  g_assert_cmpuint (LACTD_LIST_SESSIONS_MAX, ==, 5000);
  g_assert_cmpuint (LACTD_PAGE_SESSIONS_MAX, ==, 500);
}

static void
test_session_rules (void)
{
  LactdSession s = valid_session ();
  g_autoptr(GError) error = NULL;

  g_assert_true (lactd_session_validate (&s, &error));
  g_assert_true (lactd_session_validate_manual (&s, NOW, &error));
  g_assert_no_error (error);

  s.duration_right = LACTD_MAX_DURATION_S + 1;
  assert_invalid (lactd_session_validate (&s, &error), &error,
                  "duration_right: 14401 s is more than 14400 s");

  s = valid_session ();
  s.utc_offset_min = LACTD_MIN_UTC_OFFSET_MIN - 1;
  assert_invalid (lactd_session_validate (&s, &error), &error,
                  "utc_offset: -721 min is outside -720..840 min");

  s = valid_session ();
  s.supplement_tenths = LACTD_MAX_VOLUME_TENTHS + 1;
  assert_invalid (lactd_session_validate (&s, &error), &error,
                  "supplement_ml: 1000.1 is outside 0-1000 mL");

  s = valid_session ();
  s.kind = (LactdSessionKind) 4;
  assert_invalid (lactd_session_validate (&s, &error), &error,
                  "kind: 4 is not one of pump, sns, hand, breastfeed");

  s = valid_session ();
  s.start = NOW + LACTD_MAX_START_AHEAD_S + 1;
  g_assert_true (lactd_session_validate (&s, NULL));
  assert_invalid (lactd_session_validate_manual (&s, NOW, &error), &error,
                  "start: 1735689661 is more than 60 s after now "
                  "(1735689600)");

  s = valid_session ();
  s.from_sensor = TRUE;
  assert_invalid (lactd_session_validate_manual (&s, NOW, &error), &error,
                  "source: a manual session cannot come from a sensor");
}

/* The same millilitres are accepted or refused whether they come as a
 * D-Bus double or as stored tenths. */
static void
test_volumes_one_rule (void)
{
  const double ml[] = { 0.0, 0.05, 999.94, 1000.0, 1000.04, 1000.1, -0.1 };
  gint32 tenths = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (ml); i++)
    {
      gboolean from_ml = lactd_volume_from_ml ("v", ml[i], &tenths, NULL);

      if (from_ml)
        g_assert_true (lactd_check_volume_tenths ("v", tenths, NULL));
      else
        g_assert_true (ml[i] < 0.0 || ml[i] > LACTD_MAX_VOLUME_ML);
    }
  g_assert_false (lactd_volume_from_ml ("v", (double) NAN, &tenths, NULL));
  g_assert_false (lactd_volume_from_ml ("v", (double) INFINITY, &tenths, NULL));
  g_assert_true (lactd_check_volume_tenths ("v", LACTD_VOLUME_NONE, NULL));
  g_assert_false (lactd_check_volume_tenths ("v", -2, NULL));
}

static void
test_sensor_kinds (void)
{
  g_assert_true (lactd_sensor_kind_is_valid ("pump"));
  g_assert_true (lactd_sensor_kind_is_valid ("sns"));
  g_assert_true (lactd_sensor_kind_is_valid ("unknown"));
  g_assert_false (lactd_sensor_kind_is_valid ("toaster"));
  g_assert_false (lactd_sensor_kind_is_valid (NULL));
  g_assert_cmpstr (lactd_sensor_kind_or_unknown ("sns"), ==, "sns");
  g_assert_cmpstr (lactd_sensor_kind_or_unknown ("unknown"), ==, "unknown");
  g_assert_cmpstr (lactd_sensor_kind_or_unknown (NULL), ==, "unknown");
  g_assert_cmpstr (lactd_sensor_kind_from_lsp (LSP_SENSOR_KIND_SNS), ==,
                   "sns");
  g_assert_cmpstr (lactd_sensor_kind_from_lsp (LSP_SENSOR_KIND_PUMP), ==,
                   "pump");
}

/* One validator: upper case only; only a person's input is normalised. */
static void
test_addresses (void)
{
  char out[LACTD_ADDRESS_STRLEN];
  g_autoptr(GError) error = NULL;

  g_assert_true (lactd_address_is_valid ("C0:FF:EE:00:00:01"));
  g_assert_false (lactd_address_is_valid ("c0:ff:ee:00:00:01"));
  g_assert_true (lactd_address_normalize ("c0:ff:ee:00:00:01", out, &error));
  g_assert_cmpstr (out, ==, "C0:FF:EE:00:00:01");
  g_assert_true (lactd_address_is_valid (out));
  assert_invalid (lactd_address_normalize ("c0:ff:ee", out, &error), &error,
                  "'c0:ff:ee' is not a Bluetooth address XX:XX:XX:XX:XX:XX");

  g_assert_true (lactd_address_is_valid (LACTD_SIMULATED_ADDRESS));
  g_assert_true (lactd_address_is_simulated ("5E:00:00:5E:00:01"));
  g_assert_false (lactd_address_is_simulated ("C0:FF:EE:00:00:01"));
  g_assert_false (lactd_address_is_simulated (NULL));
}

static void
test_goal_rules (void)
{
  LactdGoal goal = lactd_goal_defaults ();
  LactdGoal copy = goal;
  g_autoptr(GError) error = NULL;

  g_assert_true (lactd_goal_validate (&goal, &error));
  g_assert_true (lactd_goal_equal (&goal, &copy));
  copy.reminders = FALSE;
  g_assert_false (lactd_goal_equal (&goal, &copy));

  goal.max_gap_minutes = LACTD_GOAL_MAX_GAP_MAX + 1;
  assert_invalid (lactd_goal_validate (&goal, &error), &error,
                  "max_gap_minutes: 1441 is outside 1-1440 min");

  g_assert_true (lactd_check_snooze_minutes (LACTD_SNOOZE_MAX_MINUTES, NULL));
  assert_invalid (lactd_check_snooze_minutes (0, &error), &error,
                  "Snooze minutes must be 1-240, not 0");
}

static void
test_boxed (void)
{
  LactdSession s = valid_session ();
  g_autoptr(LactdSession) copy = g_boxed_copy (LACTD_TYPE_SESSION, &s);
  LactdGoal goal = lactd_goal_defaults ();
  LactdGoal *goal_copy = g_boxed_copy (LACTD_TYPE_GOAL, &goal);

  g_assert_cmpmem (copy, sizeof *copy, &s, sizeof s);
  g_assert_true (lactd_goal_equal (goal_copy, &goal));
  g_boxed_free (LACTD_TYPE_GOAL, goal_copy);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/limits-from-codec", test_limits_from_codec);
  g_test_add_func ("/model/session-rules", test_session_rules);
  g_test_add_func ("/model/volumes-one-rule", test_volumes_one_rule);
  g_test_add_func ("/model/sensor-kinds", test_sensor_kinds);
  g_test_add_func ("/model/addresses", test_addresses);
  g_test_add_func ("/model/goal-rules", test_goal_rules);
  g_test_add_func ("/model/boxed", test_boxed);
  return g_test_run ();
}
