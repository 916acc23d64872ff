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
 * 2. DailySummary for the 30 days ending yesterday, ListSessions for the
 *    year ending at today's local midnight and ListSessionsPage(0, 100)
 *    (a history view's first page): N synchronous calls each from a
 *    separate client connection, each followed, in this process, by the
 *    same query through the store API plus the reply's GVariant (what the
 *    daemon's handler does before GDBus serialises and sends), on a copy
 *    of STORE (a store is one process's at a time); by GDBus's own
 *    marshalling of that reply (g_dbus_message_to_blob() as the daemon
 *    does, g_dbus_message_new_from_blob() as the client does: what the
 *    contract's reply shape costs any implementation); and for the lists
 *    by the bare SQL for the same rows on a connection of its own.
 *    Median, p10, p90 and p99 of each, the load average, and the daemon's
 *    VmRSS and VmHWM (peak RSS) before and after each kind of call.
 * 3. The round-trip floor: Properties.Get(Manager1.Version).
 * 4. The ratios of the goals (bench/README.md), from this run's medians.
 *
 * --only summary|list|page|floor runs just that part of 2-3 (the
 * start-ups still run): how bench/dbus-profile.sh gives callgrind one kind
 * of call.
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
#include <sqlite3.h>

#include "lactd-dbus-values.h"
#include "lactd-store.h"

#define LACTD_NAME "org.lactd"
#define LACTD_PATH "/org/lactd"
#define HISTORY_IFACE "org.lactd.History1"
#define WARMUP 5
#define PAGE_COUNT 100   /* a history view's page */

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

/* The in-process equivalent of each handler: the store query and the
 * reply's GVariant, then dropping it (the daemon frees it after sending),
 * the handler minus the bus. Returns the reply (a new reference). */
static GVariant *
inproc_summary (LactdStore *store, const Queries *q)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) days = lactd_store_daily_summary (store, q->first_julian,
      q->last_julian, &q->night, &error);

  if (days == NULL)
    g_error ("daily_summary: %s", error->message);
  return g_variant_ref_sink (lactd_day_summaries_to_variant (days));
}

static void
add_to_reply (const LactdSession *session, gpointer builder)
{
  lactd_sessions_builder_add (builder, session);
}

/* As History1.ListSessions: counted first (the cap), then every row
 * straight into the reply. */
static GVariant *
inproc_list (LactdStore *store, const Queries *q)
{
  g_autoptr(GError) error = NULL;
  LactdSessionsBuilder *builder;
  guint64 count = 0;

  if (!lactd_store_count_sessions (store, q->year_from, q->year_to, &count,
                                   &error))
    g_error ("count_sessions: %s", error->message);
  builder = lactd_sessions_builder_new ((guint) count);
  if (!lactd_store_foreach_session (store, q->year_from, q->year_to,
                                    add_to_reply, builder, &error))
    g_error ("list_sessions: %s", error->message);
  return g_variant_ref_sink (lactd_sessions_builder_end (builder));
}

static GVariant *
inproc_page (LactdStore *store, const Queries *q)
{
  g_autoptr(GError) error = NULL;
  LactdSessionsBuilder *builder = lactd_sessions_builder_new (PAGE_COUNT);

  if (!lactd_store_foreach_session_before (store, G_MAXINT64, PAGE_COUNT,
                                           add_to_reply, builder, &error))
    g_error ("list_sessions_before: %s", error->message);
  return g_variant_ref_sink (lactd_sessions_builder_end (builder));
}

static GVariant *
args_summary (const Queries *q)
{
  return g_variant_new ("(ss)", q->first_day, q->last_day);
}

static GVariant *
args_list (const Queries *q)
{
  return g_variant_new ("(xx)", q->year_from, q->year_to);
}

static GVariant *
args_page (const Queries *q)
{
  return g_variant_new ("(xu)", (gint64) 0, (guint32) PAGE_COUNT);
}

/* The bare SQL for a list's rows on a connection of its own (opened as
 * the store opens its own: NOMUTEX), prepared once, every column read by
 * its type; NULL for the summary, whose bare reference is bench-store's. */
#define BARE_COLUMNS \
  "SELECT id, source, address, epoch, seq, kind, start, utc_offset_min, " \
  "duration_left, duration_right, double_sided, interrupted, " \
  "clock_unsynced, volume_left_tenths, volume_right_tenths, " \
  "supplement_tenths FROM sessions "
#define BARE_LIST BARE_COLUMNS "WHERE start >= ?1 AND start < ?2 " \
  "ORDER BY start, id"
#define BARE_PAGE BARE_COLUMNS "WHERE start < ?1 " \
  "ORDER BY start DESC, id DESC LIMIT ?2"

static void
run_bare (sqlite3_stmt *stmt, gint64 a, gint64 b)
{
  gint64 sink = 0;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int i = 0; i < 16; i++)
      {
        if (sqlite3_column_type (stmt, i) == SQLITE_TEXT)
          sink += (gint64) sqlite3_column_bytes (stmt, i) +
                  *sqlite3_column_text (stmt, i);
        else
          sink += sqlite3_column_int64 (stmt, i);
      }
  if (rc != SQLITE_DONE)
    g_error ("bare SQL: %s", sqlite3_errstr (rc));
  (void) sink;
}

