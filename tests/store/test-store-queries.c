/* test-store-queries.c — History1 and Goals1 figures from the store:
 * list bounds, counting and paging back, daily summaries (empty days,
 * night windows, DST, zone changes), totals, trend and the latest session;
 * sessions with an unsynced clock (listed as recorded, counted nowhere).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <time.h>

#include "store-test-util.h"

#define T0 G_GINT64_CONSTANT (1735689600)  /* 2025-01-01 00:00 UTC */

static void
test_list_bounds (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) list = NULL;
  LactdSession a = store_test_session (T0 + 200, 0);
  LactdSession b = store_test_session (T0, 60);
  LactdSession c = store_test_session (T0 + 100, -300);

  store_test_add (f->store, &a);
  store_test_add (f->store, &b);
  store_test_add (f->store, &c);

  list = lactd_store_list_sessions (f->store, T0, T0 + 200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (g_array_index (list, LactdSession, 0).start, ==, T0);
  g_assert_cmpint (g_array_index (list, LactdSession, 0).utc_offset_min, ==,
                   60);
  g_assert_cmpint (g_array_index (list, LactdSession, 1).start, ==, T0 + 100);
  g_assert_false (g_array_index (list, LactdSession, 1).from_sensor);
  g_clear_pointer (&list, g_array_unref);

  list = lactd_store_list_sessions (f->store, T0 + 1, T0 + 201, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (g_array_index (list, LactdSession, 0).start, ==, T0 + 100);
  g_assert_cmpint (g_array_index (list, LactdSession, 1).start, ==, T0 + 200);
  g_clear_pointer (&list, g_array_unref);

  list = lactd_store_list_sessions (f->store, T0 + 300, T0 + 400, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

/* The count that bounds ListSessions, and the pages of ListSessionsPage:
 * newest first, sessions sharing a start second by id, before excluded. */
static void
test_count_and_page (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) page = NULL;
  guint64 ids[7];
  gint64 starts[7] = { T0, T0 + 60, T0 + 60, T0 + 60, T0 + 120, T0 + 180,
                       T0 + 240 };
  guint64 count = G_MAXUINT64;

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      LactdSession s = store_test_session (starts[i], 60);
      ids[i] = store_test_add (f->store, &s);
    }

  g_assert_true (lactd_store_count_sessions (f->store, T0, T0 + 240, &count,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 6);
  g_assert_true (lactd_store_count_sessions (f->store, T0 + 60, T0 + 61,
                                             &count, &error));
  g_assert_cmpuint (count, ==, 3);
  g_assert_true (lactd_store_count_sessions (f->store, T0 + 300, G_MAXINT64,
                                             &count, &error));
  g_assert_cmpuint (count, ==, 0);

  /* No bound: the newest first. */
  page = lactd_store_list_sessions_before (f->store, G_MAXINT64, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 3);
  g_assert_cmpuint (g_array_index (page, LactdSession, 0).id, ==, ids[6]);
  g_assert_cmpuint (g_array_index (page, LactdSession, 1).id, ==, ids[5]);
  g_assert_cmpuint (g_array_index (page, LactdSession, 2).id, ==, ids[4]);
  g_assert_cmpint (g_array_index (page, LactdSession, 2).utc_offset_min, ==,
                   60);
  g_clear_pointer (&page, g_array_unref);

  /* before is excluded; a shared second comes newest id first. */
  page = lactd_store_list_sessions_before (f->store, T0 + 120, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_cmpuint (g_array_index (page, LactdSession, 0).id, ==, ids[3]);
  g_assert_cmpuint (g_array_index (page, LactdSession, 1).id, ==, ids[2]);
  g_clear_pointer (&page, g_array_unref);

  /* The last page is short; nothing before the first session. */
  page = lactd_store_list_sessions_before (f->store, T0 + 61, 500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 4);
  g_assert_cmpuint (g_array_index (page, LactdSession, 3).id, ==, ids[0]);
  g_clear_pointer (&page, g_array_unref);
  page = lactd_store_list_sessions_before (f->store, T0, 500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 0);
}

static const LactdDaySummary *
summary_day (GArray *days, guint i)
{
  g_assert_cmpuint (i, <, days->len);
  return &g_array_index (days, LactdDaySummary, i);
}

static void
test_daily_empty_days (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) days = NULL;
  guint32 d = store_test_julian (2025, 2, 27);
  LactdSession a = store_test_session (store_test_local_to_unix (2025, 2, 27,
                                                                 8, 0, 0), 0);
  LactdSession b = a;
  LactdSession c = store_test_session (store_test_local_to_unix (2025, 3, 1,
                                                                 12, 0, 0), 0);

  a.volume_left_tenths = 500;
  a.volume_right_tenths = LACTD_VOLUME_NONE;   /* adds nothing */
  a.supplement_tenths = 30;
  b.start += 3600;
  b.duration_left = 100;
  b.duration_right = 0;
  b.volume_left_tenths = 0;
  b.volume_right_tenths = 255;
  c.kind = LACTD_SESSION_KIND_HAND;
  store_test_add (f->store, &a);
  store_test_add (f->store, &b);
  store_test_add (f->store, &c);

  days = lactd_store_daily_summary (f->store, d - 1, d + 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (days->len, ==, 5);
  g_assert_cmpstr (summary_day (days, 0)->day, ==, "2025-02-26");
  g_assert_cmpuint (summary_day (days, 0)->sessions, ==, 0);
  g_assert_cmpstr (summary_day (days, 1)->day, ==, "2025-02-27");
  g_assert_cmpuint (summary_day (days, 1)->sessions, ==, 2);
  g_assert_cmpuint (summary_day (days, 1)->night_sessions, ==, 0);
  g_assert_cmpuint (summary_day (days, 1)->seconds_left, ==, 700);
  g_assert_cmpuint (summary_day (days, 1)->seconds_right, ==, 300);
  g_assert_cmpint (summary_day (days, 1)->expressed_tenths, ==, 755);
  g_assert_cmpint (summary_day (days, 1)->supplement_tenths, ==, 30);
  g_assert_cmpstr (summary_day (days, 2)->day, ==, "2025-02-28");
  g_assert_cmpuint (summary_day (days, 2)->sessions, ==, 0);
  g_assert_cmpint (summary_day (days, 2)->expressed_tenths, ==, 0);
  g_assert_cmpstr (summary_day (days, 3)->day, ==, "2025-03-01");
  g_assert_cmpuint (summary_day (days, 3)->sessions, ==, 1);
  g_assert_cmpint (summary_day (days, 3)->expressed_tenths, ==, 0);
  g_assert_cmpint (summary_day (days, 3)->supplement_tenths, ==, 0);
  g_assert_cmpstr (summary_day (days, 4)->day, ==, "2025-03-02");
  g_assert_cmpuint (summary_day (days, 4)->sessions, ==, 0);
  g_clear_pointer (&days, g_array_unref);

  /* A single day; a reversed range is refused. */
  days = lactd_store_daily_summary (f->store, d + 2, d + 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (days->len, ==, 1);
  g_assert_cmpuint (summary_day (days, 0)->sessions, ==, 1);
  g_clear_pointer (&days, g_array_unref);
  days = lactd_store_daily_summary (f->store, d + 2, d, NULL, &error);
  g_assert_error (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_INVALID);
  g_assert_null (days);
}

typedef struct {
  int hour, minute;
  gboolean in_wrap;     /* 22:00-06:00 */
  gboolean in_plain;    /* 01:00-05:00 */
} NightCase;

static void
test_night_windows (StoreFixture *f, gconstpointer data)
{
  static const NightCase cases[] = {
    { 21, 59, FALSE, FALSE }, { 22, 0, TRUE, FALSE }, { 23, 59, TRUE, FALSE },
    { 0, 0, TRUE, FALSE }, { 0, 59, TRUE, FALSE }, { 1, 0, TRUE, TRUE },
    { 4, 59, TRUE, TRUE }, { 5, 0, TRUE, FALSE }, { 5, 59, TRUE, FALSE },
    { 6, 0, FALSE, FALSE }, { 12, 0, FALSE, FALSE },
  };
  const LactdNightWindow wrap = { 22 * 60, 6 * 60 };
  const LactdNightWindow plain = { 60, 5 * 60 };
  const LactdNightWindow empty = { 120, 120 };
  guint32 d = store_test_julian (2025, 6, 1);

  /* Each case on its own day, at local time by an offset of +120 min
   * (UTC would put half of them in another window). */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LactdSession s = store_test_session (
        store_test_local_to_unix (2025, 6, 1 + i, cases[i].hour,
                                  cases[i].minute, 120), 120);
      store_test_add (f->store, &s);
    }

  for (guint w = 0; w < 4; w++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) days = NULL;
      const LactdNightWindow *night = w == 0 ? &wrap : w == 1 ? &plain
                                      : w == 2 ? &empty : NULL;
      LactdTotals totals;
      guint expected_total = 0;

      days = lactd_store_daily_summary (f->store, d, d + G_N_ELEMENTS (cases)
                                        - 1, night, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          gboolean expected = w == 0 ? cases[i].in_wrap
                              : w == 1 ? cases[i].in_plain : FALSE;
          g_test_message ("window %u, %02d:%02d", w, cases[i].hour,
                          cases[i].minute);
          g_assert_cmpuint (summary_day (days, i)->sessions, ==, 1);
          g_assert_cmpuint (summary_day (days, i)->night_sessions, ==,
                            expected ? 1 : 0);
          expected_total += expected ? 1 : 0;
        }
      g_assert_true (lactd_store_totals (f->store, 0, G_MAXINT64, night,
                                         &totals, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (totals.sessions, ==, G_N_ELEMENTS (cases));
      g_assert_cmpuint (totals.night_sessions, ==, expected_total);
    }
}

/* The local day (GDate julian) and minute of day of a session by its own
 * offset, through GDateTime: an oracle independent of the store's
 * arithmetic. */
static void
oracle_day_minute (const LactdSession *s, guint32 *julian, guint *minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (s->utc_offset_min * 60);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (s->start);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  *julian = store_test_julian (g_date_time_get_year (local),
                               g_date_time_get_month (local),
                               g_date_time_get_day_of_month (local));
  *minute = (guint) (g_date_time_get_hour (local) * 60 +
                     g_date_time_get_minute (local));
}

static gboolean
oracle_is_night (const LactdNightWindow *w, guint minute)
{
  if (w->start_min < w->end_min)
    return minute >= w->start_min && minute < w->end_min;
  if (w->start_min > w->end_min)
    return minute >= w->start_min || minute < w->end_min;
  return FALSE;
}

/* Random sessions over six weeks with every offset and several windows:
 * every day's figures match the oracle's. */
static void
test_daily_random (StoreFixture *f, gconstpointer data)
{
  const LactdNightWindow windows[] = {
    { 60, 300 }, { 22 * 60, 6 * 60 }, { 23 * 60 + 45, 15 }, { 90, 90 },
  };
  guint32 first = store_test_julian (2025, 3, 1);
  guint32 n_days = 42;
  g_autoptr(GArray) stored = g_array_new (FALSE, FALSE, sizeof (LactdSession));
  GRand *rand = g_rand_new_with_seed (20251205);

  for (guint i = 0; i < 1500; i++)
    {
      /* From two days before the range to two days after it. */
      gint64 start = store_test_local_to_unix (2025, 2, 27, 0, 0, 0) +
                     g_rand_int_range (rand, 0, (gint32) (n_days + 4) * 86400);
      LactdSession s = store_test_session (
        start, 15 * g_rand_int_range (rand, -48, 57));

      s.duration_left = (guint32) g_rand_int_range (rand, 0, 14401);
      s.duration_right = (guint32) g_rand_int_range (rand, 0, 14401);
      s.volume_left_tenths = g_rand_int_range (rand, -1, 10001);
      s.volume_right_tenths = g_rand_int_range (rand, -1, 10001);
      s.supplement_tenths = g_rand_int_range (rand, -1, 10001);
      store_test_add (f->store, &s);
      g_array_append_val (stored, s);
    }
  g_rand_free (rand);

  for (guint w = 0; w < G_N_ELEMENTS (windows); w++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) days = lactd_store_daily_summary (
        f->store, first, first + n_days - 1, &windows[w], &error);
      g_autofree LactdDaySummary *expected = g_new0 (LactdDaySummary, n_days);

      g_assert_no_error (error);
      for (guint i = 0; i < stored->len; i++)
        {
          const LactdSession *s = &g_array_index (stored, LactdSession, i);
          LactdDaySummary *e;
          guint32 julian;
          guint minute;

          oracle_day_minute (s, &julian, &minute);
          if (julian < first || julian >= first + n_days)
            continue;
          e = &expected[julian - first];
          e->sessions++;
          e->night_sessions += oracle_is_night (&windows[w], minute) ? 1 : 0;
          e->seconds_left += s->duration_left;
          e->seconds_right += s->duration_right;
          e->expressed_tenths += lactd_session_expressed_tenths (s);
          e->supplement_tenths += MAX (s->supplement_tenths, 0);
        }
      for (guint d = 0; d < n_days; d++)
        {
          const LactdDaySummary *got = summary_day (days, d);

          g_assert_cmpuint (got->sessions, ==, expected[d].sessions);
          g_assert_cmpuint (got->night_sessions, ==,
                            expected[d].night_sessions);
          g_assert_cmpuint (got->seconds_left, ==, expected[d].seconds_left);
          g_assert_cmpuint (got->seconds_right, ==, expected[d].seconds_right);
          g_assert_cmpint (got->expressed_tenths, ==,
                           expected[d].expressed_tenths);
          g_assert_cmpint (got->supplement_tenths, ==,
                           expected[d].supplement_tenths);
        }
    }
}

typedef struct {
  int y, mo, d, h, mi;
  gint32 offset;
} LocalStart;

static void
set_tz (const char *tz)
{
  if (tz == NULL)
    g_unsetenv ("TZ");
  else
    g_setenv ("TZ", tz, TRUE);
  tzset ();
}

/* Europe/Berlin and America/New_York around their 2025 switches: each
 * session counts on the local day of its own offset, whatever TZ says. */
static void
test_dst_edges (StoreFixture *f, gconstpointer data)
{
  static const LocalStart starts[] = {
    /* Berlin spring forward, 2025-03-30 02:00 CET -> 03:00 CEST */
    { 2025, 3, 29, 23, 30, 60 }, { 2025, 3, 30, 0, 30, 60 },
    { 2025, 3, 30, 1, 59, 60 }, { 2025, 3, 30, 3, 30, 120 },
    { 2025, 3, 30, 23, 30, 120 }, { 2025, 3, 31, 0, 30, 120 },
    /* Berlin fall back, 2025-10-26: 02:30 happens twice */
    { 2025, 10, 26, 2, 30, 120 }, { 2025, 10, 26, 2, 30, 60 },
    { 2025, 10, 26, 23, 30, 60 },
    /* New York spring forward, 2025-03-09 02:00 EST -> 03:00 EDT */
    { 2025, 3, 8, 23, 30, -300 }, { 2025, 3, 9, 1, 30, -300 },
    { 2025, 3, 9, 3, 30, -240 }, { 2025, 3, 9, 23, 30, -240 },
    /* New York fall back, 2025-11-02: 01:30 happens twice */
    { 2025, 11, 1, 23, 30, -240 }, { 2025, 11, 2, 1, 30, -240 },
    { 2025, 11, 2, 1, 30, -300 }, { 2025, 11, 2, 23, 30, -300 },
  };
  static const struct { int mo, d; guint sessions, night; } expected[] = {
    { 3, 8, 1, 0 }, { 3, 9, 3, 2 }, { 3, 10, 0, 0 },
    { 3, 29, 1, 0 }, { 3, 30, 4, 2 }, { 3, 31, 1, 0 },
    { 10, 25, 0, 0 }, { 10, 26, 3, 2 }, { 10, 27, 0, 0 },
    { 11, 1, 1, 0 }, { 11, 2, 3, 2 }, { 11, 3, 0, 0 },
  };
  static const char *const zones[] = {
    NULL, "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
    "Pacific/Kiritimati",
  };
  const LactdNightWindow night = { 60, 300 };
  g_autofree char *saved_tz = g_strdup (g_getenv ("TZ"));

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    {
      LactdSession s = store_test_session (
        store_test_local_to_unix (starts[i].y, starts[i].mo, starts[i].d,
                                  starts[i].h, starts[i].mi,
                                  starts[i].offset), starts[i].offset);
      store_test_add (f->store, &s);
    }

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      set_tz (zones[z]);
      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GArray) days = NULL;
          guint32 j = store_test_julian (2025, expected[i].mo, expected[i].d);

          days = lactd_store_daily_summary (f->store, j, j, &night, &error);
          g_assert_no_error (error);
          g_test_message ("TZ=%s 2025-%02d-%02d", zones[z], expected[i].mo,
                          expected[i].d);
          g_assert_cmpuint (summary_day (days, 0)->sessions, ==,
                            expected[i].sessions);
          g_assert_cmpuint (summary_day (days, 0)->night_sessions, ==,
                            expected[i].night);
        }
    }
  set_tz (saved_tz);
}

