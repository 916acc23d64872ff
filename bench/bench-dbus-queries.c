/* bench-dbus-queries.c — History1 over D-Bus against the same queries
 * in-process, and the daemon's start-up time. Prints figures, asserts
 * nothing.
 *
 *   bench-dbus-queries [--calls N] [--starts N] [--only WHAT] LACTD STORE
 *
 * LACTD is the real daemon binary, STORE a store written by bench-dbus-gen
 * (50,000 sessions ending yesterday). Private session and system buses
 * (GTestDBus: dbus-daemons of their own) carry everything; the system bus
 * has no org.bluez, so the daemon's BluetoothState is no-bluez.
 *
 * 1. Start-up: from spawning `lactd --db STORE` to NameOwnerChanged for
 *    org.lactd as seen by a client on the bus; median of N starts, each
 *    stopped with SIGTERM (and its name seen released) before the next.
 *    Also the CPU time each such start-and-stop used (wait4's rusage).
 * 2. DailySummary for the 30 days ending yesterday and ListSessions for
 *    the year ending at today's local midnight: N synchronous calls each
 *    from a separate client connection, interleaved with the same query
 *    run in this process through the store API plus the conversion to the
 *    reply's GVariant (what the daemon's handler does before GDBus
 *    serialises and sends), on a copy of STORE (a store is one
 *    process's at a time). Median and p99 of each, and D-Bus / in-process;
 *    also in-process plus serialising the reply, for reading the gap.
 * 3. The round-trip floor: Properties.Get(Manager1.Version).
 *
 * --only summary|list|floor runs just that part of 2-3 (the start-ups
 * still run): how bench/dbus-profile.sh gives callgrind one kind of call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lactd-dbus-values.h"
#include "lactd-store.h"

#define LACTD_NAME "org.lactd"
#define LACTD_PATH "/org/lactd"
#define HISTORY_IFACE "org.lactd.History1"
#define WARMUP 5

/* Everything the run needs; owned by main(). */
typedef struct {
  const char *lactd;
  const char *store_path;
  guint calls;
  guint starts;
  const char *only;         /* NULL: every query */
  GDBusConnection *client;
  gboolean owned;           /* org.lactd has an owner right now */
  gint64 owned_at;          /* monotonic µs of the last acquisition */
  GPid pid;
} Bench;

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

typedef struct {
  double median;
  double p99;
} Stats;

static Stats
stats_of (double *values, guint n)
{
  Stats st;
  guint p99 = (guint) ((n * 99 + 99) / 100);   /* ceil(0.99 n), 1-based */

  qsort (values, n, sizeof *values, compare_double);
  st.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  st.p99 = values[MIN (p99, n) - 1];
  return st;
}

static double
ms_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / 1e3;
}