static void
bare_list (sqlite3_stmt *stmt, const Queries *q)
{
  run_bare (stmt, q->year_from, q->year_to);
}

static void
bare_page (sqlite3_stmt *stmt, const Queries *q)
{
  run_bare (stmt, G_MAXINT64, PAGE_COUNT);
}

typedef struct {
  const char *name;          /* for --only */
  const char *method;
  GVariant *(*args) (const Queries *q);
  GVariant *(*inproc) (LactdStore *store, const Queries *q);
  const char *bare_sql;      /* NULL: none */
  void (*bare) (sqlite3_stmt *stmt, const Queries *q);
} QueryKind;

static const QueryKind query_kinds[] = {
  { "summary", "DailySummary", args_summary, inproc_summary, NULL, NULL },
  { "list", "ListSessions", args_list, inproc_list, BARE_LIST, bare_list },
  { "page", "ListSessionsPage", args_page, inproc_page, BARE_PAGE,
    bare_page },
};

/* Medians of one kind's series, for the ratios at the end. */
typedef struct {
  gboolean ran;
  double dbus, inproc, bare, serialise, parse;
} KindFigures;

/* GDBus's own marshalling of a reply, which any implementation of the
 * contract pays: the daemon serialises it, the client parses it. */
static void
time_marshalling (GVariant *reply, double *serialise_ms, double *parse_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusMessage) message = g_dbus_message_new_method_call (
      LACTD_NAME, LACTD_PATH, HISTORY_IFACE, "Reply");
  g_autoptr(GDBusMessage) parsed = NULL;
  g_autofree guchar *blob = NULL;
  gsize size = 0;
  gint64 t0;

  g_dbus_message_set_body (message, g_variant_new_tuple (&reply, 1));
  t0 = g_get_monotonic_time ();
  blob = g_dbus_message_to_blob (message, &size, G_DBUS_CAPABILITY_FLAGS_NONE,
                                 &error);
  *serialise_ms = ms_since (t0);
  if (blob == NULL)
    g_error ("to_blob: %s", error->message);
  t0 = g_get_monotonic_time ();
  parsed = g_dbus_message_new_from_blob (blob, size,
                                         G_DBUS_CAPABILITY_FLAGS_NONE, &error);
  if (parsed == NULL)
    g_error ("from_blob: %s", error->message);
  g_clear_object (&parsed);
  *parse_ms = ms_since (t0);
}

static void
print_stat (const char *what, double *values, guint n)
{
  Stats st = stats_of (values, n);

  printf ("  %-34s median %9.3f ms  (p10 %8.3f, p90 %8.3f, p99 %8.3f)\n",
          what, st.median, values[n / 10], values[n * 9 / 10], st.p99);
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

/* /proc/PID/status's VmRSS and VmHWM (peak) of the daemon, in kB. */
static void
print_daemon_memory (const Bench *bench, const char *when)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", bench->pid);
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  printf ("  daemon %s:", when);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:") ||
        g_str_has_prefix (lines[i], "VmHWM:"))
      printf (" %s", g_strdelimit (lines[i], "\t", ' '));
  printf ("\n");
}

typedef struct {
  double *dbus, *inproc, *bare, *serialise, *parse;
} Series;

/* One kind: N calls over D-Bus, each followed by the same query in
 * process, GDBus's marshalling of its reply and the bare SQL. */
