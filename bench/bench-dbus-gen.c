/* bench-dbus-gen.c — writes the 50,000-session store the D-Bus benchmarks
 * run the daemon on.
 *
 *   bench-dbus-gen [--sessions N] [--unpaired] PATH
 *
 * 12 sessions a day (every ~2 h, jittered) ending yesterday (local time),
 * so 50,000 sessions span about 11.4 years. Everything goes through the
 * store API so the schema and the stored values are exactly the daemon's:
 * sensor sessions (pump and SNS, one sensor, epoch 1) through sync
 * batches, manual sessions (hand expression, breastfeeds) through
 * lactd_store_add_manual(). Manual entries cannot start before
 * 2020-01-01 (the API's rule), so before that every slot is a sensor one.
 * Offsets follow a CET/CEST-like rule (+60 Nov-Mar, +120 Apr-Oct).
 * --unpaired forgets the sensor afterwards (its sessions stay), for runs
 * that need a daemon with no sensor at all (idle.sh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lactd-store.h"

#define SENSOR "C0:FF:EE:00:00:01"
#define PER_DAY 12u
#define BATCH 500u
#define MIN_MANUAL_START G_GINT64_CONSTANT (1577836800) /* 2020-01-01 */

typedef struct {
  guint n_sessions;
  gboolean unpaired;
  char *path;
} GenOptions;

static void
die (GError *error)
{
  g_printerr ("bench-dbus-gen: %s\n", error != NULL ? error->message : "failed");
  exit (1);
}

/* Minutes east of UTC on that local date: a simple European DST rule. */
static gint32
offset_for (const GDate *date)
{
  GDateMonth month = g_date_get_month (date);
  return month >= G_DATE_APRIL && month <= G_DATE_OCTOBER ? 120 : 60;
}

/* Session n (0 = oldest) of a history whose last day is last_julian. The
 * values are what a pumping parent logs: 8-20 min a side, 20-120 mL a
 * side, one side unmeasured now and then, SNS sessions with supplement. */
static LactdSession
session_for (GRand *rand, guint n, guint n_total, guint32 last_julian)
{
  LactdSession s;
  guint first_slot = PER_DAY - 1 - (n_total - 1) % PER_DAY;
  guint idx = n + first_slot;   /* the oldest day may be partial */
  guint32 days_back = (guint32) ((n_total - 1 + first_slot) / PER_DAY
                                 - idx / PER_DAY);
  guint slot = idx % PER_DAY;
  GDate date;
  gint64 local_midnight;
  gint32 minute;

  memset (&s, 0, sizeof s);
  g_date_clear (&date, 1);
  g_date_set_julian (&date, last_julian - days_back);
  s.utc_offset_min = offset_for (&date);
  local_midnight = ((gint64) g_date_get_julian (&date) - 719163) * 86400;
  minute = (gint32) slot * 120 + g_rand_int_range (rand, 0, 100);
  s.start = local_midnight + minute * 60 - s.utc_offset_min * 60;
  s.kind = g_rand_int_range (rand, 0, 9) == 0 ? LACTD_SESSION_KIND_SNS
                                              : LACTD_SESSION_KIND_PUMP;
  s.double_sided = g_rand_boolean (rand);
  s.duration_left = (guint32) g_rand_int_range (rand, 480, 1200);
  s.duration_right = (guint32) g_rand_int_range (rand, 480, 1200);
  s.volume_left_tenths = g_rand_int_range (rand, 0, 20) == 0
                           ? LACTD_VOLUME_NONE
                           : g_rand_int_range (rand, 200, 1200);
  s.volume_right_tenths = g_rand_int_range (rand, 0, 20) == 0
                            ? LACTD_VOLUME_NONE
                            : g_rand_int_range (rand, 200, 1200);
  s.supplement_tenths = s.kind == LACTD_SESSION_KIND_SNS
                          ? g_rand_int_range (rand, 100, 600)
                          : LACTD_VOLUME_NONE;
  s.interrupted = g_rand_int_range (rand, 0, 200) == 0;

  /* Every sixth slot is logged by hand, where the API allows it. */
  if (slot % 6 == 5 && s.start >= MIN_MANUAL_START)
    {
      gboolean hand = g_rand_boolean (rand);

      s.kind = hand ? LACTD_SESSION_KIND_HAND : LACTD_SESSION_KIND_BREASTFEED;
      s.double_sided = FALSE;
      s.interrupted = FALSE;
      s.duration_right = hand ? 0 : s.duration_right;
      s.volume_right_tenths = LACTD_VOLUME_NONE;
      s.volume_left_tenths = hand ? g_rand_int_range (rand, 50, 400)
                                  : LACTD_VOLUME_NONE;
      s.supplement_tenths = LACTD_VOLUME_NONE;
    }
  else
    s.from_sensor = TRUE;
  return s;
}

