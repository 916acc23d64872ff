/* lactd-dbus-values.c — the API's dictionaries, day strings and paths.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-dbus"

#include "lactd-dbus-values.h"

#include <math.h>
#include <string.h>

#include "lactd-error.h"

/* ------------------------------------------------- dictionary reading */

/* One key a dictionary may carry and the type its value must have. */
typedef struct {
  const char *name;
  const char *type;
} DictKey;

#define MAX_DICT_KEYS 16

/* The values found for a DictKey table, by index; NULL when absent. */
typedef struct {
  GVariant *values[MAX_DICT_KEYS];
} DictValues;

static void
dict_values_clear (DictValues *found)
{
  for (gsize i = 0; i < MAX_DICT_KEYS; i++)
    g_clear_pointer (&found->values[i], g_variant_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DictValues, dict_values_clear)

/* Sorts every entry of an a{sv} into found->values by keys[]. Fails on the
 * first unknown, repeated or mistyped key, in message order. */
static gboolean
dict_collect (GVariant *dict, const DictKey *keys, gsize n_keys,
              DictValues *found, GError **error)
{
  GVariantIter iter;
  const char *name;
  GVariant *value_ref;

  g_assert (n_keys <= MAX_DICT_KEYS);

  if (dict == NULL || !g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "expected a dictionary of type 'a{sv}', got '%s'",
                   dict != NULL ? g_variant_get_type_string (dict) : "nothing");
      return FALSE;
    }

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value_ref))
    {
      g_autoptr(GVariant) value = value_ref;
      gsize i;

      for (i = 0; i < n_keys; i++)
        {
          if (g_str_equal (keys[i].name, name))
            break;
        }
      if (i == n_keys)
        {
          g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                       "unknown key '%s'", name);
          return FALSE;
        }
      if (found->values[i] != NULL)
        {
          g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                       "key '%s' given more than once", name);
          return FALSE;
        }
      if (!g_str_equal (g_variant_get_type_string (value), keys[i].type))
        {
          g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                       "%s: expected type '%s', got '%s'", name, keys[i].type,
                       g_variant_get_type_string (value));
          return FALSE;
        }
      found->values[i] = g_steal_pointer (&value);
    }
  return TRUE;
}

static gboolean
check_u32_range (const char *key, guint32 value, guint32 min, guint32 max,
                 const char *unit, GError **error)
{
  if (value < min || value > max)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "%s: %u is outside %u-%u%s", key, value, min, max, unit);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------ volumes */

double
lactd_tenths_to_ml (gint64 tenths)
{
  return (double) tenths / 10.0;
}

/* A volume from the API (mL, double) to the store's tenths. */
static gboolean
volume_from_ml (const char *key, double ml, gint32 *tenths_out,
                GError **error)
{
  if (!isfinite (ml))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "%s: %.15g is not a finite number", key, ml);
      return FALSE;
    }
  if (ml < 0.0 || ml > LACTD_MAX_VOLUME_ML)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "%s: %.15g is outside 0-1000 mL", key, ml);
      return FALSE;
    }
  *tenths_out = (gint32) lround (ml * 10.0);
  return TRUE;
}

static void
add_volume (GVariantBuilder *builder, const char *key, gint64 tenths)
{
  /* Unmeasured volumes are left out, never sent as 0. */
  if (tenths < 0)
    return;
  g_variant_builder_add (builder, "{sv}", key,
                         g_variant_new_double (lactd_tenths_to_ml (tenths)));
}

/* ----------------------------------------------------------- sessions */

