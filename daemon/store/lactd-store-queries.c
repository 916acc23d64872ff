/* lactd-store-queries.c — History1 and Goals1 figures.
 *
 * A session belongs to the local day of its start by its own utc_offset_min
 * (never by the daemon's current zone), so every figure is computed in SQL
 * from the stored offsets: the local GDate julian day is
 * (start + offset * 60 + bias) / 86400 with a bias that keeps the dividend
 * positive (see lactd-store-private.h). Day-based queries first narrow by
 * the UTC range that can hold those local days (the start index), then
 * filter by local day.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-store"

#include "config.h"

#include <string.h>

#include "lactd-store-private.h"

/* The widest day range a summary accepts (sanity, not policy). */
#define MAX_SUMMARY_DAYS 100000

static gint64
julian_to_utc_midnight (guint32 julian)
{
  return ((gint64) julian - LACTD_JULIAN_UNIX_EPOCH) * 86400;
}

static void
bind_night (sqlite3_stmt *stmt, const LactdNightWindow *night)
{
  /* Without a window nothing is night (start == end is empty). */
  int start_min = night ? night->start_min : 0;
  int end_min = night ? night->end_min : 0;

  sqlite3_bind_int (stmt, LACTD_SQL_NIGHT_START_PARAM, start_min);
  sqlite3_bind_int (stmt, LACTD_SQL_NIGHT_END_PARAM, end_min);
}

static gboolean
check_day_range (guint32 first_julian, guint32 last_julian, GError **error)
{
  if (!g_date_valid_julian (first_julian) ||
      !g_date_valid_julian (last_julian) || first_julian > last_julian ||
      last_julian - first_julian >= MAX_SUMMARY_DAYS)
    {
      g_set_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID,
                   "Invalid day range %u..%u", first_julian, last_julian);
      return FALSE;
    }
  return TRUE;
}

/* Steps a bound session query, handing each row to func as a session
 * read into one stack LactdSession (no array, no allocation per row). */
static gboolean
step_sessions (LactdStore *store, sqlite3_stmt *stmt, LactdSessionFunc func,
               gpointer user_data, GError **error)
{
  LactdSession session;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      lactd_store_read_session (stmt, 0, &session);
      func (&session, user_data);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      lactd_store_set_sqlite_error (store, error, rc, "listing sessions");
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
list_stmt (LactdStore *store, gint64 from, gint64 to, GError **error)
{
  sqlite3_stmt *stmt = lactd_store_stmt (store, STMT_SESSION_LIST, error);

  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, to);
    }
  return stmt;
}

static sqlite3_stmt *
page_stmt (LactdStore *store, gint64 before, guint count, GError **error)
{
  sqlite3_stmt *stmt = lactd_store_stmt (store, STMT_SESSION_PAGE, error);

  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, before);
      sqlite3_bind_int64 (stmt, 2, count);
    }
  return stmt;
}

static void
append_session (const LactdSession *session, gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, *session);
}

/* Every row of a bound session query in a GArray. */
static GArray *
read_sessions (LactdStore *store, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GArray) sessions = g_array_new (FALSE, FALSE,
                                            sizeof (LactdSession));

  if (!step_sessions (store, stmt, append_session, sessions, error))
    return NULL;
  return g_steal_pointer (&sessions);
}

GArray *
lactd_store_list_sessions (LactdStore *store, gint64 from, gint64 to,
                           GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, NULL);
  stmt = list_stmt (store, from, to, error);
  return stmt != NULL ? read_sessions (store, stmt, error) : NULL;
}

gboolean
lactd_store_foreach_session (LactdStore *store, gint64 from, gint64 to,
                             LactdSessionFunc func, gpointer user_data,
                             GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && func != NULL, FALSE);
  stmt = list_stmt (store, from, to, error);
  return stmt != NULL && step_sessions (store, stmt, func, user_data, error);
}

