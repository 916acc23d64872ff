/* lactd-model.c — sessions, sensor kinds and addresses: their rules
 * (goals and night windows: lactd-model-goal.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-model"

#include "lactd-model.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (lactd-model-error-quark, lactd_model_error)

G_DEFINE_BOXED_TYPE (LactdSession, lactd_session, lactd_session_copy,
                     lactd_session_free)

gboolean
lactd_check_u32_range (const char *key, guint32 value, guint32 min,
                       guint32 max, const char *unit, GError **error)
{
  if (value < min || value > max)
    {
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "%s: %u is outside %u-%u%s", key, value, min, max, unit);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------- sessions */

static const char *const session_kind_names[] = {
  [LACTD_SESSION_KIND_PUMP] = "pump",
  [LACTD_SESSION_KIND_SNS] = "sns",
  [LACTD_SESSION_KIND_HAND] = "hand",
  [LACTD_SESSION_KIND_BREASTFEED] = "breastfeed",
};

const char *
lactd_session_kind_to_string (LactdSessionKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (session_kind_names))
    return NULL;
  return session_kind_names[kind];
}

gboolean
lactd_session_kind_from_string (const char *str, LactdSessionKind *kind_out)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (session_kind_names); i++)
    {
      if (strcmp (str, session_kind_names[i]) == 0)
        {
          if (kind_out != NULL)
            *kind_out = (LactdSessionKind) i;
          return TRUE;
        }
    }
  return FALSE;
}

LactdSession *
lactd_session_copy (const LactdSession *session)
{
  return g_memdup2 (session, sizeof *session);
}

void
lactd_session_free (LactdSession *session)
{
  g_free (session);
}

gint64
lactd_session_end (const LactdSession *session)
{
  g_return_val_if_fail (session != NULL, 0);
  if (session->double_sided)
    return session->start + MAX (session->duration_left,
                                 session->duration_right);
  return session->start + (gint64) session->duration_left +
         (gint64) session->duration_right;
}

gint64
lactd_session_expressed_tenths (const LactdSession *session)
{
  gint64 sum = 0;

  g_return_val_if_fail (session != NULL, 0);
  if (session->volume_left_tenths != LACTD_VOLUME_NONE)
    sum += session->volume_left_tenths;
  if (session->volume_right_tenths != LACTD_VOLUME_NONE)
    sum += session->volume_right_tenths;
  return sum;
}

double
lactd_tenths_to_ml (gint64 tenths)
{
  return (double) tenths / 10.0;
}

gboolean
lactd_check_utc_offset (gint32 minutes, GError **error)
{
  if (minutes >= LACTD_MIN_UTC_OFFSET_MIN &&
      minutes <= LACTD_MAX_UTC_OFFSET_MIN)
    return TRUE;
  g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
               "utc_offset: %d min is outside %d..%d min", minutes,
               LACTD_MIN_UTC_OFFSET_MIN, LACTD_MAX_UTC_OFFSET_MIN);
  return FALSE;
}

gboolean
lactd_check_duration (const char *key, guint32 seconds, GError **error)
{
  if (seconds <= LACTD_MAX_DURATION_S)
    return TRUE;
  g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
               "%s: %u s is more than %u s", key, seconds,
               LACTD_MAX_DURATION_S);
  return FALSE;
}

static gboolean
volume_out_of_range (const char *key, double ml, GError **error)
{
  g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
               "%s: %.15g is outside 0-%g mL", key, ml, LACTD_MAX_VOLUME_ML);
  return FALSE;
}

gboolean
lactd_check_volume_tenths (const char *key, gint32 tenths, GError **error)
{
  if (tenths == LACTD_VOLUME_NONE ||
      (tenths >= 0 && tenths <= LACTD_MAX_VOLUME_TENTHS))
    return TRUE;
  return volume_out_of_range (key, lactd_tenths_to_ml (tenths), error);
}

gboolean
lactd_volume_from_ml (const char *key, double ml, gint32 *tenths_out,
                      GError **error)
{
  if (!isfinite (ml))
    {
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "%s: %.15g is not a finite number", key, ml);
      return FALSE;
    }
  if (ml < 0.0 || ml > LACTD_MAX_VOLUME_ML)
    return volume_out_of_range (key, ml, error);
  *tenths_out = (gint32) lround (ml * 10.0);
  return TRUE;
}

