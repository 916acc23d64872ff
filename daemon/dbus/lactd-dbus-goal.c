/* lactd-dbus-goal.c — the Goal, Progress and Trend dictionaries of
 * org.lactd.Goals1 and SetGoal's changes (the goal's rules are the
 * model's: lactd-model-goal.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-dbus"

#include "lactd-dbus-values.h"

#include <math.h>

#include "lactd-dbus-values-private.h"
#include "lactd-error.h"

/* ---------------------------------------------- progress and trend */

GVariant *
lactd_progress_to_variant (const LactdTotals *totals, guint32 target,
                           gboolean night_done, gint64 next_due)
{
  GVariantBuilder builder;

  g_return_val_if_fail (totals != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "sessions",
                         g_variant_new_uint32 (totals->sessions));
  g_variant_builder_add (&builder, "{sv}", "target",
                         g_variant_new_uint32 (target));
  g_variant_builder_add (&builder, "{sv}", "night_done",
                         g_variant_new_boolean (night_done));
  g_variant_builder_add (&builder, "{sv}", "seconds_left",
                         g_variant_new_uint32 (totals->seconds_left));
  g_variant_builder_add (&builder, "{sv}", "seconds_right",
                         g_variant_new_uint32 (totals->seconds_right));
  g_variant_builder_add (&builder, "{sv}", "expressed_ml",
                         g_variant_new_double (
                           lactd_tenths_to_ml (totals->expressed_tenths)));
  g_variant_builder_add (&builder, "{sv}", "supplement_ml",
                         g_variant_new_double (
                           lactd_tenths_to_ml (totals->supplement_tenths)));
  g_variant_builder_add (&builder, "{sv}", "next_due",
                         g_variant_new_int64 (next_due));
  return g_variant_builder_end (&builder);
}

/* A per-day average in mL, rounded to 0.1 mL like every volume. */
static double
per_day_ml (gint64 tenths, guint32 days)
{
  if (days == 0)
    return 0.0;
  return lactd_tenths_to_ml ((gint64) llround ((double) tenths /
                                               (double) days));
}

GVariant *
lactd_trend_to_variant (const LactdTrendFigures *figures)
{
  GVariantBuilder builder;
  char first_milk_day[LACTD_DAY_STRLEN] = "";
  gint64 both;

  g_return_val_if_fail (figures != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "expressed_ml_per_day",
                         g_variant_new_double (
                           per_day_ml (figures->expressed_tenths,
                                       figures->days_counted)));
  g_variant_builder_add (&builder, "{sv}", "supplement_ml_per_day",
                         g_variant_new_double (
                           per_day_ml (figures->supplement_tenths,
                                       figures->days_counted)));
  both = figures->expressed_tenths + figures->supplement_tenths;
  if (both > 0)
    g_variant_builder_add (&builder, "{sv}", "own_milk_share",
                           g_variant_new_double (
                             (double) figures->expressed_tenths /
                             (double) both));
  if (figures->first_milk_julian != 0)
    lactd_format_day (figures->first_milk_julian, first_milk_day);
  g_variant_builder_add (&builder, "{sv}", "first_milk_day",
                         g_variant_new_string (first_milk_day));
  return g_variant_builder_end (&builder);
}

/* ------------------------------------------------------------- goals */

enum {
  GOAL_KEY_SESSIONS_PER_DAY,
  GOAL_KEY_MINUTES_PER_SIDE,
  GOAL_KEY_MAX_GAP_MINUTES,
  GOAL_KEY_NIGHT_START,
  GOAL_KEY_NIGHT_END,
  GOAL_KEY_REMINDERS,
  N_GOAL_KEYS
};