GVariant *
lactd_session_to_variant (const LactdSession *session)
{
  GVariantBuilder builder;
  const char *kind;

  g_return_val_if_fail (session != NULL, NULL);
  kind = lactd_session_kind_to_string (session->kind);
  g_return_val_if_fail (kind != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "id",
                         g_variant_new_uint64 (session->id));
  g_variant_builder_add (&builder, "{sv}", "source",
                         g_variant_new_string (session->from_sensor ?
                                               "sensor" : "manual"));
  g_variant_builder_add (&builder, "{sv}", "sensor",
                         g_variant_new_string (session->from_sensor ?
                                               session->address : ""));
  g_variant_builder_add (&builder, "{sv}", "seq",
                         g_variant_new_uint32 (session->from_sensor ?
                                               session->seq : 0));
  g_variant_builder_add (&builder, "{sv}", "kind",
                         g_variant_new_string (kind));
  g_variant_builder_add (&builder, "{sv}", "start",
                         g_variant_new_int64 (session->start));
  g_variant_builder_add (&builder, "{sv}", "end",
                         g_variant_new_int64 (lactd_session_end (session)));
  g_variant_builder_add (&builder, "{sv}", "utc_offset",
                         g_variant_new_int32 (session->utc_offset_min));
  g_variant_builder_add (&builder, "{sv}", "duration_left",
                         g_variant_new_uint32 (session->duration_left));
  g_variant_builder_add (&builder, "{sv}", "duration_right",
                         g_variant_new_uint32 (session->duration_right));
  g_variant_builder_add (&builder, "{sv}", "double",
                         g_variant_new_boolean (session->double_sided));
  add_volume (&builder, "volume_left_ml", session->volume_left_tenths);
  add_volume (&builder, "volume_right_ml", session->volume_right_tenths);
  add_volume (&builder, "supplement_ml", session->supplement_tenths);
  g_variant_builder_add (&builder, "{sv}", "interrupted",
                         g_variant_new_boolean (session->interrupted));
  g_variant_builder_add (&builder, "{sv}", "clock_unsynced",
                         g_variant_new_boolean (session->clock_unsynced));
  return g_variant_builder_end (&builder);
}

GVariant *
lactd_sessions_to_variant (const GArray *sessions)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; sessions != NULL && i < sessions->len; i++)
    {
      const LactdSession *session =
        &g_array_index (sessions, LactdSession, i);
      g_variant_builder_add_value (&builder,
                                   lactd_session_to_variant (session));
    }
  return g_variant_builder_end (&builder);
}

enum {
  SESSION_KEY_KIND,
  SESSION_KEY_START,
  SESSION_KEY_UTC_OFFSET,
  SESSION_KEY_DURATION_LEFT,
  SESSION_KEY_DURATION_RIGHT,
  SESSION_KEY_DOUBLE,
  SESSION_KEY_VOLUME_LEFT,
  SESSION_KEY_VOLUME_RIGHT,
  SESSION_KEY_SUPPLEMENT,
  N_SESSION_KEYS
};

/* What AddSession accepts: the keys a person can know about a session.
 * id, source, sensor, seq and end are the daemon's, so they are unknown
 * keys here. */
static const DictKey session_keys[N_SESSION_KEYS] = {
  [SESSION_KEY_KIND] = { "kind", "s" },
  [SESSION_KEY_START] = { "start", "x" },
  [SESSION_KEY_UTC_OFFSET] = { "utc_offset", "i" },
  [SESSION_KEY_DURATION_LEFT] = { "duration_left", "u" },
  [SESSION_KEY_DURATION_RIGHT] = { "duration_right", "u" },
  [SESSION_KEY_DOUBLE] = { "double", "b" },
  [SESSION_KEY_VOLUME_LEFT] = { "volume_left_ml", "d" },
  [SESSION_KEY_VOLUME_RIGHT] = { "volume_right_ml", "d" },
  [SESSION_KEY_SUPPLEMENT] = { "supplement_ml", "d" },
};

static gint32
local_offset_minutes_at (gint64 when)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (when);

  if (local == NULL)
    return 0;
  return (gint32) (g_date_time_get_utc_offset (local) / G_TIME_SPAN_MINUTE);
}

static gboolean
optional_volume (const DictValues *found, int index, gint32 *tenths_out,
                 GError **error)
{
  GVariant *value = found->values[index];

  *tenths_out = LACTD_VOLUME_NONE;
  if (value == NULL)
    return TRUE;
  return volume_from_ml (session_keys[index].name,
                         g_variant_get_double (value), tenths_out, error);
}

