/* main.c — lactd: options, main loop, signals.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>

#include "lactd-daemon.h"

/* Everything the command line decides; lives on main()'s stack. */
typedef struct {
  char *db_path;
  char *simulate;       /* NULL: real sensors through BlueZ */
  gboolean replace;
  gboolean version;
  int verbosity;
} LactdOptions;

static gboolean
on_verbose (const char *option_name, const char *value, gpointer data,
            GError **error)
{
  LactdOptions *options = data;
  options->verbosity++;
  return TRUE;
}

static gboolean
on_simulate (const char *option_name, const char *value, gpointer data,
             GError **error)
{
  LactdOptions *options = data;
  g_free (options->simulate);
  options->simulate = g_strdup (value != NULL && *value != '\0' ? value : "demo");
  return TRUE;
}

/* The main loop and how it ended; lives on main()'s stack. */
typedef struct {
  GMainLoop *loop;
  LactdDaemon *daemon;
  GCancellable *starting;   /* while start-up runs; NULL after */
  int exit_status;
} LactdRun;

/* Ends the run: at once, or, while start-up runs, once it has stopped
 * (so that the store it opened is closed cleanly). */
static void
request_quit (LactdRun *run)
{
  if (run->starting != NULL)
    g_cancellable_cancel (run->starting);
  else
    g_main_loop_quit (run->loop);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  LactdRun *run = user_data;

  g_message ("Signal received, shutting down");
  request_quit (run);
  return G_SOURCE_CONTINUE;
}

static void
on_daemon_quit (LactdDaemon *daemon, const char *reason, gboolean failed,
                gpointer user_data)
{
  LactdRun *run = user_data;

  if (failed)
    {
      g_warning ("%s: exiting with a failure", reason);
      run->exit_status = EXIT_FAILURE;
    }
  else
    g_message ("%s", reason);
  request_quit (run);
}

static void
started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LactdRun *run = user_data;
  g_autoptr(GError) error = NULL;
  gboolean cancelled = g_cancellable_is_cancelled (run->starting);

  g_clear_object (&run->starting);
  if (lactd_daemon_start_finish (LACTD_DAEMON (source), result, &error) &&
      !cancelled)
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || cancelled)
    g_message ("Start-up interrupted");
  else
    {
      g_printerr ("lactd: %s\n", error->message);
      run->exit_status = EXIT_FAILURE;
    }
  g_main_loop_quit (run->loop);
}

/* Start-up begins once the loop runs, so that a signal is always heard. */
static gboolean
start_cb (gpointer user_data)
{
  LactdRun *run = user_data;

  lactd_daemon_start_async (run->daemon, run->starting, started, run);
  return G_SOURCE_REMOVE;
}

static void
setup_logging (int verbosity)
{
  /* -v shows our g_debug, -vv everyone's, as power-profiles-daemon does. */
  if (verbosity >= 2)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  else if (verbosity == 1)
    g_setenv ("G_MESSAGES_DEBUG",
              "lactd lactd-store lactd-sync lactd-bluez lactd-goals lactd-sim",
              TRUE);
}

/* Fills options from the command line: -1 to go on, else lactd's exit
 * status (2 for a usage error, 0 after --version). */
static int
parse_options (LactdOptions *options, int *argc, char ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GOptionGroup) group = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options->db_path,
      "Session database (default: $XDG_DATA_HOME/lactd/lactd.db)", "PATH" },
    { "simulate", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
      on_simulate,
      "Use the built-in simulated sensor instead of Bluetooth "
      "(SCENARIO: demo, session, relactation, sns, backlog[:N], malformed, "
      "epoch-reset, battery, stragglers)", "SCENARIO" },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &options->replace,
      "Replace a running instance", NULL },
    { "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_verbose,
      "Show debug messages (twice: from every library)", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version,
      "Print the version and exit", NULL },
    { NULL }
  };

  context = g_option_context_new ("— lactation session daemon");
  g_option_context_set_summary (context,
      "Records breast pump and supplemental-nursing-system sessions from a\n"
      "Bluetooth LE sensor and publishes them on the session bus as org.lactd.");
  group = g_option_group_new ("lactd", "lactd options", "lactd options",
                              options, NULL);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, g_steal_pointer (&group));
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("lactd: %s\nTry 'lactd --help'.\n", error->message);
      return 2;
    }
  if (*argc > 1)
    {
      g_printerr ("lactd: unexpected argument '%s'\nTry 'lactd --help'.\n",
                  (*argv)[1]);
      return 2;
    }
  if (options->version)
    {
      g_print ("lactd %s\n", VERSION);
      return 0;
    }
  return -1;
}

/* The daemon's whole life: start-up and service inside one main loop. */
static int
run_daemon (const LactdOptions *options)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *db_path = options->db_path != NULL
                             ? g_strdup (options->db_path)
                             : lactd_store_default_path ();
  g_autoptr(LactdDaemon) daemon = lactd_daemon_new (db_path,
                                                    options->simulate,
                                                    options->replace);
  LactdRun run = { loop, daemon, g_cancellable_new (), EXIT_SUCCESS };
  guint term_id, int_id;

  g_signal_connect (daemon, "quit", G_CALLBACK (on_daemon_quit), &run);
  term_id = g_unix_signal_add (SIGTERM, on_quit_signal, &run);
  int_id = g_unix_signal_add (SIGINT, on_quit_signal, &run);
  g_idle_add (start_cb, &run);
  g_main_loop_run (loop);

  g_source_remove (term_id);
  g_source_remove (int_id);
  lactd_daemon_stop (daemon);
  g_signal_handlers_disconnect_by_data (daemon, &run);
  g_clear_object (&run.starting);
  return run.exit_status;
}

int
main (int argc, char **argv)
{
  LactdOptions options = { 0 };
  int status;

  setlocale (LC_ALL, "");
  status = parse_options (&options, &argc, &argv);
  if (status < 0)
    {
      setup_logging (options.verbosity);
      status = run_daemon (&options);
    }
  g_free (options.simulate);
  g_free (options.db_path);
  return status;
}