gboolean
lactd_store_count_sessions (LactdStore *store, gint64 from, gint64 to,
                            guint64 *count, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL && count != NULL, FALSE);
  *count = 0;
  stmt = lactd_store_stmt (store, STMT_SESSION_COUNT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *count = (guint64) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      lactd_store_set_sqlite_error (store, error, rc, "counting sessions");
      return FALSE;
    }
  return TRUE;
}

GArray *
lactd_store_list_sessions_before (LactdStore *store, gint64 before,
                                  guint count, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, NULL);
  stmt = page_stmt (store, before, count, error);
  return stmt != NULL ? read_sessions (store, stmt, error) : NULL;
}

gboolean
lactd_store_foreach_session_before (LactdStore *store, gint64 before,
                                    guint count, LactdSessionFunc func,
                                    gpointer user_data, GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && func != NULL, FALSE);
  stmt = page_stmt (store, before, count, error);
  return stmt != NULL && step_sessions (store, stmt, func, user_data, error);
}

/* A day-based query with its first two parameters bound: the UTC range
 * that can hold those local days (for the start index); with @bind_days
 * also ?3 and ?4, the days. */
static sqlite3_stmt *
day_range_stmt (LactdStore *store, LactdStoreStmt which, guint32 first_julian,
                guint32 last_julian, gboolean bind_days, GError **error)
{
  sqlite3_stmt *stmt = lactd_store_stmt (store, which, error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, julian_to_utc_midnight (first_julian) -
                               LACTD_OFFSET_SLACK_SECONDS);
  sqlite3_bind_int64 (stmt, 2, julian_to_utc_midnight (last_julian + 1) +
                               LACTD_OFFSET_SLACK_SECONDS);
  if (bind_days)
    {
      sqlite3_bind_int64 (stmt, 3, first_julian);
      sqlite3_bind_int64 (stmt, 4, last_julian);
    }
  return stmt;
}

/* The local GDate julian day and minute of day of @start by its own
 * offset: LACTD_SQL_LOCAL_JULIAN and LACTD_SQL_LOCAL_MINUTE in C. */
static void
local_day_and_minute (gint64 start, gint64 offset_min, gint64 *julian,
                      guint *minute)
{
  gint64 biased = start + offset_min * 60 + LACTD_JULIAN_BIAS;

  *julian = biased / 86400;
  *minute = (guint) (biased % 86400 / 60);
}

/* LACTD_SQL_IS_NIGHT in C: [start, end), crossing midnight when
 * start > end, empty when equal. */
static gboolean
minute_is_night (const LactdNightWindow *night, guint minute)
{
  if (night->start_min <= night->end_min)
    return minute >= night->start_min && minute < night->end_min;
  return minute >= night->start_min || minute < night->end_min;
}

/* Adds the scanned row to its day of @days, if it has one there. */
static void
add_summary_row (sqlite3_stmt *stmt, GArray *days, guint32 first_julian,
                 const LactdNightWindow *night)
{
  LactdDaySummary *day;
  gint64 julian;
  guint minute;

  local_day_and_minute (sqlite3_column_int64 (stmt, 0),
                        sqlite3_column_int64 (stmt, 1), &julian, &minute);
  if (julian < first_julian || julian - first_julian >= days->len)
    return;  /* in the UTC slack around the days, not in one of them */
  day = &g_array_index (days, LactdDaySummary, julian - first_julian);
  day->sessions++;
  if (minute_is_night (night, minute))
    day->night_sessions++;
  day->seconds_left += (guint32) sqlite3_column_int64 (stmt, 2);
  day->seconds_right += (guint32) sqlite3_column_int64 (stmt, 3);
  day->expressed_tenths += sqlite3_column_int64 (stmt, 4);
  day->supplement_tenths += sqlite3_column_int64 (stmt, 5);
}

static void
format_day (guint32 julian, char day[11])
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  g_snprintf (day, 11, "%04u-%02u-%02u", (guint) g_date_get_year (&date),
              (guint) g_date_get_month (&date), (guint) g_date_get_day (&date));
}