gboolean
lactd_check_manual_start (gint64 start, gint64 now, GError **error)
{
  if (start < LACTD_MIN_START)
    {
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "start: %" G_GINT64_FORMAT " is before 2020-01-01 "
                   "(%" G_GINT64_FORMAT ")", start, (gint64) LACTD_MIN_START);
      return FALSE;
    }
  if (start > now + LACTD_MAX_START_AHEAD_S)
    {
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "start: %" G_GINT64_FORMAT " is more than %d s after now "
                   "(%" G_GINT64_FORMAT ")", start, LACTD_MAX_START_AHEAD_S,
                   now);
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_session_validate (const LactdSession *session, GError **error)
{
  g_return_val_if_fail (session != NULL, FALSE);

  if (lactd_session_kind_to_string (session->kind) == NULL)
    {
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "kind: %d is not one of pump, sns, hand, breastfeed",
                   (int) session->kind);
      return FALSE;
    }
  return lactd_check_utc_offset (session->utc_offset_min, error) &&
         lactd_check_duration ("duration_left", session->duration_left,
                               error) &&
         lactd_check_duration ("duration_right", session->duration_right,
                               error) &&
         lactd_check_volume_tenths ("volume_left_ml",
                                    session->volume_left_tenths, error) &&
         lactd_check_volume_tenths ("volume_right_ml",
                                    session->volume_right_tenths, error) &&
         lactd_check_volume_tenths ("supplement_ml",
                                    session->supplement_tenths, error);
}

gboolean
lactd_session_validate_manual (const LactdSession *session, gint64 now,
                               GError **error)
{
  g_return_val_if_fail (session != NULL, FALSE);

  if (session->from_sensor)
    {
      g_set_error_literal (error, LACTD_MODEL_ERROR,
                           LACTD_MODEL_ERROR_INVALID,
                           "source: a manual session cannot come from a "
                           "sensor");
      return FALSE;
    }
  return lactd_check_manual_start (session->start, now, error) &&
         lactd_session_validate (session, error);
}

/* ------------------------------------------------------ sensor kinds */

gboolean
lactd_sensor_kind_is_valid (const char *kind)
{
  return g_strcmp0 (kind, LACTD_SENSOR_KIND_PUMP) == 0 ||
         g_strcmp0 (kind, LACTD_SENSOR_KIND_SNS) == 0 ||
         g_strcmp0 (kind, LACTD_SENSOR_KIND_UNKNOWN) == 0;
}

const char *
lactd_sensor_kind_or_unknown (const char *kind)
{
  if (g_strcmp0 (kind, LACTD_SENSOR_KIND_PUMP) == 0)
    return LACTD_SENSOR_KIND_PUMP;
  if (g_strcmp0 (kind, LACTD_SENSOR_KIND_SNS) == 0)
    return LACTD_SENSOR_KIND_SNS;
  return LACTD_SENSOR_KIND_UNKNOWN;
}

const char *
lactd_sensor_kind_from_lsp (lsp_sensor_kind kind)
{
  return kind == LSP_SENSOR_KIND_SNS ? LACTD_SENSOR_KIND_SNS
                                     : LACTD_SENSOR_KIND_PUMP;
}

/* --------------------------------------------------------- addresses */

/* Six hex pairs separated by ':'; writes the upper-case form to out when
 * given. */
static gboolean
scan_address (const char *text, gboolean allow_lower,
              char out[LACTD_ADDRESS_STRLEN])
{
  char address[LACTD_ADDRESS_STRLEN];

  if (text == NULL || strlen (text) != LACTD_ADDRESS_STRLEN - 1)
    return FALSE;
  for (int i = 0; i < LACTD_ADDRESS_STRLEN - 1; i++)
    {
      char c = text[i];

      if (i % 3 == 2)
        {
          if (c != ':')
            return FALSE;
          address[i] = ':';
          continue;
        }
      if (!g_ascii_isxdigit (c) || (g_ascii_islower (c) && !allow_lower))
        return FALSE;
      address[i] = g_ascii_toupper (c);
    }
  address[LACTD_ADDRESS_STRLEN - 1] = '\0';
  if (out != NULL)
    memcpy (out, address, sizeof address);
  return TRUE;
}

gboolean
lactd_address_is_valid (const char *address)
{
  return scan_address (address, FALSE, NULL);
}

gboolean
lactd_address_normalize (const char *address, char out[LACTD_ADDRESS_STRLEN],
                         GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (!scan_address (address, TRUE, out))
    {
      g_set_error (error, LACTD_MODEL_ERROR, LACTD_MODEL_ERROR_INVALID,
                   "'%s' is not a Bluetooth address XX:XX:XX:XX:XX:XX",
                   address != NULL ? address : "(null)");
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_address_is_simulated (const char *address)
{
  return g_strcmp0 (address, LACTD_SIMULATED_ADDRESS) == 0;
}
