/* lactd-model-goal.c — the goal and its night window: defaults, ranges,
 * HH:MM times and the goal's form in the store's settings table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-model"

#include "lactd-model.h"

#include <string.h>

static LactdGoal *
goal_copy (const LactdGoal *goal)
{
  return g_memdup2 (goal, sizeof *goal);
}

G_DEFINE_BOXED_TYPE (LactdGoal, lactd_goal, goal_copy, g_free)

static LactdNightWindow *
night_window_copy (const LactdNightWindow *night)
{
  return g_memdup2 (night, sizeof *night);
}

G_DEFINE_BOXED_TYPE (LactdNightWindow, lactd_night_window, night_window_copy,
                     g_free)

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
  g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
               "'%s' is not a time HH:MM between 00:00 and 23:59",
               str != NULL ? str : "(null)");
  return FALSE;
}

void
lactd_format_hhmm (guint16 minutes, char out[LACTD_HHMM_STRLEN])
{
  minutes %= LACTD_MINUTES_PER_DAY;
  g_snprintf (out, LACTD_HHMM_STRLEN, "%02u:%02u",
              (guint) (minutes / 60) % 24, (guint) (minutes % 60));
}

gboolean
lactd_goal_validate (const LactdGoal *goal, GError **error)
{
  g_return_val_if_fail (goal != NULL, FALSE);

  if (!lactd_check_u32_range ("sessions_per_day", goal->sessions_per_day,
                              LACTD_GOAL_SESSIONS_PER_DAY_MIN,
                              LACTD_GOAL_SESSIONS_PER_DAY_MAX, "", error) ||
      !lactd_check_u32_range ("minutes_per_side", goal->minutes_per_side,
                              LACTD_GOAL_MINUTES_PER_SIDE_MIN,
                              LACTD_GOAL_MINUTES_PER_SIDE_MAX, " min",
                              error) ||
      !lactd_check_u32_range ("max_gap_minutes", goal->max_gap_minutes,
                              LACTD_GOAL_MAX_GAP_MIN, LACTD_GOAL_MAX_GAP_MAX,
                              " min", error))
    return FALSE;
  if (goal->night_start_min >= LACTD_MINUTES_PER_DAY ||
      goal->night_end_min >= LACTD_MINUTES_PER_DAY)
    {
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "night window %u-%u min is outside 00:00-23:59",
                   goal->night_start_min, goal->night_end_min);
      return FALSE;
    }
  if (goal->night_start_min == goal->night_end_min)
    {
      char hhmm[LACTD_HHMM_STRLEN];

      lactd_format_hhmm (goal->night_start_min, hhmm);
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "night_start and night_end are both %s: the night "
                   "window would be empty", hhmm);
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_goal_equal (const LactdGoal *a, const LactdGoal *b)
{
  return a->sessions_per_day == b->sessions_per_day &&
         a->minutes_per_side == b->minutes_per_side &&
         a->max_gap_minutes == b->max_gap_minutes &&
         a->night_start_min == b->night_start_min &&
         a->night_end_min == b->night_end_min &&
         !a->reminders == !b->reminders;
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

gboolean
lactd_check_snooze_minutes (guint minutes, GError **error)
{
  if (minutes >= LACTD_SNOOZE_MIN_MINUTES &&
      minutes <= LACTD_SNOOZE_MAX_MINUTES)
    return TRUE;
  g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
               "Snooze minutes must be %u-%u, not %u",
               LACTD_SNOOZE_MIN_MINUTES, LACTD_SNOOZE_MAX_MINUTES, minutes);
  return FALSE;
}

/* ------------------------------------------------ the settings form */

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
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "%s: '%s' is not a number", key, text);
      return FALSE;
    }
  *out = (guint32) value;
  return TRUE;
}

static gboolean
parse_stored_bool (const char *key, const char *text, gboolean *out,
                   GError **error)
{
  if (g_str_equal (text, "true") || g_str_equal (text, "false"))
    {
      *out = g_str_equal (text, "true");
      return TRUE;
    }
  g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
               "%s: '%s' is not true or false", key, text);
  return FALSE;
}

/* One "key=value" of the settings form into goal. */
static gboolean
parse_stored_pair (const char *key, const char *value, LactdGoal *goal,
                   GError **error)
{
  guint16 *night = NULL;

  if (g_str_equal (key, "sessions_per_day"))
    return parse_stored_u32 (key, value, &goal->sessions_per_day, error);
  if (g_str_equal (key, "minutes_per_side"))
    return parse_stored_u32 (key, value, &goal->minutes_per_side, error);
  if (g_str_equal (key, "max_gap_minutes"))
    return parse_stored_u32 (key, value, &goal->max_gap_minutes, error);
  if (g_str_equal (key, "reminders"))
    return parse_stored_bool (key, value, &goal->reminders, error);
  if (g_str_equal (key, "night_start"))
    night = &goal->night_start_min;
  else if (g_str_equal (key, "night_end"))
    night = &goal->night_end_min;
  else
    return TRUE;   /* a key from a later version: no meaning here */
  if (lactd_parse_hhmm (value, night, error))
    return TRUE;
  g_prefix_error (error, "%s: ", key);
  return FALSE;
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
      const char *equals = strchr (pairs[i], '=');
      g_autofree char *key = NULL;

      if (*pairs[i] == '\0')
        continue;
      if (equals == NULL)
        {
          g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                       "stored goal: '%s' is not key=value", pairs[i]);
          return FALSE;
        }
      key = g_strndup (pairs[i], (gsize) (equals - pairs[i]));
      if (!parse_stored_pair (key, equals + 1, &goal, error))
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