GArray *
lactd_store_daily_summary (LactdStore *store, guint32 first_julian,
                           guint32 last_julian,
                           const LactdNightWindow *night, GError **error)
{
  /* Without a window nothing is night (start == end is empty). */
  static const LactdNightWindow no_night = { 0, 0 };
  g_autoptr(GArray) days = NULL;
  sqlite3_stmt *stmt;
  guint32 n_days;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  if (!check_day_range (first_julian, last_julian, error))
    return NULL;

  n_days = last_julian - first_julian + 1;
  days = g_array_sized_new (FALSE, TRUE, sizeof (LactdDaySummary), n_days);
  g_array_set_size (days, n_days);
  for (guint32 i = 0; i < n_days; i++)
    format_day (first_julian + i,
                g_array_index (days, LactdDaySummary, i).day);

  stmt = day_range_stmt (store, STMT_DAILY_SUMMARY, first_julian, last_julian,
                         FALSE, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    add_summary_row (stmt, days, first_julian, night ? night : &no_night);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      lactd_store_set_sqlite_error (store, error, rc,
                                    "summarising days");
      return NULL;
    }
  return g_steal_pointer (&days);
}

gboolean
lactd_store_totals (LactdStore *store, gint64 from, gint64 to,
                    const LactdNightWindow *night, LactdTotals *out,
                    GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  stmt = lactd_store_stmt (store, STMT_TOTALS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  bind_night (stmt, night);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->sessions = (guint32) sqlite3_column_int64 (stmt, 0);
      out->night_sessions = (guint32) sqlite3_column_int64 (stmt, 1);
      out->seconds_left = (guint32) sqlite3_column_int64 (stmt, 2);
      out->seconds_right = (guint32) sqlite3_column_int64 (stmt, 3);
      out->expressed_tenths = sqlite3_column_int64 (stmt, 4);
      out->supplement_tenths = sqlite3_column_int64 (stmt, 5);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      lactd_store_set_sqlite_error (store, error, rc, "adding up sessions");
      return FALSE;
    }
  return TRUE;
}

/* A one-value query: *value is 0 when the result is NULL. */
static gboolean
query_julian (LactdStore *store, LactdStoreStmt which, guint32 *value,
              GError **error)
{
  sqlite3_stmt *stmt = lactd_store_stmt (store, which, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  *value = rc == SQLITE_ROW ? (guint32) sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      lactd_store_set_sqlite_error (store, error, rc, "reading trend days");
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_store_trend (LactdStore *store, guint32 first_julian,
                   guint32 last_julian, LactdTrendFigures *out,
                   GError **error)
{
  sqlite3_stmt *stmt;
  guint32 counted_from;
  int rc;

  g_return_val_if_fail (store != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (!check_day_range (first_julian, last_julian, error))
    return FALSE;

  stmt = day_range_stmt (store, STMT_TREND_SUMS, first_julian, last_julian,
                         TRUE, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->expressed_tenths = sqlite3_column_int64 (stmt, 0);
      out->supplement_tenths = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      lactd_store_set_sqlite_error (store, error, rc, "adding up the trend");
      return FALSE;
    }

  if (!query_julian (store, STMT_FIRST_SESSION_DAY,
                     &out->first_session_julian, error) ||
      !query_julian (store, STMT_FIRST_MILK_DAY, &out->first_milk_julian,
                     error))
    return FALSE;

  if (out->first_session_julian != 0)
    {
      counted_from = MAX (first_julian, out->first_session_julian);
      out->days_counted = counted_from <= last_julian
                          ? last_julian - counted_from + 1 : 0;
    }
  return TRUE;
}

gboolean
lactd_store_latest_session (LactdStore *store, LactdSession *out,
                            GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL && out != NULL, FALSE);
  stmt = lactd_store_stmt (store, STMT_LATEST_SESSION, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    lactd_store_read_session (stmt, 0, out);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      lactd_store_set_sqlite_error (store, error, rc,
                                    "finding the latest session");
      return FALSE;
    }
  return rc == SQLITE_ROW;
}