static const LactdDictKey goal_keys[N_GOAL_KEYS] = {
  [GOAL_KEY_SESSIONS_PER_DAY] = { "sessions_per_day", "u" },
  [GOAL_KEY_MINUTES_PER_SIDE] = { "minutes_per_side", "u" },
  [GOAL_KEY_MAX_GAP_MINUTES] = { "max_gap_minutes", "u" },
  [GOAL_KEY_NIGHT_START] = { "night_start", "s" },
  [GOAL_KEY_NIGHT_END] = { "night_end", "s" },
  [GOAL_KEY_REMINDERS] = { "reminders", "b" },
};

static gboolean
goal_night_time (const LactdDictValues *found, int index, guint16 *minutes_out,
                 GError **error)
{
  GVariant *value = found->values[index];

  if (value == NULL)
    return TRUE;
  if (!lactd_parse_hhmm (g_variant_get_string (value, NULL), minutes_out,
                         error))
    {
      lactd_error_from_model (error);
      g_prefix_error (error, "%s: ", goal_keys[index].name);
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_goal_apply_changes (const LactdGoal *current, GVariant *changes,
                          LactdGoal *out, GError **error)
{
  g_auto(LactdDictValues) found = { { NULL } };
  LactdGoal goal;

  g_return_val_if_fail (current != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!lactd_dict_collect (changes, goal_keys, N_GOAL_KEYS, &found, error))
    return FALSE;

  goal = *current;
  if (found.values[GOAL_KEY_SESSIONS_PER_DAY] != NULL)
    goal.sessions_per_day =
      g_variant_get_uint32 (found.values[GOAL_KEY_SESSIONS_PER_DAY]);
  if (found.values[GOAL_KEY_MINUTES_PER_SIDE] != NULL)
    goal.minutes_per_side =
      g_variant_get_uint32 (found.values[GOAL_KEY_MINUTES_PER_SIDE]);
  if (found.values[GOAL_KEY_MAX_GAP_MINUTES] != NULL)
    goal.max_gap_minutes =
      g_variant_get_uint32 (found.values[GOAL_KEY_MAX_GAP_MINUTES]);
  if (!goal_night_time (&found, GOAL_KEY_NIGHT_START, &goal.night_start_min,
                        error) ||
      !goal_night_time (&found, GOAL_KEY_NIGHT_END, &goal.night_end_min,
                        error))
    return FALSE;
  if (found.values[GOAL_KEY_REMINDERS] != NULL)
    goal.reminders = g_variant_get_boolean (found.values[GOAL_KEY_REMINDERS]);

  if (!lactd_goal_validate (&goal, error))
    {
      lactd_error_from_model (error);
      return FALSE;
    }
  if (out != NULL)
    *out = goal;
  return TRUE;
}

gboolean
lactd_goal_changes_validate (const LactdGoal *current, GVariant *changes,
                             GError **error)
{
  return lactd_goal_apply_changes (current, changes, NULL, error);
}

GVariant *
lactd_goal_to_variant (const LactdGoal *goal)
{
  GVariantBuilder builder;
  char night_start[LACTD_HHMM_STRLEN], night_end[LACTD_HHMM_STRLEN];

  g_return_val_if_fail (goal != NULL, NULL);

  lactd_format_hhmm (goal->night_start_min, night_start);
  lactd_format_hhmm (goal->night_end_min, night_end);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "sessions_per_day",
                         g_variant_new_uint32 (goal->sessions_per_day));
  g_variant_builder_add (&builder, "{sv}", "minutes_per_side",
                         g_variant_new_uint32 (goal->minutes_per_side));
  g_variant_builder_add (&builder, "{sv}", "max_gap_minutes",
                         g_variant_new_uint32 (goal->max_gap_minutes));
  g_variant_builder_add (&builder, "{sv}", "night_start",
                         g_variant_new_string (night_start));
  g_variant_builder_add (&builder, "{sv}", "night_end",
                         g_variant_new_string (night_end));
  g_variant_builder_add (&builder, "{sv}", "reminders",
                         g_variant_new_boolean (goal->reminders));
  return g_variant_builder_end (&builder);
}
