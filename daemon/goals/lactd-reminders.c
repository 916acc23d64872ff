/* lactd-reminders.c — night windows, reminder state and sentences.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-goals"

#include "lactd-reminders.h"

#include <stdlib.h>
#include <string.h>

/* GDate julian day of 1970-01-01. */
#define JULIAN_UNIX_EPOCH 719163
/* utc_offset lies in the model's range and the daemon's own zone too, so a
 * session in a local night window starts within this of its UTC span. */
#define NIGHT_QUERY_SLACK (27 * 3600)

/* ----------------------------------------------------------- local days */

guint32
lactd_local_julian (GTimeZone *tz, gint64 t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = NULL;
  GDate date;

  g_return_val_if_fail (utc != NULL, 0);
  local = g_date_time_to_timezone (utc, tz);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) g_date_time_get_day_of_month (local),
                  (GDateMonth) g_date_time_get_month (local),
                  (GDateYear) g_date_time_get_year (local));
  return g_date_get_julian (&date);
}

/* Local wall time @minute_of_day on local day @julian. A time that does not
 * exist (a spring-forward gap) is moved forward by GLib, as clocks do. */
static gint64
local_to_unix (GTimeZone *tz, guint32 julian, guint minute_of_day)
{
  g_autoptr(GDateTime) dt = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  dt = g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date),
                        g_date_get_day (&date), (int) (minute_of_day / 60),
                        (int) (minute_of_day % 60), 0);
  g_return_val_if_fail (dt != NULL, 0);
  return g_date_time_to_unix (dt);
}

gint64
lactd_local_midnight (GTimeZone *tz, guint32 julian)
{
  return local_to_unix (tz, julian, 0);
}

/* --------------------------------------------------------- night spans */

void
lactd_night_span_for_day (const LactdGoal *goal, GTimeZone *tz,
                          guint32 anchor_julian, LactdNightSpan *out)
{
  gboolean crosses = goal->night_end_min < goal->night_start_min;

  out->anchor_julian = anchor_julian;
  out->start = local_to_unix (tz, anchor_julian, goal->night_start_min);
  out->end = local_to_unix (tz, anchor_julian + (crosses ? 1 : 0),
                            goal->night_end_min);
  /* A short window swallowed by a DST gap still lasts a moment. */
  if (out->end <= out->start)
    out->end = out->start + 60;
  /* Half of the real time, so a 01:00-05:00 window is half over at 02:30
   * on an ordinary night, 01:30 UTC-wise on DST days. */
  out->half = out->start + (out->end - out->start) / 2;
}

void
lactd_night_span_latest_begun (const LactdGoal *goal, GTimeZone *tz,
                               gint64 t, LactdNightSpan *out)
{
  guint32 today = lactd_local_julian (tz, t);
  gboolean have = FALSE;

  for (guint back = 0; back <= 2; back++)
    {
      LactdNightSpan span;

      lactd_night_span_for_day (goal, tz, today - back, &span);
      if (span.start <= t && (!have || span.start > out->start))
        {
          *out = span;
          have = TRUE;
        }
    }
  g_warn_if_fail (have);
}

void
lactd_night_span_next (const LactdGoal *goal, GTimeZone *tz, gint64 t,
                       LactdNightSpan *out)
{
  guint32 today = lactd_local_julian (tz, t);
  gboolean have = FALSE;

  for (guint32 day = today - 1; day <= today + 2; day++)
    {
      LactdNightSpan span;

      lactd_night_span_for_day (goal, tz, day, &span);
      if (span.start > t && (!have || span.start < out->start))
        {
          *out = span;
          have = TRUE;
        }
    }
  g_warn_if_fail (have);
}

gint64
lactd_night_next_half (const LactdGoal *goal, GTimeZone *tz, gint64 t)
{
  guint32 today = lactd_local_julian (tz, t);
  gint64 best = 0;

  for (guint32 day = today - 2; day <= today + 2; day++)
    {
      LactdNightSpan span;

      lactd_night_span_for_day (goal, tz, day, &span);
      if (span.half > t && (best == 0 || span.half < best))
        best = span.half;
    }
  return best;
}

static gboolean
session_in_night (const LactdSession *session, const LactdGoal *goal,
                  guint32 anchor_julian)
{
  gint64 local = session->start + (gint64) session->utc_offset_min * 60;
  gint64 day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  guint32 julian = (guint32) (day + JULIAN_UNIX_EPOCH);
  guint minute = (guint) ((local - day * 86400) / 60);
  guint start = goal->night_start_min;
  guint end = goal->night_end_min;

  if (start < end)
    return julian == anchor_julian && minute >= start && minute < end;
  return (julian == anchor_julian && minute >= start) ||
         (julian == anchor_julian + 1 && minute < end);
}

gboolean
lactd_night_span_has_session (LactdStore *store, const LactdGoal *goal,
                              const LactdNightSpan *span, gboolean *found,
                              GError **error)
{
  g_autoptr(GArray) sessions = NULL;

  *found = FALSE;
  sessions = lactd_store_list_sessions (store, span->start - NIGHT_QUERY_SLACK,
                                        span->end + NIGHT_QUERY_SLACK, error);
  if (sessions == NULL)
    return FALSE;
  for (guint i = 0; i < sessions->len; i++)
    {
      const LactdSession *session = &g_array_index (sessions, LactdSession, i);

      /* An unsynced start says nothing about when it happened. */
      if (!session->clock_unsynced &&
          session_in_night (session, goal, span->anchor_julian))
        {
          *found = TRUE;
          break;
        }
    }
  return TRUE;
}

/* ------------------------------------------------------ reminder state */