/* The user flew to Tokyo: a session with +540 lands on its own local day,
 * not on the daemon zone's. */
static void
test_zone_change (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) days = NULL;
  /* 2025-06-10 16:00 UTC: 01:00 on 06-11 in Tokyo, 18:00 on 06-10 in
   * Berlin. 2025-06-11 05:00 UTC: 19:00 on 06-10 in Honolulu. */
  LactdSession tokyo = store_test_session (
    store_test_local_to_unix (2025, 6, 10, 16, 0, 0), 540);
  LactdSession honolulu = store_test_session (
    store_test_local_to_unix (2025, 6, 11, 5, 0, 0), -600);
  const LactdNightWindow night = { 60, 300 };
  guint32 j = store_test_julian (2025, 6, 10);

  set_tz ("Europe/Berlin");
  store_test_add (f->store, &tokyo);
  store_test_add (f->store, &honolulu);
  days = lactd_store_daily_summary (f->store, j, j + 1, &night, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary_day (days, 0)->sessions, ==, 1);   /* Honolulu */
  g_assert_cmpuint (summary_day (days, 0)->night_sessions, ==, 0);
  g_assert_cmpuint (summary_day (days, 1)->sessions, ==, 1);   /* Tokyo */
  g_assert_cmpuint (summary_day (days, 1)->night_sessions, ==, 1);
  set_tz (NULL);
}

