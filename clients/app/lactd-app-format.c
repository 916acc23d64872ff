/* lactd-app-format.c — lactd-app's words and numbers, and reading the
 * add-session dialog's fields (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "lactd-app-format.h"

/* ------------------------------------------------------- dictionaries */

guint32
lactd_dict_uint (GVariant *dict, const char *key, guint32 fallback)
{
  guint32 value;

  return dict != NULL && g_variant_lookup (dict, key, "u", &value) ? value : fallback;
}

gint64
lactd_dict_int64 (GVariant *dict, const char *key, gint64 fallback)
{
  gint64 value;

  return dict != NULL && g_variant_lookup (dict, key, "x", &value) ? value : fallback;
}

guint64
lactd_dict_uint64 (GVariant *dict, const char *key, guint64 fallback)
{
  guint64 value;

  return dict != NULL && g_variant_lookup (dict, key, "t", &value) ? value : fallback;
}

gboolean
lactd_dict_bool (GVariant *dict, const char *key, gboolean fallback)
{
  gboolean value;

  return dict != NULL && g_variant_lookup (dict, key, "b", &value) ? value : fallback;
}

gboolean
lactd_dict_double (GVariant *dict, const char *key, double *out)
{
  return dict != NULL && g_variant_lookup (dict, key, "d", out);
}

const char *
lactd_dict_string (GVariant *dict, const char *key, const char *fallback)
{
  const char *value;

  return dict != NULL && g_variant_lookup (dict, key, "&s", &value) ? value : fallback;
}

/* ------------------------------------------------------------ numbers */

char *
lactd_format_volume (double ml)
{
  double tenths = round (ml * 10.0);

  if (fmod (tenths, 10.0) == 0.0)
    return g_strdup_printf ("%.0f mL", tenths / 10.0);
  return g_strdup_printf ("%.1f mL", tenths / 10.0);
}

char *
lactd_format_minutes (guint64 seconds)
{
  guint64 minutes = (seconds + 30) / 60;

  if (seconds < 60)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " s", seconds);
  if (minutes < 60)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " min", minutes);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " h %02" G_GUINT64_FORMAT " min",
                          minutes / 60, minutes % 60);
}

char *
lactd_format_elapsed (guint64 seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT
                            ":%02" G_GUINT64_FORMAT,
                            seconds / 3600, seconds / 60 % 60, seconds % 60);
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT,
                          seconds / 60, seconds % 60);
}

/* "1 h 20 min", "5 min", "1 h" for a whole number of minutes. */
static char *
span_text (gint64 minutes)
{
  if (minutes < 60)
    return g_strdup_printf ("%" G_GINT64_FORMAT " min", minutes);
  if (minutes % 60 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT " h", minutes / 60);
  return g_strdup_printf ("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min",
                          minutes / 60, minutes % 60);
}

char *
lactd_format_countdown (gint64 due, gint64 now)
{
  g_autofree char *span = NULL;

  /* Rounded up ahead and down behind, so "in 1 min" lasts until due. */
  if (due > now)
    {
      span = span_text ((due - now + 59) / 60);
      return g_strconcat ("in ", span, NULL);
    }
  if (now - due < 60)
    return g_strdup ("now");
  span = span_text ((now - due) / 60);
  return g_strconcat (span, " ago", NULL);
}

char *
lactd_format_clock (gint64 unix_time, GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;

  return local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("?");
}

char *
lactd_format_day_heading (gint64 unix_time, gint64 now, GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) utc_now = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) when = NULL, today = NULL;
  GDate day, this_day;

  if (utc == NULL || utc_now == NULL)
    return g_strdup ("?");
  when = g_date_time_to_timezone (utc, tz);
  today = g_date_time_to_timezone (utc_now, tz);
  g_date_clear (&day, 1);
  g_date_clear (&this_day, 1);
  g_date_set_dmy (&day, (GDateDay) g_date_time_get_day_of_month (when),
                  (GDateMonth) g_date_time_get_month (when),
                  (GDateYear) g_date_time_get_year (when));
  g_date_set_dmy (&this_day, (GDateDay) g_date_time_get_day_of_month (today),
                  (GDateMonth) g_date_time_get_month (today),
                  (GDateYear) g_date_time_get_year (today));
  switch (g_date_days_between (&day, &this_day))
    {
    case 0:
      return g_strdup ("Today");
    case 1:
      return g_strdup ("Yesterday");
    default:
      break;
    }
  if (g_date_time_get_year (when) == g_date_time_get_year (today))
    return g_date_time_format (when, "%A %-d %B");
  return g_date_time_format (when, "%A %-d %B %Y");
}