static gboolean
optional_duration (const DictValues *found, int index, guint32 *seconds_out,
                   GError **error)
{
  GVariant *value = found->values[index];

  *seconds_out = 0;
  if (value == NULL)
    return TRUE;
  *seconds_out = g_variant_get_uint32 (value);
  if (*seconds_out > LACTD_MAX_DURATION_S)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "%s: %u s is more than %u s",
                   session_keys[index].name, *seconds_out,
                   LACTD_MAX_DURATION_S);
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_session_from_variant (GVariant *dict, gint64 now, LactdSession *out,
                            GError **error)
{
  g_auto(DictValues) found = { { NULL } };
  LactdSession session = { 0 };
  const char *kind;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dict_collect (dict, session_keys, N_SESSION_KEYS, &found, error))
    return FALSE;

  for (int i = SESSION_KEY_KIND; i <= SESSION_KEY_START; i++)
    {
      if (found.values[i] == NULL)
        {
          g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                       "missing required key '%s'", session_keys[i].name);
          return FALSE;
        }
    }

  kind = g_variant_get_string (found.values[SESSION_KEY_KIND], NULL);
  if (!lactd_session_kind_from_string (kind, &session.kind))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "kind: '%s' is not one of pump, sns, hand, breastfeed",
                   kind);
      return FALSE;
    }

  session.start = g_variant_get_int64 (found.values[SESSION_KEY_START]);
  if (session.start < LACTD_MIN_START)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "start: %" G_GINT64_FORMAT " is before 2020-01-01 "
                   "(%" G_GINT64_FORMAT ")",
                   session.start, (gint64) LACTD_MIN_START);
      return FALSE;
    }
  if (session.start > now + LACTD_MAX_START_AHEAD_S)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "start: %" G_GINT64_FORMAT " is more than %d s after now "
                   "(%" G_GINT64_FORMAT ")",
                   session.start, LACTD_MAX_START_AHEAD_S, now);
      return FALSE;
    }

  if (found.values[SESSION_KEY_UTC_OFFSET] != NULL)
    {
      session.utc_offset_min =
        g_variant_get_int32 (found.values[SESSION_KEY_UTC_OFFSET]);
      if (session.utc_offset_min < LACTD_MIN_UTC_OFFSET_MIN ||
          session.utc_offset_min > LACTD_MAX_UTC_OFFSET_MIN)
        {
          g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                       "utc_offset: %d min is outside %d..%d min",
                       session.utc_offset_min, LACTD_MIN_UTC_OFFSET_MIN,
                       LACTD_MAX_UTC_OFFSET_MIN);
          return FALSE;
        }
    }
  else
    {
      session.utc_offset_min = local_offset_minutes_at (session.start);
    }

  if (!optional_duration (&found, SESSION_KEY_DURATION_LEFT,
                          &session.duration_left, error) ||
      !optional_duration (&found, SESSION_KEY_DURATION_RIGHT,
                          &session.duration_right, error))
    return FALSE;

  if (found.values[SESSION_KEY_DOUBLE] != NULL)
    session.double_sided =
      g_variant_get_boolean (found.values[SESSION_KEY_DOUBLE]);

  if (!optional_volume (&found, SESSION_KEY_VOLUME_LEFT,
                        &session.volume_left_tenths, error) ||
      !optional_volume (&found, SESSION_KEY_VOLUME_RIGHT,
                        &session.volume_right_tenths, error) ||
      !optional_volume (&found, SESSION_KEY_SUPPLEMENT,
                        &session.supplement_tenths, error))
    return FALSE;

  /* A manual entry: no sensor, no id yet, trustworthy clock. */
  session.id = 0;
  session.from_sensor = FALSE;
  session.address[0] = '\0';
  session.epoch = 0;
  session.seq = 0;
  session.interrupted = FALSE;
  session.clock_unsynced = FALSE;

  *out = session;
  return TRUE;
}

/* --------------------------------------------------------------- days */

gboolean
lactd_parse_day (const char *day, guint32 *julian_out, GError **error)
{
  guint year = 0, month = 0, day_of_month = 0;
  GDate date;

  g_return_val_if_fail (julian_out != NULL, FALSE);

  if (day == NULL || strlen (day) != 10)
    goto malformed;
  for (int i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7)
        {
          if (day[i] != '-')
            goto malformed;
        }
      else if (!g_ascii_isdigit (day[i]))
        {
          goto malformed;
        }
    }
  for (int i = 0; i < 4; i++)
    year = year * 10 + (guint) (day[i] - '0');
  month = (guint) (day[5] - '0') * 10 + (guint) (day[6] - '0');
  day_of_month = (guint) (day[8] - '0') * 10 + (guint) (day[9] - '0');

  if (year < 1 || !g_date_valid_dmy ((GDateDay) day_of_month,
                                     (GDateMonth) month, (GDateYear) year))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "'%s' is not a calendar day", day);
      return FALSE;
    }

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day_of_month, (GDateMonth) month,
                  (GDateYear) year);
  *julian_out = g_date_get_julian (&date);
  return TRUE;

malformed:
  g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
               "'%s' is not a day in YYYY-MM-DD form",
               day != NULL ? day : "(null)");
  return FALSE;
}