static void
test_totals (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  LactdTotals totals;
  LactdSession a = store_test_session (T0, 0);
  LactdSession b = store_test_session (T0 + 7200, 0);
  LactdSession c = store_test_session (T0 + 86400, 0);

  a.volume_left_tenths = 400;
  a.volume_right_tenths = 350;
  b.supplement_tenths = 200;
  b.volume_right_tenths = 1;
  c.volume_left_tenths = 10000;
  store_test_add (f->store, &a);
  store_test_add (f->store, &b);
  store_test_add (f->store, &c);

  g_assert_true (lactd_store_totals (f->store, T0, T0 + 86400, NULL, &totals,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpuint (totals.sessions, ==, 2);
  g_assert_cmpuint (totals.night_sessions, ==, 0);
  g_assert_cmpuint (totals.seconds_left, ==, 1200);
  g_assert_cmpuint (totals.seconds_right, ==, 600);
  g_assert_cmpint (totals.expressed_tenths, ==, 751);
  g_assert_cmpint (totals.supplement_tenths, ==, 200);

  g_assert_true (lactd_store_totals (f->store, T0 + 1, T0 + 86401, NULL,
                                     &totals, &error));
  g_assert_cmpuint (totals.sessions, ==, 2);
  g_assert_cmpint (totals.expressed_tenths, ==, 10001);

  g_assert_true (lactd_store_totals (f->store, 0, T0, NULL, &totals, &error));
  g_assert_cmpuint (totals.sessions, ==, 0);
  g_assert_cmpint (totals.expressed_tenths, ==, 0);
  g_assert_cmpint (totals.supplement_tenths, ==, 0);
}

static void
test_trend (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  LactdTrendFigures trend;
  guint32 a = store_test_julian (2025, 1, 2);
  /* The first session: 2025-01-01 23:30 UTC, which is 01-02 by +60. */
  LactdSession first = store_test_session (
    store_test_local_to_unix (2025, 1, 2, 0, 30, 60), 60);
  LactdSession zero = store_test_session (
    store_test_local_to_unix (2025, 1, 4, 9, 0, 60), 60);
  LactdSession milk = store_test_session (
    store_test_local_to_unix (2025, 1, 5, 0, 15, 60), 60);
  LactdSession later = store_test_session (
    store_test_local_to_unix (2025, 1, 8, 23, 45, 60), 60);

  /* Nothing stored yet. */
  g_assert_true (lactd_store_trend (f->store, a, a + 6, &trend, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (trend.days_counted, ==, 0);
  g_assert_cmpuint (trend.first_session_julian, ==, 0);
  g_assert_cmpuint (trend.first_milk_julian, ==, 0);
  g_assert_cmpint (trend.expressed_tenths, ==, 0);

  first.supplement_tenths = 100;
  zero.volume_left_tenths = 0;
  zero.volume_right_tenths = 0;
  milk.volume_left_tenths = 120;
  milk.supplement_tenths = 50;
  later.volume_right_tenths = 80;
  store_test_add (f->store, &first);
  store_test_add (f->store, &zero);
  store_test_add (f->store, &milk);
  store_test_add (f->store, &later);

  g_assert_true (lactd_store_trend (f->store, a + 1, a + 7, &trend, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (trend.days_counted, ==, 7);
  g_assert_cmpuint (trend.first_session_julian, ==, a);
  g_assert_cmpuint (trend.first_milk_julian, ==, a + 3);
  g_assert_cmpint (trend.expressed_tenths, ==, 200);
  g_assert_cmpint (trend.supplement_tenths, ==, 50);

  /* A week that began before the first session counts only from it. */
  g_assert_true (lactd_store_trend (f->store, a - 3, a + 3, &trend, &error));
  g_assert_cmpuint (trend.days_counted, ==, 4);
  g_assert_cmpint (trend.expressed_tenths, ==, 120);
  g_assert_cmpint (trend.supplement_tenths, ==, 150);

  /* A week wholly before it counts no day. */
  g_assert_true (lactd_store_trend (f->store, a - 9, a - 3, &trend, &error));
  g_assert_cmpuint (trend.days_counted, ==, 0);
  g_assert_cmpint (trend.expressed_tenths, ==, 0);
  g_assert_cmpuint (trend.first_milk_julian, ==, a + 3);
}

static void
test_latest_session (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  LactdSession out;
  LactdSession single = store_test_session (T0, 0);
  LactdSession dbl = store_test_session (T0 + 300, 0);
  LactdSession third = store_test_session (T0 + 400, 0);

  g_assert_false (lactd_store_latest_session (f->store, &out, &error));
  g_assert_no_error (error);

  single.duration_left = 600;
  single.duration_right = 600;          /* ends T0 + 1200 */
  dbl.double_sided = TRUE;
  dbl.duration_left = 600;
  dbl.duration_right = 600;             /* ends T0 + 900 */
  g_assert_cmpint (lactd_session_end (&single), ==, T0 + 1200);
  g_assert_cmpint (lactd_session_end (&dbl), ==, T0 + 900);
  store_test_add (f->store, &single);
  store_test_add (f->store, &dbl);
  g_assert_true (lactd_store_latest_session (f->store, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out.id, ==, single.id);

  third.duration_left = 500;
  third.duration_right = 400;           /* ends T0 + 1300 */
  store_test_add (f->store, &third);
  g_assert_true (lactd_store_latest_session (f->store, &out, &error));
  g_assert_cmpuint (out.id, ==, third.id);
  g_assert_cmpint (lactd_session_end (&out), ==, T0 + 1300);

  /* Double: max(left, right), not the sum. */
  dbl.id = 0;
  dbl.start = T0 + 1000;
  dbl.duration_left = 200;
  dbl.duration_right = 400;             /* ends T0 + 1400 */
  store_test_add (f->store, &dbl);
  g_assert_true (lactd_store_latest_session (f->store, &out, &error));
  g_assert_cmpuint (out.id, ==, dbl.id);
  g_assert_true (out.double_sided);
}

/* A sensor session as the sync engine stores it (through a batch). */
static void
add_sensor_session (LactdStore *store, LactdSession *session)
{
  g_autoptr(GError) error = NULL;
  LactdStoreBatch *batch;
  LactdAddResult result;
  guint32 ack = 0;

  g_assert_true (lactd_store_remember_sensor (store, TEST_SENSOR, "Pump",
                                              "pump", &error));
  batch = lactd_store_batch_begin (store, TEST_SENSOR, 1, &error);
  g_assert_no_error (error);
  session->from_sensor = TRUE;
  g_assert_true (lactd_store_batch_add_session (batch, session, &result,
                                                &error));
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, LACTD_ADD_STORED);
  g_assert_true (lactd_store_batch_commit (batch, &ack, &error));
  g_assert_no_error (error);
}

/* Starts as an unsynced sensor records them (erased flash, 1970, or a
 * plausible but untrusted one): stored and listed as recorded, counted by
 * no figure. */
static void
test_clock_unsynced (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) list = NULL;
  g_autoptr(GArray) days = NULL;
  const gint64 erased_start = G_GINT64_CONSTANT (0xFFFFFFFF);
  guint32 day = store_test_julian (2025, 1, 1);
  LactdSession erased = store_test_session (erased_start, 840);
  LactdSession zero = store_test_session (0, -720);
  LactdSession plausible = store_test_session (T0 + 7200, 0);
  LactdSession synced = store_test_session (T0 + 3600, 0);
  LactdSession out;
  LactdTrendFigures trend;
  LactdTotals totals;

  erased.seq = 1;
  erased.double_sided = TRUE;
  erased.duration_left = 14400;
  erased.duration_right = 14400;
  erased.volume_left_tenths = 900;
  zero.seq = 2;
  zero.volume_left_tenths = 800;
  plausible.seq = 3;
  plausible.volume_left_tenths = 700;
  erased.clock_unsynced = zero.clock_unsynced = plausible.clock_unsynced = TRUE;
  add_sensor_session (f->store, &erased);
  add_sensor_session (f->store, &zero);
  add_sensor_session (f->store, &plausible);

  /* Only unsynced sessions: no latest one, no first day. */
  g_assert_false (lactd_store_latest_session (f->store, &out, &error));
  g_assert_no_error (error);
  g_assert_true (lactd_store_trend (f->store, day - 6, day, &trend, &error));
  g_assert_cmpuint (trend.first_session_julian, ==, 0);
  g_assert_cmpuint (trend.first_milk_julian, ==, 0);
  g_assert_cmpuint (trend.days_counted, ==, 0);

  synced.volume_left_tenths = 100;
  store_test_add (f->store, &synced);

  /* Listed with the starts as recorded, by any range that holds them. */
  list = lactd_store_list_sessions (f->store, G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpint (g_array_index (list, LactdSession, 0).start, ==, 0);
  g_assert_cmpint (g_array_index (list, LactdSession, 1).id, ==, synced.id);
  g_assert_cmpint (g_array_index (list, LactdSession, 2).id, ==, plausible.id);
  g_assert_cmpint (g_array_index (list, LactdSession, 3).start, ==,
                   erased_start);
  g_assert_true (g_array_index (list, LactdSession, 3).clock_unsynced);
  g_assert_false (g_array_index (list, LactdSession, 1).clock_unsynced);
  /* The end goes past 2^32 - 1 without wrapping. */
  g_assert_cmpint (lactd_session_end (&g_array_index (list, LactdSession, 3)),
                   ==, erased_start + 14400);
  g_clear_pointer (&list, g_array_unref);
  list = lactd_store_list_sessions (f->store, 0, 1, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpuint (g_array_index (list, LactdSession, 0).id, ==, zero.id);
  g_clear_pointer (&list, g_array_unref);
  list = lactd_store_list_sessions (f->store, erased_start, erased_start + 1,
                                    &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (lactd_store_get_session (f->store, erased.id, &out, &error));
  g_assert_cmpint (out.start, ==, erased_start);
  g_assert_cmpint (out.utc_offset_min, ==, 840);

  /* Counted nowhere: not in a day, not in totals, trend or latest. */
  days = lactd_store_daily_summary (f->store, store_test_julian (1969, 12, 31),
                                    store_test_julian (1970, 1, 1), NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary_day (days, 0)->sessions, ==, 0);
  g_assert_cmpuint (summary_day (days, 1)->sessions, ==, 0);
  g_clear_pointer (&days, g_array_unref);
  days = lactd_store_daily_summary (f->store, day, day, NULL, &error);
  g_assert_cmpuint (summary_day (days, 0)->sessions, ==, 1);
  g_assert_cmpint (summary_day (days, 0)->expressed_tenths, ==, 100);
  g_clear_pointer (&days, g_array_unref);
  days = lactd_store_daily_summary (f->store, store_test_julian (2106, 2, 7),
                                    store_test_julian (2106, 2, 8), NULL,
                                    &error);
  g_assert_cmpuint (summary_day (days, 0)->sessions, ==, 0);
  g_assert_cmpuint (summary_day (days, 1)->sessions, ==, 0);
  g_assert_true (lactd_store_totals (f->store, G_MININT64, G_MAXINT64, NULL,
                                     &totals, &error));
  g_assert_cmpuint (totals.sessions, ==, 1);
  g_assert_cmpint (totals.expressed_tenths, ==, 100);
  g_assert_true (lactd_store_trend (f->store, day - 6, day, &trend, &error));
  g_assert_cmpuint (trend.first_session_julian, ==, day);
  g_assert_cmpuint (trend.first_milk_julian, ==, day);
  g_assert_cmpuint (trend.days_counted, ==, 1);
  g_assert_cmpint (trend.expressed_tenths, ==, 100);
  g_assert_true (lactd_store_latest_session (f->store, &out, &error));
  g_assert_cmpuint (out.id, ==, synced.id);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, func, \
              store_fixture_teardown)
  ADD ("/store/queries/list-bounds", test_list_bounds);
  ADD ("/store/queries/count-and-page", test_count_and_page);
  ADD ("/store/queries/daily-empty-days", test_daily_empty_days);
  ADD ("/store/queries/night-windows", test_night_windows);
  ADD ("/store/queries/daily-random", test_daily_random);
  ADD ("/store/queries/dst-edges", test_dst_edges);
  ADD ("/store/queries/zone-change", test_zone_change);
  ADD ("/store/queries/totals", test_totals);
  ADD ("/store/queries/trend", test_trend);
  ADD ("/store/queries/latest-session", test_latest_session);
  ADD ("/store/queries/clock-unsynced", test_clock_unsynced);
#undef ADD
  return g_test_run ();
}