static void
on_name_owner_changed (GDBusConnection *connection, const char *sender,
                       const char *path, const char *iface,
                       const char *signal, GVariant *params,
                       gpointer user_data)
{
  Bench *bench = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (params, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (!g_str_equal (name, LACTD_NAME))
    return;
  /* Timestamp first: everything after is not the daemon's time. */
  if (*new_owner != '\0')
    bench->owned_at = g_get_monotonic_time ();
  bench->owned = *new_owner != '\0';
}

static void
wait_owned (Bench *bench, gboolean owned)
{
  while (bench->owned != owned)
    g_main_context_iteration (NULL, TRUE);
}

/* Returns the time to the name in ms. */
static double
start_daemon (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { bench->lactd, "--db", bench->store_path, NULL };
  gint64 spawned;

  spawned = g_get_monotonic_time ();
  if (!g_spawn_async (NULL, (char **) argv, NULL,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &bench->pid,
                      &error))
    g_error ("spawn %s: %s", bench->lactd, error->message);
  wait_owned (bench, TRUE);
  return (double) (bench->owned_at - spawned) / 1e3;
}

/* Returns the CPU time (user + system, all threads) the daemon used over
 * its whole life, in ms: for a start stopped at once, the start-up's own
 * cost, which unlike the wall-clock time does not depend on what else the
 * machine runs. */
static double
stop_daemon (Bench *bench)
{
  struct rusage usage;
  int status;

  kill (bench->pid, SIGTERM);
  while (wait4 (bench->pid, &status, 0, &usage) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (bench->pid);
  /* The next start must not race the bus releasing the old owner. */
  wait_owned (bench, FALSE);
  return (double) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         (double) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

static GVariant *
call (Bench *bench, const char *method, GVariant *args)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (bench->client, LACTD_NAME,
      LACTD_PATH, HISTORY_IFACE, method, args, NULL, G_DBUS_CALL_FLAGS_NONE,
      -1, NULL, &error);

  if (reply == NULL)
    g_error ("%s: %s", method, error->message);
  return reply;
}

typedef struct {
  guint32 first_julian, last_julian;
  char first_day[LACTD_DAY_STRLEN], last_day[LACTD_DAY_STRLEN];
  gint64 year_from, year_to;
  LactdNightWindow night;
} Queries;

static void
queries_init (Queries *q)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (
      g_date_time_get_year (now), g_date_time_get_month (now),
      g_date_time_get_day_of_month (now), 0, 0, 0);
  LactdGoal goal = lactd_goal_defaults ();
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
  q->last_julian = g_date_get_julian (&today) - 1;
  q->first_julian = q->last_julian - 29;
  lactd_format_day (q->first_julian, q->first_day);
  lactd_format_day (q->last_julian, q->last_day);
  q->year_to = g_date_time_to_unix (midnight);
  q->year_from = q->year_to - 365 * 86400;
  /* The generated store keeps the default goal, so the daemon uses it. */
  q->night = lactd_goal_night_window (&goal);
}

/* The in-process equivalent of each handler: query, then the reply's
 * GVariant; with serialise, also the flat form GDBus writes (shows how
 * much of the gap is marshalling rather than the bus). Returns the
 * number of entries. */
static guint
inproc_summary (LactdStore *store, const Queries *q, gboolean serialise)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) days = lactd_store_daily_summary (store, q->first_julian,
      q->last_julian, &q->night, &error);
  g_autoptr(GVariant) v = NULL;

  if (days == NULL)
    g_error ("daily_summary: %s", error->message);
  v = g_variant_ref_sink (lactd_day_summaries_to_variant (days));
  if (serialise)
    (void) g_variant_get_data (v);
  return (guint) g_variant_n_children (v);
}

static guint
inproc_list (LactdStore *store, const Queries *q, gboolean serialise)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sessions = lactd_store_list_sessions (store, q->year_from,
      q->year_to, &error);
  g_autoptr(GVariant) v = NULL;

  if (sessions == NULL)
    g_error ("list_sessions: %s", error->message);
  v = g_variant_ref_sink (lactd_sessions_to_variant (sessions));
  if (serialise)
    (void) g_variant_get_data (v);
  return (guint) g_variant_n_children (v);
}

static void
report (const char *label, double *dbus, double *inproc, double *flat,
        guint n, guint entries, gsize reply_bytes)
{
  Stats d = stats_of (dbus, n), p = stats_of (inproc, n);
  Stats f = stats_of (flat, n);

  printf ("%s: %u entries, reply %zu bytes, %u calls\n", label, entries,
          reply_bytes, n);
  printf ("  over D-Bus   median %8.3f ms   p99 %8.3f ms\n", d.median, d.p99);
  printf ("  in-process   median %8.3f ms   p99 %8.3f ms\n", p.median, p.p99);
  printf ("  ratio D-Bus/in-process: median %.2f, p99 %.2f\n",
          d.median / p.median, d.p99 / p.p99);
  printf ("  (in-process + serialising the reply: median %8.3f ms, "
          "p99 %8.3f ms)\n", f.median, f.p99);
}

static gboolean
wanted (const Bench *bench, const char *what)
{
  return bench->only == NULL || g_str_equal (bench->only, what);
}