/* -------------------------------------------------------------- words */

const char *
lactd_format_kind (const char *kind)
{
  static const struct { const char *kind, *words; } kinds[] = {
    { "pump", "Pump" },
    { "sns", "SNS feed" },
    { "hand", "Hand expression" },
    { "breastfeed", "Breastfeed" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kind, kinds[i].kind) == 0)
      return kinds[i].words;
  return kind != NULL ? kind : "Session";
}

const char *
lactd_format_phase (const char *phase)
{
  static const struct { const char *phase, *words; } phases[] = {
    { "stimulation", "Stimulation" },
    { "expression", "Expression" },
    { "paused", "Paused" },
    { "idle", "Idle" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (phases); i++)
    if (g_strcmp0 (phase, phases[i].phase) == 0)
      return phases[i].words;
  return phase != NULL ? phase : "";
}

char *
lactd_format_battery (guint8 battery)
{
  if (battery > 100)
    return g_strdup ("unknown");
  return g_strdup_printf ("%u %%", battery);
}

/* "Left 15 min · 32.5 mL"; NULL for a side with neither time nor volume. */
static char *
side_text (GVariant *session, const char *name, const char *duration_key,
           const char *volume_key)
{
  guint32 seconds = lactd_dict_uint (session, duration_key, 0);
  double ml = 0;
  gboolean measured = lactd_dict_double (session, volume_key, &ml);
  g_autofree char *time = NULL, *volume = NULL;

  if (seconds == 0 && !measured)
    return NULL;
  if (seconds > 0)
    time = lactd_format_minutes (seconds);
  if (measured)
    volume = lactd_format_volume (ml);
  if (time != NULL && volume != NULL)
    return g_strdup_printf ("%s %s · %s", name, time, volume);
  return g_strdup_printf ("%s %s", name, time != NULL ? time : volume);
}

/* The start in the session's own utc_offset, as it was lived. */
static char *
session_start_clock (GVariant *session)
{
  gint32 offset_min = 0;
  g_autoptr(GTimeZone) tz = NULL;

  g_variant_lookup (session, "utc_offset", "i", &offset_min);
  tz = g_time_zone_new_offset (offset_min * 60);
  return lactd_format_clock (lactd_dict_int64 (session, "start", 0), tz);
}

void
lactd_format_session_row (GVariant *session, char **title, char **subtitle)
{
  g_autofree char *clock = session_start_clock (session);
  g_autofree char *left = side_text (session, "Left", "duration_left", "volume_left_ml");
  g_autofree char *right = side_text (session, "Right", "duration_right", "volume_right_ml");
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  double supplement;

  *title = g_strdup_printf ("%s · %s", clock,
                            lactd_format_kind (lactd_dict_string (session, "kind", NULL)));
  if (left != NULL)
    g_ptr_array_add (parts, g_steal_pointer (&left));
  if (right != NULL)
    g_ptr_array_add (parts, g_steal_pointer (&right));
  if (lactd_dict_bool (session, "double", FALSE))
    g_ptr_array_add (parts, g_strdup ("both at once"));
  if (lactd_dict_double (session, "supplement_ml", &supplement))
    {
      g_autofree char *volume = lactd_format_volume (supplement);
      g_ptr_array_add (parts, g_strconcat ("supplement ", volume, NULL));
    }
  if (g_strcmp0 (lactd_dict_string (session, "source", NULL), "manual") == 0)
    g_ptr_array_add (parts, g_strdup ("entered by hand"));
  if (lactd_dict_bool (session, "interrupted", FALSE))
    g_ptr_array_add (parts, g_strdup ("interrupted"));
  if (lactd_dict_bool (session, "clock_unsynced", FALSE))
    g_ptr_array_add (parts, g_strdup ("sensor clock was not set: time uncertain"));
  if (parts->len == 0)
    g_ptr_array_add (parts, g_strdup ("no time or volume recorded"));
  g_ptr_array_add (parts, NULL);
  *subtitle = g_strjoinv (" · ", (char **) parts->pdata);
}

/* ------------------------------------------------------------ parsing */

static gboolean
parse_error (GError **error, const char *field, const char *text,
             const char *expected)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s: “%s” is not %s", field, text, expected);
  return FALSE;
}

