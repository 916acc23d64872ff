/* lactctl-pair.c — pair: Manager1.Pair, showing the passkey and, when the
 * sensor asks for a numeric comparison, asking the user and answering
 * with Manager1.ConfirmPairing.
 *
 * The comparison is what keeps a device nearby from pairing in the
 * sensor's place, so it is never accepted on the user's behalf: without
 * a terminal to ask on, lactctl declines it unless --yes says the user
 * has compared the numbers some other way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactctl"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>

#include "lactctl.h"

typedef struct {
  LactctlApp *app;
  gboolean yes;             /* --yes: accept a comparison without asking */
  gboolean interactive;     /* stdin is a terminal */
  char *asked;              /* the address a prompt is waiting for */
  GDataInputStream *input;  /* stdin, while asking */
  GCancellable *prompt;     /* the pending read of the answer */
} PairRun;

static void
on_confirm_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* A refused answer (the comparison timed out meanwhile) makes Pair fail
   * too; its error is the one printed. */
  if (!lactd_manager1_call_confirm_pairing_finish (LACTD_MANAGER1 (source),
                                                   result, &error))
    g_debug ("ConfirmPairing: %s", error->message);
}

static void
answer (PairRun *run, const char *address, gboolean accept)
{
  lactd_manager1_call_confirm_pairing (run->app->manager, address, accept,
                                       NULL, on_confirm_done, run);
}

static gboolean
is_yes (const char *line)
{
  g_autofree char *answer = g_strstrip (g_strdup (line != NULL ? line : ""));

  return g_ascii_strcasecmp (answer, "y") == 0
         || g_ascii_strcasecmp (answer, "yes") == 0;
}

static void
on_answer_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PairRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *address = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (
      G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  address = g_steal_pointer (&run->asked);
  g_clear_object (&run->prompt);
  if (line == NULL)
    g_print ("\n");   /* end of input: no */
  answer (run, address, is_yes (line));
  if (!is_yes (line))
    g_print ("Declined: pairing %s is cancelled.\n", address);
  fflush (stdout);
}

static void
ask (PairRun *run, const char *address, guint passkey)
{
  if (run->input == NULL)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO,
                                                            FALSE);
      run->input = g_data_input_stream_new (in);
    }
  g_free (run->asked);
  run->asked = g_strdup (address);
  g_cancellable_cancel (run->prompt);
  g_clear_object (&run->prompt);
  run->prompt = g_cancellable_new ();
  g_print ("Does the sensor show %06u? [y/N] ", passkey);
  fflush (stdout);
  g_data_input_stream_read_line_async (run->input, G_PRIORITY_DEFAULT,
                                       run->prompt, on_answer_read, run);
}

static void
on_pairing_passkey (LactdManager1 *manager, const char *address,
                    guint passkey, gboolean confirm, gpointer user_data)
{
  PairRun *run = user_data;
  g_autofree char *shown = lactd_client_printable (address);

  g_print ("Passkey for %s: %06u\n", shown, passkey);
  if (!confirm)
    g_print ("Check that the sensor shows the same number.\n");
  else if (run->yes)
    {
      g_print ("Accepted without asking (--yes).\n");
      answer (run, address, TRUE);
    }
  else if (run->interactive)
    ask (run, address, passkey);
  else
    {
      g_print ("The sensor asks whether it shows the same number, and there "
               "is no terminal to ask on (stdin is not a terminal): declined. "
               "Run 'lactctl pair' on a terminal, or add --yes once you have "
               "checked that the sensor shows %06u.\n", passkey);
      answer (run, address, FALSE);
    }
  fflush (stdout);
}

static void
on_pair_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PairRun *run = user_data;
  LactctlApp *app = run->app;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* Pair ended while a prompt waited (the comparison timed out). */
  if (run->prompt != NULL)
    {
      g_cancellable_cancel (run->prompt);
      g_print ("\n");
    }
  if (!lactd_manager1_call_pair_finish (LACTD_MANAGER1 (source), &path,
                                        result, &error))
    app->exit_code = lactctl_fail (app, "pair", error);
  else
    {
      g_print ("Paired: %s\nlactd connects to it whenever it is in range.\n", path);
      app->exit_code = LACTCTL_EXIT_OK;
    }
  g_main_loop_quit (app->loop);
}

int
lactctl_cmd_pair (LactctlApp *app, int argc, char **argv)
{
  PairRun run = { app, FALSE, isatty (STDIN_FILENO), NULL, NULL, NULL };
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &run.yes,
      "Accept a number comparison without asking (only once you have "
      "checked the number on the sensor)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, "ADDRESS",
                                "Pairs the sensor with this Bluetooth address once; lactd\n"
                                "then connects to it whenever it is in range. When the\n"
                                "sensor shows a passkey, it is printed here; when it asks\n"
                                "to compare it, lactctl asks \"Does the sensor show …?\"\n"
                                "on the terminal. Without a terminal the comparison is\n"
                                "declined (exit status 1) unless --yes is given.",
                                entries);
  gulong handler;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, "ADDRESS",
                                &exit_code))
    return exit_code;
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  app->loop = g_main_loop_new (NULL, FALSE);
  handler = g_signal_connect (app->manager, "pairing-passkey",
                              G_CALLBACK (on_pairing_passkey), &run);
  g_print ("Pairing %s…\n", argv[1]);
  fflush (stdout);
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (app->manager), 180 * 1000);
  lactd_manager1_call_pair (app->manager, argv[1], NULL, on_pair_done, &run);
  g_main_loop_run (app->loop);
  g_signal_handler_disconnect (app->manager, handler);
  /* Let a read cancelled by the end of Pair finish with the loop. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&run.prompt);
  g_clear_object (&run.input);
  g_free (run.asked);
  return app->exit_code;
}