/* A store is one process's at a time (its lock): the in-process queries
 * run on a copy, made while no daemon has the store open. */
static char *
copy_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) from = g_file_new_for_path (path);
  char *copy = g_strconcat (path, ".in-process", NULL);
  g_autoptr(GFile) to = g_file_new_for_path (copy);

  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL,
                    &error))
    g_error ("copy %s: %s", path, error->message);
  return copy;
}

static void
remove_store (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}

static void
bench_queries (Bench *bench, const char *copy_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = lactd_store_open (copy_path, &error);
  g_autofree double *dbus = g_new0 (double, bench->calls);
  g_autofree double *inproc = g_new0 (double, bench->calls);
  g_autofree double *flat = g_new0 (double, bench->calls);
  Queries q;
  guint entries = 0;
  gsize bytes = 0;

  if (store == NULL)
    g_error ("open %s: %s", copy_path, error->message);
  queries_init (&q);

  printf ("\nDailySummary('%s', '%s')\n", q.first_day, q.last_day);
  for (guint i = 0; wanted (bench, "summary") && i < WARMUP + bench->calls;
       i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GVariant) reply = call (bench, "DailySummary",
          g_variant_new ("(ss)", q.first_day, q.last_day));
      double d = ms_since (t0);

      bytes = g_variant_get_size (reply);
      t0 = g_get_monotonic_time ();
      entries = inproc_summary (store, &q, FALSE);
      if (i >= WARMUP)
        {
          dbus[i - WARMUP] = d;
          inproc[i - WARMUP] = ms_since (t0);
        }
      t0 = g_get_monotonic_time ();
      inproc_summary (store, &q, TRUE);
      if (i >= WARMUP)
        flat[i - WARMUP] = ms_since (t0);
    }
  if (wanted (bench, "summary"))
    report ("DailySummary 30 days", dbus, inproc, flat, bench->calls,
            entries, bytes);

  printf ("\nListSessions(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")\n",
          q.year_from, q.year_to);
  for (guint i = 0; wanted (bench, "list") && i < WARMUP + bench->calls; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GVariant) reply = call (bench, "ListSessions",
          g_variant_new ("(xx)", q.year_from, q.year_to));
      double d = ms_since (t0);

      bytes = g_variant_get_size (reply);
      t0 = g_get_monotonic_time ();
      entries = inproc_list (store, &q, FALSE);
      if (i >= WARMUP)
        {
          dbus[i - WARMUP] = d;
          inproc[i - WARMUP] = ms_since (t0);
        }
      t0 = g_get_monotonic_time ();
      inproc_list (store, &q, TRUE);
      if (i >= WARMUP)
        flat[i - WARMUP] = ms_since (t0);
    }
  if (wanted (bench, "list"))
    report ("ListSessions one year", dbus, inproc, flat, bench->calls,
            entries, bytes);

  /* The floor every call pays: a round trip through the bus to the
   * daemon's main loop and back, with nothing to compute. */
  if (!wanted (bench, "floor"))
    return;
  for (guint i = 0; i < WARMUP + bench->calls; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GError) get_error = NULL;
      g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bench->client,
          LACTD_NAME, LACTD_PATH, "org.freedesktop.DBus.Properties", "Get",
          g_variant_new ("(ss)", "org.lactd.Manager1", "Version"), NULL,
          G_DBUS_CALL_FLAGS_NONE, -1, NULL, &get_error);

      if (reply == NULL)
        g_error ("Get Version: %s", get_error->message);
      if (i >= WARMUP)
        dbus[i - WARMUP] = ms_since (t0);
    }
  {
    Stats st = stats_of (dbus, bench->calls);
    printf ("\nround trip floor, Properties.Get(Manager1.Version), %u calls:\n"
            "  median %8.3f ms   p99 %8.3f ms\n", bench->calls, st.median,
            st.p99);
  }
}

