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
  int exit_status;
  gboolean quit;       /* asked for, maybe before the loop runs */
} LactdRun;

static gboolean
on_quit_signal (gpointer user_data)
{
  LactdRun *run = user_data;
  g_message ("Signal received, shutting down");
  run->quit = TRUE;
  g_main_loop_quit (run->loop);
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
  run->quit = TRUE;
  g_main_loop_quit (run->loop);
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

int
main (int argc, char **argv)
{
  LactdOptions options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GOptionGroup) group = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(LactdDaemon) daemon = NULL;
  LactdRun run = { NULL, EXIT_SUCCESS, FALSE };
  g_autofree char *db_path = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options.db_path,
      "Session database (default: $XDG_DATA_HOME/lactd/lactd.db)", "PATH" },
    { "simulate", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
      on_simulate,
      "Use the built-in simulated sensor instead of Bluetooth "
      "(SCENARIO: demo, session, relactation, sns, backlog[:N], malformed, "
      "epoch-reset, battery, stragglers)", "SCENARIO" },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &options.replace,
      "Replace a running instance", NULL },
    { "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_verbose,
      "Show debug messages (twice: from every library)", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options.version,
      "Print the version and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— lactation session daemon");
  g_option_context_set_summary (context,
      "Records breast pump and supplemental-nursing-system sessions from a\n"
      "Bluetooth LE sensor and publishes them on the session bus as org.lactd.");
  group = g_option_group_new ("lactd", "lactd options", "lactd options",
                              &options, NULL);
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, g_steal_pointer (&group));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lactd: %s\nTry 'lactd --help'.\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      g_printerr ("lactd: unexpected argument '%s'\nTry 'lactd --help'.\n",
                  argv[1]);
      return 2;
    }
  if (options.version)
    {
      g_print ("lactd %s\n", VERSION);
      return 0;
    }

  setup_logging (options.verbosity);

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  db_path = options.db_path != NULL ? g_strdup (options.db_path)
                                    : lactd_store_default_path ();

  daemon = lactd_daemon_new (db_path, options.simulate, options.replace);
  g_signal_connect (daemon, "quit", G_CALLBACK (on_daemon_quit), &run);
  g_unix_signal_add (SIGTERM, on_quit_signal, &run);
  g_unix_signal_add (SIGINT, on_quit_signal, &run);

  if (!lactd_daemon_start (daemon, &error))
    {
      g_printerr ("lactd: %s\n", error->message);
      g_free (options.simulate);
      g_free (options.db_path);
      return 1;
    }

  /* Start-up runs the main context too (BlueZ's state, a --replace);
   * a SIGTERM then must not be lost to a loop not yet running. */
  if (!run.quit)
    g_main_loop_run (loop);

  lactd_daemon_stop (daemon);
  g_free (options.simulate);
  g_free (options.db_path);
  return run.exit_status;
}