void
lactd_reminder_state_init (LactdReminderState *state)
{
  memset (state, 0, sizeof *state);
  state->battery_low = g_ptr_array_new_with_free_func (g_free);
}

void
lactd_reminder_state_clear (LactdReminderState *state)
{
  g_clear_pointer (&state->battery_low, g_ptr_array_unref);
  memset (state, 0, sizeof *state);
}

const char *
lactd_reminder_kind_to_string (LactdReminderKind kind)
{
  switch (kind)
    {
    case LACTD_REMINDER_SESSION:
      return "session";
    case LACTD_REMINDER_NIGHT:
      return "night";
    case LACTD_REMINDER_NONE:
    default:
      return "";
    }
}

static gboolean
parse_time (const char *key, const char *value, gint64 *out, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, out, &local_error))
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "Stored reminder state: bad %s: %s", key,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_snooze (const char *value, LactdReminderState *state, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  if (g_strv_length (parts) != 4)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                   "Stored reminder state: bad snooze \"%s\"", value);
      return FALSE;
    }
  if (g_str_equal (parts[0], "session"))
    state->snooze_kind = LACTD_REMINDER_SESSION;
  else if (g_str_equal (parts[0], "night"))
    state->snooze_kind = LACTD_REMINDER_NIGHT;
  else
    state->snooze_kind = LACTD_REMINDER_NONE;
  return parse_time ("snooze due", parts[1], &state->snooze_due, error) &&
         parse_time ("snooze until", parts[2], &state->snooze_until, error) &&
         parse_time ("snooze emitted", parts[3], &state->snooze_emitted,
                     error);
}

gboolean
lactd_reminder_state_parse (const char *str, LactdReminderState *state,
                            GError **error)
{
  g_auto(GStrv) fields = NULL;
  LactdReminderState parsed;

  lactd_reminder_state_init (&parsed);
  fields = g_strsplit (str != NULL ? str : "", ";", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *eq = strchr (fields[i], '=');
      g_autofree char *key = NULL;
      const char *value;
      gboolean ok = TRUE;

      if (fields[i][0] == '\0')
        continue;
      if (eq == NULL)
        {
          g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_STORAGE,
                       "Stored reminder state: bad field \"%s\"", fields[i]);
          lactd_reminder_state_clear (&parsed);
          return FALSE;
        }
      key = g_strndup (fields[i], (gsize) (eq - fields[i]));
      value = eq + 1;
      if (g_str_equal (key, "session_emitted"))
        ok = parse_time (key, value, &parsed.session_emitted, error);
      else if (g_str_equal (key, "night_emitted"))
        ok = parse_time (key, value, &parsed.night_emitted, error);
      else if (g_str_equal (key, "dismissed_end"))
        ok = parse_time (key, value, &parsed.dismissed_end, error);
      else if (g_str_equal (key, "night_dismissed"))
        ok = parse_time (key, value, &parsed.night_dismissed, error);
      else if (g_str_equal (key, "snooze"))
        ok = parse_snooze (value, &parsed, error);
      else if (g_str_equal (key, "battery_low"))
        {
          g_auto(GStrv) addresses = g_strsplit (value, ",", -1);

          for (guint j = 0; addresses[j] != NULL; j++)
            if (lactd_address_is_valid (addresses[j]))
              g_ptr_array_add (parsed.battery_low, g_strdup (addresses[j]));
        }
      /* Unknown keys: from a later version; ignored. */
      if (!ok)
        {
          lactd_reminder_state_clear (&parsed);
          return FALSE;
        }
    }

  lactd_reminder_state_clear (state);
  *state = parsed;
  return TRUE;
}

char *
lactd_reminder_state_to_string (const LactdReminderState *state)
{
  GString *str = g_string_new (NULL);

  g_string_append_printf (str, "session_emitted=%" G_GINT64_FORMAT
                          ";night_emitted=%" G_GINT64_FORMAT
                          ";dismissed_end=%" G_GINT64_FORMAT
                          ";night_dismissed=%" G_GINT64_FORMAT,
                          state->session_emitted, state->night_emitted,
                          state->dismissed_end, state->night_dismissed);
  if (state->snooze_kind != LACTD_REMINDER_NONE)
    g_string_append_printf (str, ";snooze=%s,%" G_GINT64_FORMAT ",%"
                            G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                            lactd_reminder_kind_to_string (state->snooze_kind),
                            state->snooze_due, state->snooze_until,
                            state->snooze_emitted);
  g_string_append (str, ";battery_low=");
  for (guint i = 0; i < state->battery_low->len; i++)
    g_string_append_printf (str, "%s%s", i > 0 ? "," : "",
                            (const char *) state->battery_low->pdata[i]);
  return g_string_free (str, FALSE);
}

/* ------------------------------------------------------------ sentences */

char *
lactd_reminder_session_message (gint64 last_end, gint64 now)
{
  gint64 minutes = MAX (now - last_end, 0) / 60;

  if (minutes < 60)
    return g_strdup_printf ("Time to pump: last session ended %"
                            G_GINT64_FORMAT " min ago", minutes);
  if (minutes % 60 == 0)
    return g_strdup_printf ("Time to pump: last session ended %"
                            G_GINT64_FORMAT " h ago", minutes / 60);
  return g_strdup_printf ("Time to pump: last session ended %"
                          G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min ago",
                          minutes / 60, minutes % 60);
}

char *
lactd_reminder_night_message (void)
{
  return g_strdup ("No night session yet: prolactin is highest now");
}

char *
lactd_reminder_battery_message (const char *address, guint percent)
{
  return g_strdup_printf ("Sensor %s battery at %u %%", address, percent);
}