/* Wall-clock figures depend on what else the machine runs: say so. */
static void
print_load (const char *when)
{
  g_autofree char *loadavg = NULL;

  if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    printf ("%s: %u cores, /proc/loadavg %s", when, g_get_num_processors (),
            loadavg);
}

static void
parse_args (int argc, char **argv, Bench *bench)
{
  bench->calls = 200;
  bench->starts = 10;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--calls") && i + 1 < argc)
        bench->calls = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--starts") && i + 1 < argc)
        bench->starts = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--only") && i + 1 < argc)
        bench->only = argv[++i];
      else if (argv[i][0] != '-' && bench->lactd == NULL)
        bench->lactd = argv[i];
      else if (argv[i][0] != '-' && bench->store_path == NULL)
        bench->store_path = argv[i];
      else
        bench->lactd = NULL, bench->store_path = NULL, i = argc;
    }
  if (bench->lactd == NULL || bench->store_path == NULL ||
      bench->calls == 0 || bench->starts == 0 ||
      (bench->only != NULL && !g_str_equal (bench->only, "summary") &&
       !g_str_equal (bench->only, "list") && !g_str_equal (bench->only, "floor")))
    {
      g_printerr ("usage: bench-dbus-queries [--calls N] [--starts N] "
                  "[--only summary|list|floor] LACTD STORE\n");
      exit (2);
    }
}

int
main (int argc, char **argv)
{
  Bench bench = { 0 };
  g_autoptr(GTestDBus) system_bus = NULL;
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *startup = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree double *cpu = NULL;
  guint subscription;
  Stats st;

  parse_args (argc, argv, &bench);
  /* A private system bus without org.bluez (the daemon needs one to learn
   * that BlueZ is absent), so no host service is ever seen. Started first:
   * each GTestDBus sets DBUS_SESSION_BUS_ADDRESS, the second one wins. */
  system_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (system_bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS",
            g_test_dbus_get_bus_address (system_bus), TRUE);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  bench.client = g_dbus_connection_new_for_address_sync (
      g_test_dbus_get_bus_address (bus),
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
      G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  if (bench.client == NULL)
    g_error ("private bus: %s", error->message);
  subscription = g_dbus_connection_signal_subscribe (bench.client,
      "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
      "/org/freedesktop/DBus", LACTD_NAME, G_DBUS_SIGNAL_FLAGS_NONE,
      on_name_owner_changed, &bench, NULL);

  printf ("lactd %s on %s (private session and system buses, no BlueZ)\n",
          bench.lactd, bench.store_path);
  print_load ("at start");

  startup = g_new0 (double, bench.starts);
  cpu = g_new0 (double, bench.starts);
  for (guint i = 0; i < bench.starts; i++)
    {
      startup[i] = start_daemon (&bench);
      /* Each start is also stopped at once, for its CPU time; one more
       * start then serves the queries. */
      cpu[i] = stop_daemon (&bench);
    }
  printf ("start-up, spawn to NameOwnerChanged(org.lactd), %u starts:",
          bench.starts);
  for (guint i = 0; i < bench.starts; i++)
    printf (" %.1f", startup[i]);
  st = stats_of (startup, bench.starts);
  printf ("\n  median %.1f ms, max %.1f ms\n", st.median,
          startup[bench.starts - 1]);
  st = stats_of (cpu, bench.starts);
  printf ("  CPU time of start + immediate SIGTERM (user + sys, all "
          "threads): median %.1f ms, max %.1f ms\n", st.median,
          cpu[bench.starts - 1]);

  copy_path = copy_store (bench.store_path);
  start_daemon (&bench);
  bench_queries (&bench, copy_path);
  remove_store (copy_path);

  print_load ("\nat end");
  stop_daemon (&bench);
  g_dbus_connection_signal_unsubscribe (bench.client, subscription);
  g_dbus_connection_close_sync (bench.client, NULL, NULL);
  g_clear_object (&bench.client);
  g_test_dbus_down (bus);
  g_test_dbus_down (system_bus);
  return 0;
}