static KindFigures
bench_kind (Bench *bench, const QueryKind *kind, LactdStore *store,
            sqlite3 *bare_db, const Queries *q, Series *series)
{
  KindFigures fig = { TRUE, 0, 0, 0, 0, 0 };
  sqlite3_stmt *bare = NULL;
  guint entries = 0;
  gsize bytes = 0;

  if (kind->bare_sql != NULL &&
      sqlite3_prepare_v2 (bare_db, kind->bare_sql, -1, &bare, NULL) != SQLITE_OK)
    g_error ("bare SQL: %s", sqlite3_errmsg (bare_db));
  printf ("\n%s\n", kind->method);
  print_load ("  load");
  print_daemon_memory (bench, "before");
  for (guint i = 0; i < WARMUP + bench->calls; i++)
    {
      guint k = i >= WARMUP ? i - WARMUP : 0;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GVariant) reply = call (bench, kind->method, kind->args (q));
      double d = ms_since (t0);
      g_autoptr(GVariant) mine = NULL;

      bytes = g_variant_get_size (reply);
      g_clear_pointer (&reply, g_variant_unref);
      series->dbus[k] = d;
      t0 = g_get_monotonic_time ();
      mine = kind->inproc (store, q);
      entries = (guint) g_variant_n_children (mine);
      g_clear_pointer (&mine, g_variant_unref);
      series->inproc[k] = ms_since (t0);
      mine = kind->inproc (store, q);
      time_marshalling (mine, &series->serialise[k], &series->parse[k]);
      g_clear_pointer (&mine, g_variant_unref);
      t0 = g_get_monotonic_time ();
      if (bare != NULL)
        kind->bare (bare, q);
      series->bare[k] = ms_since (t0);
    }
  sqlite3_finalize (bare);
  printf ("  %u entries, reply %zu bytes, %u calls\n", entries, bytes,
          bench->calls);
  print_daemon_memory (bench, "after");
  fig.dbus = stats_of (series->dbus, bench->calls).median;
  print_stat ("over D-Bus", series->dbus, bench->calls);
  fig.inproc = stats_of (series->inproc, bench->calls).median;
  print_stat ("in-process (query + reply + free)", series->inproc,
              bench->calls);
  if (kind->bare_sql != NULL)
    {
      fig.bare = stats_of (series->bare, bench->calls).median;
      print_stat ("bare SQL, same rows", series->bare, bench->calls);
    }
  fig.serialise = stats_of (series->serialise, bench->calls).median;
  print_stat ("GDBus serialising the reply", series->serialise, bench->calls);
  fig.parse = stats_of (series->parse, bench->calls).median;
  print_stat ("GDBus parsing it (client side)", series->parse, bench->calls);
  printf ("  ratio D-Bus/in-process: median %.2f\n", fig.dbus / fig.inproc);
  return fig;
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

/* The floor every call pays: a round trip through the bus to the
 * daemon's main loop and back, with nothing to compute. */
static double
bench_floor (Bench *bench, double *values)
{
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
        values[i - WARMUP] = ms_since (t0);
    }
  printf ("\nround trip floor, Properties.Get(Manager1.Version), %u calls\n",
          bench->calls);
  print_load ("  load");
  print_stat ("over D-Bus", values, bench->calls);
  return stats_of (values, bench->calls).median;
}

static void
print_ratios (const KindFigures *fig, double floor)
{
  const KindFigures *list = &fig[1], *page = &fig[2];

  printf ("\nratios (medians of this run)\n");
  if (page->ran && floor > 0)
    printf ("  ListSessionsPage(%u): D-Bus / (floor + bare SQL) = %.3f / "
            "(%.3f + %.3f) = %.2f  (goal <= 2)\n", PAGE_COUNT, page->dbus,
            floor, page->bare, page->dbus / (floor + page->bare));
  if (list->ran)
    {
      printf ("  ListSessions one year: D-Bus / bare SQL = %.1f / %.2f = "
              "%.1f  (goal <= 3)\n", list->dbus, list->bare,
              list->dbus / list->bare);
      printf ("  ListSessions one year: in-process / bare SQL = %.2f / %.2f "
              "= %.1f\n", list->inproc, list->bare,
              list->inproc / list->bare);
      printf ("  what GDBus alone costs this reply (serialise + parse): "
              "%.1f + %.1f ms = %.1f x bare SQL\n", list->serialise,
              list->parse, (list->serialise + list->parse) / list->bare);
    }
}

static void
bench_queries (Bench *bench, const char *copy_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdStore) store = lactd_store_open (copy_path, &error);
  g_autofree double *values = g_new0 (double, 5 * bench->calls);
  Series series = { values, values + bench->calls, values + 2 * bench->calls,
                    values + 3 * bench->calls, values + 4 * bench->calls };
  KindFigures fig[G_N_ELEMENTS (query_kinds)] = { { 0 } };
  double floor = 0;
  sqlite3 *bare_db = NULL;
  Queries q;

  if (store == NULL)
    g_error ("open %s: %s", copy_path, error->message);
  if (sqlite3_open_v2 (copy_path, &bare_db, SQLITE_OPEN_READONLY |
                       SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    g_error ("bare open %s", copy_path);
  queries_init (&q);
  printf ("\nDailySummary('%s', '%s'); ListSessions(%" G_GINT64_FORMAT ", %"
          G_GINT64_FORMAT "); ListSessionsPage(0, %u)\n", q.first_day,
          q.last_day, q.year_from, q.year_to, PAGE_COUNT);
  for (guint k = 0; k < G_N_ELEMENTS (query_kinds); k++)
    if (wanted (bench, query_kinds[k].name))
      fig[k] = bench_kind (bench, &query_kinds[k], store, bare_db, &q,
                           &series);
  sqlite3_close (bare_db);
  if (wanted (bench, "floor"))
    floor = bench_floor (bench, values);
  print_ratios (fig, floor);
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
       !g_str_equal (bench->only, "list") &&
       !g_str_equal (bench->only, "page") &&
       !g_str_equal (bench->only, "floor")))
    {
      g_printerr ("usage: bench-dbus-queries [--calls N] [--starts N] "
                  "[--only summary|list|page|floor] LACTD STORE\n");
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
