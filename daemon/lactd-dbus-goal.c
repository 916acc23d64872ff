/* lactd-dbus-goal.c — the Goal, Progress and Trend dictionaries of
 * org.lactd.Goals1: SetGoal validation, the goal's serialisation for the
 * store's settings table, HH:MM times.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-dbus"

#include "lactd-dbus-values.h"

#include <math.h>
#include <string.h>

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

LactdGoal
lactd_goal_defaults (void)
{
  LactdGoal goal = {
    .sessions_per_day = 8,
    .minutes_per_side = 15,
    .max_gap_minutes = 180,
    .night_start_min = 1 * 60,
    .night_end_min = 5 * 60,
    .reminders = TRUE,
  };
  return goal;
}

gboolean
lactd_parse_hhmm (const char *str, guint16 *minutes_out, GError **error)
{
  guint hours, minutes;

  g_return_val_if_fail (minutes_out != NULL, FALSE);

  if (str == NULL || strlen (str) != 5 || str[2] != ':' ||
      !g_ascii_isdigit (str[0]) || !g_ascii_isdigit (str[1]) ||
      !g_ascii_isdigit (str[3]) || !g_ascii_isdigit (str[4]))
    goto invalid;
  hours = (guint) (str[0] - '0') * 10 + (guint) (str[1] - '0');
  minutes = (guint) (str[3] - '0') * 10 + (guint) (str[4] - '0');
  if (hours > 23 || minutes > 59)
    goto invalid;
  *minutes_out = (guint16) (hours * 60 + minutes);
  return TRUE;

invalid:
  g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
               "'%s' is not a time HH:MM between 00:00 and 23:59",
               str != NULL ? str : "(null)");
  return FALSE;
}

void
lactd_format_hhmm (guint16 minutes, char out[LACTD_HHMM_STRLEN])
{
  minutes %= 24 * 60;
  g_snprintf (out, LACTD_HHMM_STRLEN, "%02u:%02u",
              (guint) (minutes / 60) % 24, (guint) (minutes % 60));
}

gboolean
lactd_goal_validate (const LactdGoal *goal, GError **error)
{
  g_return_val_if_fail (goal != NULL, FALSE);

  if (!lactd_check_u32_range ("sessions_per_day", goal->sessions_per_day,
                              1, 24, "", error) ||
      !lactd_check_u32_range ("minutes_per_side", goal->minutes_per_side,
                              1, 60, " min", error) ||
      !lactd_check_u32_range ("max_gap_minutes", goal->max_gap_minutes,
                              1, 1440, " min", error))
    return FALSE;
  if (goal->night_start_min >= 24 * 60 || goal->night_end_min >= 24 * 60)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "night window %u-%u min is outside 00:00-23:59",
                   goal->night_start_min, goal->night_end_min);
      return FALSE;
    }
  if (goal->night_start_min == goal->night_end_min)
    {
      char hhmm[LACTD_HHMM_STRLEN];

      lactd_format_hhmm (goal->night_start_min, hhmm);
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "night_start and night_end are both %s: the night "
                   "window would be empty", hhmm);
      return FALSE;
    }
  return TRUE;
}

LactdNightWindow
lactd_goal_night_window (const LactdGoal *goal)
{
  LactdNightWindow night = {
    .start_min = goal->night_start_min,
    .end_min = goal->night_end_min,
  };
  return night;
}

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
    return FALSE;
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

char *
lactd_goal_to_string (const LactdGoal *goal)
{
  char night_start[LACTD_HHMM_STRLEN], night_end[LACTD_HHMM_STRLEN];

  g_return_val_if_fail (goal != NULL, NULL);

  lactd_format_hhmm (goal->night_start_min, night_start);
  lactd_format_hhmm (goal->night_end_min, night_end);
  return g_strdup_printf ("sessions_per_day=%u;minutes_per_side=%u;"
                          "max_gap_minutes=%u;night_start=%s;night_end=%s;"
                          "reminders=%s",
                          goal->sessions_per_day, goal->minutes_per_side,
                          goal->max_gap_minutes, night_start, night_end,
                          goal->reminders ? "true" : "false");
}

static gboolean
parse_stored_u32 (const char *key, const char *text, guint32 *out,
                  GError **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "%s: '%s' is not a number", key, text);
      return FALSE;
    }
  *out = (guint32) value;
  return TRUE;
}

gboolean
lactd_goal_from_string (const char *str, LactdGoal *out, GError **error)
{
  g_auto(GStrv) pairs = NULL;
  LactdGoal goal = lactd_goal_defaults ();

  g_return_val_if_fail (str != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  pairs = g_strsplit (str, ";", -1);
  for (gsize i = 0; pairs[i] != NULL; i++)
    {
      const char *pair = pairs[i];
      const char *equals = strchr (pair, '=');
      g_autofree char *key = NULL;
      const char *value;
      gboolean ok = TRUE;

      if (*pair == '\0')
        continue;
      if (equals == NULL)
        {
          g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                       "stored goal: '%s' is not key=value", pair);
          return FALSE;
        }
      key = g_strndup (pair, (gsize) (equals - pair));
      value = equals + 1;

      if (g_str_equal (key, "sessions_per_day"))
        ok = parse_stored_u32 (key, value, &goal.sessions_per_day, error);
      else if (g_str_equal (key, "minutes_per_side"))
        ok = parse_stored_u32 (key, value, &goal.minutes_per_side, error);
      else if (g_str_equal (key, "max_gap_minutes"))
        ok = parse_stored_u32 (key, value, &goal.max_gap_minutes, error);
      else if (g_str_equal (key, "night_start") ||
               g_str_equal (key, "night_end"))
        {
          guint16 *minutes = g_str_equal (key, "night_start") ?
                             &goal.night_start_min : &goal.night_end_min;

          ok = lactd_parse_hhmm (value, minutes, error);
          if (!ok)
            g_prefix_error (error, "%s: ", key);
        }
      else if (g_str_equal (key, "reminders"))
        {
          if (g_str_equal (value, "true"))
            goal.reminders = TRUE;
          else if (g_str_equal (value, "false"))
            goal.reminders = FALSE;
          else
            {
              g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                           "reminders: '%s' is not true or false", value);
              ok = FALSE;
            }
        }
      /* else: a key from a later version; it has no meaning here. */

      if (!ok)
        {
          g_prefix_error (error, "stored goal: ");
          return FALSE;
        }
    }

  if (!lactd_goal_validate (&goal, error))
    {
      g_prefix_error (error, "stored goal: ");
      return FALSE;
    }
  *out = goal;
  return TRUE;
}