/* A plain decimal number: digits with at most one '.' or ',' and an
 * optional leading '-' (no exponent, no "nan"). */
static gboolean
parse_decimal (const char *text, double *out)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gboolean seen_digit = FALSE, seen_point = FALSE;
  char *end;

  for (char *p = copy; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        seen_digit = TRUE;
      else if ((*p == '.' || *p == ',') && !seen_point)
        {
          seen_point = TRUE;
          *p = '.';
        }
      else if (!(*p == '-' && p == copy))
        return FALSE;
    }
  if (!seen_digit)
    return FALSE;
  *out = g_ascii_strtod (copy, &end);
  return *end == '\0' && isfinite (*out);
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

gboolean
lactd_parse_start (const char *field, const char *text, gint64 now,
                   GTimeZone *tz, gint64 *unix_out, GError **error)
{
  unsigned year = 0, month = 0, day = 0, hour, minute;
  char tail;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));

  /* A failed scan may have filled some fields: a short time has no year. */
  if (sscanf (copy, "%4u-%2u-%2u %2u:%2u%c", &year, &month, &day, &hour,
              &minute, &tail) != 5)
    {
      year = 0;
      if (sscanf (copy, "%2u:%2u%c", &hour, &minute, &tail) != 2)
        return parse_error (error, field, copy, "a time such as 14:05 or 2026-03-01 14:05");
    }
  if (hour > 23 || minute > 59)
    return parse_error (error, field, copy, "a time of day (00:00-23:59)");
  if (year == 0)
    {
      g_autoptr(GDateTime) utc_now = g_date_time_new_from_unix_utc (now);
      g_autoptr(GDateTime) today = g_date_time_to_timezone (utc_now, tz);

      when = g_date_time_new (tz, g_date_time_get_year (today),
                              g_date_time_get_month (today),
                              g_date_time_get_day_of_month (today),
                              (int) hour, (int) minute, 0);
      /* A clock time still ahead today was last night's. */
      if (when != NULL && g_date_time_to_unix (when) > now + 60)
        {
          GDateTime *yesterday = g_date_time_add_days (when, -1);
          g_date_time_unref (when);
          when = yesterday;
        }
    }
  else
    when = g_date_time_new (tz, (int) year, (int) month, (int) day, (int) hour,
                            (int) minute, 0);
  if (when == NULL)
    return parse_error (error, field, copy, "a date that exists");
  *unix_out = g_date_time_to_unix (when);
  return TRUE;
}

gboolean
lactd_parse_minutes (const char *field, const char *text,
                     guint32 *seconds_out, GError **error)
{
  double minutes;

  if (is_blank (text))
    {
      *seconds_out = 0;
      return TRUE;
    }
  if (!parse_decimal (text, &minutes) || minutes < 0 || minutes * 60 > G_MAXUINT32)
    return parse_error (error, field, text, "a number of minutes");
  *seconds_out = (guint32) round (minutes * 60);
  return TRUE;
}

gboolean
lactd_parse_ml (const char *field, const char *text, gboolean *present,
                double *ml_out, GError **error)
{
  *present = FALSE;
  if (is_blank (text))
    return TRUE;
  if (!parse_decimal (text, ml_out))
    return parse_error (error, field, text, "a number of millilitres");
  *present = TRUE;
  return TRUE;
}