void
lactd_format_day (guint32 julian, char out[LACTD_DAY_STRLEN])
{
  GDate date;

  out[0] = '\0';
  if (!g_date_valid_julian (julian))
    return;
  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  if (g_date_get_year (&date) > 9999)
    return;
  g_snprintf (out, LACTD_DAY_STRLEN, "%04u-%02u-%02u",
              (guint) g_date_get_year (&date),
              (guint) g_date_get_month (&date),
              (guint) g_date_get_day (&date));
}

gboolean
lactd_parse_day_range (const char *first_day, const char *last_day,
                       guint32 *first_julian_out, guint32 *last_julian_out,
                       GError **error)
{
  guint32 first, last;

  g_return_val_if_fail (first_julian_out != NULL, FALSE);
  g_return_val_if_fail (last_julian_out != NULL, FALSE);

  if (!lactd_parse_day (first_day, &first, error))
    {
      g_prefix_error (error, "first_day: ");
      return FALSE;
    }
  if (!lactd_parse_day (last_day, &last, error))
    {
      g_prefix_error (error, "last_day: ");
      return FALSE;
    }
  if (last < first)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "last_day %s is before first_day %s", last_day, first_day);
      return FALSE;
    }
  if (last - first + 1 > LACTD_MAX_SUMMARY_DAYS)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "%s to %s is %u days; at most %u days are allowed",
                   first_day, last_day, last - first + 1,
                   LACTD_MAX_SUMMARY_DAYS);
      return FALSE;
    }
  *first_julian_out = first;
  *last_julian_out = last;
  return TRUE;
}

GVariant *
lactd_day_summary_to_variant (const LactdDaySummary *day)
{
  GVariantBuilder builder;

  g_return_val_if_fail (day != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "day",
                         g_variant_new_string (day->day));
  g_variant_builder_add (&builder, "{sv}", "sessions",
                         g_variant_new_uint32 (day->sessions));
  g_variant_builder_add (&builder, "{sv}", "night_sessions",
                         g_variant_new_uint32 (day->night_sessions));
  g_variant_builder_add (&builder, "{sv}", "seconds_left",
                         g_variant_new_uint32 (day->seconds_left));
  g_variant_builder_add (&builder, "{sv}", "seconds_right",
                         g_variant_new_uint32 (day->seconds_right));
  g_variant_builder_add (&builder, "{sv}", "expressed_ml",
                         g_variant_new_double (
                           lactd_tenths_to_ml (day->expressed_tenths)));
  g_variant_builder_add (&builder, "{sv}", "supplement_ml",
                         g_variant_new_double (
                           lactd_tenths_to_ml (day->supplement_tenths)));
  return g_variant_builder_end (&builder);
}

GVariant *
lactd_day_summaries_to_variant (const GArray *days)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; days != NULL && i < days->len; i++)
    {
      const LactdDaySummary *day = &g_array_index (days, LactdDaySummary, i);
      g_variant_builder_add_value (&builder,
                                   lactd_day_summary_to_variant (day));
    }
  return g_variant_builder_end (&builder);
}

/* --------------------------------------------------------------- live */

const char *
lactd_side_to_string (lsp_side side)
{
  switch (side)
    {
    case LSP_SIDE_NONE: return "none";
    case LSP_SIDE_LEFT: return "left";
    case LSP_SIDE_RIGHT: return "right";
    case LSP_SIDE_BOTH: return "both";
    default: return NULL;
    }
}

const char *
lactd_phase_to_string (lsp_phase phase)
{
  switch (phase)
    {
    case LSP_PHASE_IDLE: return "idle";
    case LSP_PHASE_STIMULATION: return "stimulation";
    case LSP_PHASE_EXPRESSION: return "expression";
    case LSP_PHASE_PAUSED: return "paused";
    default: return NULL;
    }
}

static void
add_live_volume (GVariantBuilder *builder, const char *key,
                 const lsp_volume *volume)
{
  if (volume->measured)
    add_volume (builder, key, volume->tenths);
}

