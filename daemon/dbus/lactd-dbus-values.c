/* lactd-dbus-values.c — AddSession's dictionary, day-summary and live
 * dictionaries, day strings and object paths (goals: lactd-dbus-goal.c;
 * session dictionaries: lactd-dbus-sessions.c). The rules the values obey
 * are the model's (lactd-model.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-dbus"

#include "lactd-dbus-values.h"

#include <string.h>

#include "lactd-dbus-values-private.h"
#include "lactd-error.h"

/* ------------------------------------------------- dictionary reading */

void
lactd_dict_values_clear (LactdDictValues *found)
{
  for (gsize i = 0; i < LACTD_DICT_MAX_KEYS; i++)
    g_clear_pointer (&found->values[i], g_variant_unref);
}

gboolean
lactd_dict_collect (GVariant *dict, const LactdDictKey *keys, gsize n_keys,
                    LactdDictValues *found, GError **error)
{
  GVariantIter iter;
  const char *name;
  GVariant *value_ref;

  g_assert (n_keys <= LACTD_DICT_MAX_KEYS);

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

/* ------------------------------------------------------------ volumes */

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
static const LactdDictKey session_keys[N_SESSION_KEYS] = {
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
optional_volume (const LactdDictValues *found, int index, gint32 *tenths_out,
                 GError **error)
{
  GVariant *value = found->values[index];

  *tenths_out = LACTD_VOLUME_NONE;
  if (value == NULL)
    return TRUE;
  return lactd_volume_from_ml (session_keys[index].name,
                               g_variant_get_double (value), tenths_out,
                               error);
}

static gboolean
optional_duration (const LactdDictValues *found, int index,
                   guint32 *seconds_out, GError **error)
{
  GVariant *value = found->values[index];

  *seconds_out = 0;
  if (value == NULL)
    return TRUE;
  *seconds_out = g_variant_get_uint32 (value);
  return lactd_check_duration (session_keys[index].name, *seconds_out, error);
}

/* kind and start: both required. */
static gboolean
session_kind_and_start (const LactdDictValues *found, gint64 now,
                        LactdSession *session, GError **error)
{
  const char *kind;

  for (int i = SESSION_KEY_KIND; i <= SESSION_KEY_START; i++)
    {
      if (found->values[i] == NULL)
        {
          g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                       "missing required key '%s'", session_keys[i].name);
          return FALSE;
        }
    }
  kind = g_variant_get_string (found->values[SESSION_KEY_KIND], NULL);
  if (!lactd_session_kind_from_string (kind, &session->kind))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_INVALID_ARGS,
                   "kind: '%s' is not one of pump, sns, hand, breastfeed",
                   kind);
      return FALSE;
    }
  session->start = g_variant_get_int64 (found->values[SESSION_KEY_START]);
  return lactd_check_manual_start (session->start, now, error);
}

/* The optional keys, each checked by the model's rule. */
static gboolean
session_optional_values (const LactdDictValues *found, LactdSession *session,
                         GError **error)
{
  GVariant *offset = found->values[SESSION_KEY_UTC_OFFSET];

  session->utc_offset_min = offset != NULL
    ? g_variant_get_int32 (offset)
    : local_offset_minutes_at (session->start);
  if (offset != NULL && !lactd_check_utc_offset (session->utc_offset_min,
                                                 error))
    return FALSE;
  if (!optional_duration (found, SESSION_KEY_DURATION_LEFT,
                          &session->duration_left, error) ||
      !optional_duration (found, SESSION_KEY_DURATION_RIGHT,
                          &session->duration_right, error))
    return FALSE;
  if (found->values[SESSION_KEY_DOUBLE] != NULL)
    session->double_sided =
      g_variant_get_boolean (found->values[SESSION_KEY_DOUBLE]);
  return optional_volume (found, SESSION_KEY_VOLUME_LEFT,
                          &session->volume_left_tenths, error) &&
         optional_volume (found, SESSION_KEY_VOLUME_RIGHT,
                          &session->volume_right_tenths, error) &&
         optional_volume (found, SESSION_KEY_SUPPLEMENT,
                          &session->supplement_tenths, error);
}

gboolean
lactd_session_from_variant (GVariant *dict, gint64 now, LactdSession *out,
                            GError **error)
{
  g_auto(LactdDictValues) found = { { NULL } };
  /* A manual entry: no sensor, no id yet, trustworthy clock. */
  LactdSession session = { 0 };

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!lactd_dict_collect (dict, session_keys, N_SESSION_KEYS, &found,
                           error) ||
      !session_kind_and_start (&found, now, &session, error) ||
      !session_optional_values (&found, &session, error))
    {
      lactd_error_from_model (error);
      return FALSE;
    }
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

/* One {sv} entry, built directly: GVariantBuilder's "{sv}" format string
 * is parsed on every call and was most of the reply's cost (bench/README.md,
 * "Queries and start-up"). */
static GVariant *
vardict_entry (const char *key, GVariant *value)
{
  return g_variant_new_dict_entry (g_variant_new_string (key),
                                   g_variant_new_variant (value));
}

GVariant *
lactd_day_summary_to_variant (const LactdDaySummary *day)
{
  GVariant *entries[7];

  g_return_val_if_fail (day != NULL, NULL);

  entries[0] = vardict_entry ("day", g_variant_new_string (day->day));
  entries[1] = vardict_entry ("sessions", g_variant_new_uint32 (day->sessions));
  entries[2] = vardict_entry ("night_sessions",
                              g_variant_new_uint32 (day->night_sessions));
  entries[3] = vardict_entry ("seconds_left",
                              g_variant_new_uint32 (day->seconds_left));
  entries[4] = vardict_entry ("seconds_right",
                              g_variant_new_uint32 (day->seconds_right));
  entries[5] = vardict_entry ("expressed_ml", g_variant_new_double (
                                lactd_tenths_to_ml (day->expressed_tenths)));
  entries[6] = vardict_entry ("supplement_ml", g_variant_new_double (
                                lactd_tenths_to_ml (day->supplement_tenths)));
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), entries,
                              G_N_ELEMENTS (entries));
}

GVariant *
lactd_day_summaries_to_variant (const GArray *days)
{
  g_autofree GVariant **children = NULL;
  guint n = days != NULL ? days->len : 0;

  children = g_new (GVariant *, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    children[i] = lactd_day_summary_to_variant (
      &g_array_index (days, LactdDaySummary, i));
  return g_variant_new_array (G_VARIANT_TYPE_VARDICT, children, n);
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

/* ------------------------------------------------ addresses and paths */

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
  const gsize prefix = strlen (LACTD_SENSOR_PATH_PREFIX);
  char address[LACTD_ADDRESS_STRLEN] = "";

  g_return_val_if_fail (address_out != NULL, FALSE);

  /* The path's "_" separators become ":"; any ":" already there (no
   * object path has one) is then one too many. */
  if (object_path != NULL &&
      g_str_has_prefix (object_path, LACTD_SENSOR_PATH_PREFIX) &&
      strchr (object_path, ':') == NULL &&
      strlen (object_path + prefix) == LACTD_ADDRESS_STRLEN - 1)
    {
      memcpy (address, object_path + prefix, LACTD_ADDRESS_STRLEN);
      g_strdelimit (address, "_", ':');
    }
  if (!lactd_address_is_valid (address))
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND,
                   "'%s' is not a lactd sensor object path",
                   object_path != NULL ? object_path : "(null)");
      return FALSE;
    }
  memcpy (address_out, address, sizeof address);
  return TRUE;
}