static void
parse_args (int argc, char **argv, GenOptions *options)
{
  options->n_sessions = 50000;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--sessions") && i + 1 < argc)
        options->n_sessions = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--unpaired"))
        options->unpaired = TRUE;
      else if (argv[i][0] != '-' && options->path == NULL)
        options->path = argv[i];
      else
        {
          g_printerr ("usage: bench-dbus-gen [--sessions N] [--unpaired] PATH\n");
          exit (2);
        }
    }
  if (options->path == NULL || options->n_sessions == 0)
    {
      g_printerr ("usage: bench-dbus-gen [--sessions N] [--unpaired] PATH\n");
      exit (2);
    }
}

int
main (int argc, char **argv)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };
  GenOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GArray) manual = g_array_new (FALSE, FALSE, sizeof (LactdSession));
  LactdStoreBatch *batch = NULL;
  GDate today;
  guint32 seq = 0, n_sensor = 0;

  parse_args (argc, argv, &options);
  /* A fresh file: the figures are for exactly this history. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (options.path, suffixes[i], NULL);
      g_unlink (file);
    }

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));

  store = lactd_store_open (options.path, &error);
  if (store == NULL)
    die (error);
  if (!lactd_store_remember_sensor (store, SENSOR, "LSP Pump", "pump", &error))
    die (error);

  for (guint n = 0; n < options.n_sessions; n++)
    {
      LactdSession s = session_for (rand, n, options.n_sessions,
                                    g_date_get_julian (&today) - 1);
      LactdAddResult result;

      if (!s.from_sensor)
        {
          g_array_append_val (manual, s);
          continue;
        }
      if (batch == NULL)
        {
          batch = lactd_store_batch_begin (store, SENSOR, 1, &error);
          if (batch == NULL)
            die (error);
        }
      s.seq = ++seq;
      if (!lactd_store_batch_add_session (batch, &s, &result, &error))
        die (error);
      if (++n_sensor % BATCH == 0)
        {
          guint32 ack = 0;
          if (!lactd_store_batch_commit (g_steal_pointer (&batch), &ack, &error))
            die (error);
        }
    }
  if (batch != NULL)
    {
      guint32 ack = 0;
      if (!lactd_store_batch_commit (g_steal_pointer (&batch), &ack, &error))
        die (error);
    }
  if (!lactd_store_set_sensor_epoch (store, SENSOR, 1, &error) ||
      !lactd_store_set_acknowledged (store, SENSOR, 1, seq, &error))
    die (error);

  for (guint i = 0; i < manual->len; i++)
    {
      LactdSession *s = &g_array_index (manual, LactdSession, i);
      if (!lactd_store_add_manual (store, s, s->start + 3600, &error))
        die (error);
    }
  if (options.unpaired &&
      !lactd_store_forget_sensor (store, SENSOR, &error))
    die (error);
  if (!lactd_store_checkpoint (store, &error))
    die (error);

  printf ("%s: %u sessions (%u sensor, %u manual), 12 a day, last day "
          "yesterday%s\n", options.path, options.n_sessions, n_sensor,
          manual->len, options.unpaired ? ", sensor forgotten" : "");
  return 0;
}