GVariant *
lactd_live_to_variant (const lsp_live *live)
{
  GVariantBuilder builder;
  const char *side, *phase;

  g_return_val_if_fail (live != NULL, NULL);
  side = lactd_side_to_string (live->side);
  phase = lactd_phase_to_string (live->phase);
  g_return_val_if_fail (side != NULL && phase != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "seq",
                         g_variant_new_uint32 (live->seq));
  g_variant_builder_add (&builder, "{sv}", "elapsed",
                         g_variant_new_uint32 (live->elapsed_s));
  g_variant_builder_add (&builder, "{sv}", "side",
                         g_variant_new_string (side));
  g_variant_builder_add (&builder, "{sv}", "phase",
                         g_variant_new_string (phase));
  g_variant_builder_add (&builder, "{sv}", "active",
                         g_variant_new_boolean (live->active));
  add_live_volume (&builder, "volume_left_ml", &live->volume_left);
  add_live_volume (&builder, "volume_right_ml", &live->volume_right);
  add_live_volume (&builder, "supplement_ml", &live->supplement);
  if (live->has_suction)
    g_variant_builder_add (&builder, "{sv}", "suction",
                           g_variant_new_byte (live->suction));
  if (live->has_battery)
    g_variant_builder_add (&builder, "{sv}", "battery",
                           g_variant_new_byte (live->battery_percent));
  return g_variant_builder_end (&builder);
}

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

  if (!check_u32_range ("sessions_per_day", goal->sessions_per_day, 1, 24,
                        "", error) ||
      !check_u32_range ("minutes_per_side", goal->minutes_per_side, 1, 60,
                        " min", error) ||
      !check_u32_range ("max_gap_minutes", goal->max_gap_minutes, 1, 1440,
                        " min", error))
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

static const DictKey goal_keys[N_GOAL_KEYS] = {
  [GOAL_KEY_SESSIONS_PER_DAY] = { "sessions_per_day", "u" },
  [GOAL_KEY_MINUTES_PER_SIDE] = { "minutes_per_side", "u" },
  [GOAL_KEY_MAX_GAP_MINUTES] = { "max_gap_minutes", "u" },
  [GOAL_KEY_NIGHT_START] = { "night_start", "s" },
  [GOAL_KEY_NIGHT_END] = { "night_end", "s" },
  [GOAL_KEY_REMINDERS] = { "reminders", "b" },
};

static gboolean
goal_night_time (const DictValues *found, int index, guint16 *minutes_out,
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
  g_auto(DictValues) found = { { NULL } };
  LactdGoal goal;

  g_return_val_if_fail (current != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dict_collect (changes, goal_keys, N_GOAL_KEYS, &found, error))
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

/* ------------------------------------------------ addresses and paths */

/* 17 characters: six hex pairs separated by sep. Writes the upper-case,
 * ':'-separated form to out when given. */
static gboolean
scan_address (const char *text, char sep, gboolean allow_lower,
              char out[LACTD_ADDRESS_STRLEN])
{
  char address[LACTD_ADDRESS_STRLEN];

  if (text == NULL || strlen (text) != 17)
    return FALSE;
  for (int i = 0; i < 17; i++)
    {
      char c = text[i];

      if (i % 3 == 2)
        {
          if (c != sep)
            return FALSE;
          address[i] = ':';
          continue;
        }
      if (!g_ascii_isxdigit (c))
        return FALSE;
      if (g_ascii_islower (c) && !allow_lower)
        return FALSE;
      address[i] = g_ascii_toupper (c);
    }
  address[17] = '\0';
  if (out != NULL)
    memcpy (out, address, sizeof address);
  return TRUE;
}

gboolean
lactd_address_is_valid (const char *address)
{
  return scan_address (address, ':', FALSE, NULL);
}

gboolean
lactd_address_normalize (const char *address, char out[LACTD_ADDRESS_STRLEN],
                         GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (!scan_address (address, ':', TRUE, out))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "'%s' is not a Bluetooth address XX:XX:XX:XX:XX:XX",
                   address != NULL ? address : "(null)");
      return FALSE;
    }
  return TRUE;
}

char *
lactd_sensor_object_path (const char *address)
{
  char *path;

  g_return_val_if_fail (lactd_address_is_valid (address), NULL);

  path = g_strconcat (LACTD_SENSOR_PATH_PREFIX, address, NULL);
  g_strdelimit (path + strlen (LACTD_SENSOR_PATH_PREFIX), ":", '_');
  return path;
}

gboolean
lactd_address_from_object_path (const char *object_path,
                                char address_out[LACTD_ADDRESS_STRLEN],
                                GError **error)
{
  g_return_val_if_fail (address_out != NULL, FALSE);

  if (object_path == NULL ||
      !g_str_has_prefix (object_path, LACTD_SENSOR_PATH_PREFIX) ||
      !scan_address (object_path + strlen (LACTD_SENSOR_PATH_PREFIX), '_',
                     FALSE, address_out))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND,
                   "'%s' is not a lactd sensor object path",
                   object_path != NULL ? object_path : "(null)");
      return FALSE;
    }
  return TRUE;
}
