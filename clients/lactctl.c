/* lactctl — the command-line client of lactd.
 *
 * main() dispatches to one function per command; this file has what all
 * of them share: connecting (with D-Bus activation), reporting errors
 * with cli.md's exit codes, and parsing times, durations and volumes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactctl"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lactctl.h"

typedef struct {
  const char *name;
  LactctlCommandFunc func;
  const char *summary;
} LactctlCommand;

static const LactctlCommand commands[] = {
  { "status",   lactctl_cmd_status,
    "Daemon, Bluetooth, sensors, live session, last 24 h and next due (default)" },
  { "sensors",  lactctl_cmd_sensors,  "List the paired sensors" },
  { "discover", lactctl_cmd_discover, "Scan for sensors nearby" },
  { "pair",     lactctl_cmd_pair,
    "Pair a sensor once (shows its passkey, asks to compare it)" },
  { "forget",   lactctl_cmd_forget,   "Forget a paired sensor (its sessions stay)" },
  { "sync",     lactctl_cmd_sync,     "Sync the connected sensors now" },
  { "watch",    lactctl_cmd_watch,
    "Print every change until interrupted (also for status bars)" },
  { "history",  lactctl_cmd_history,  "List the stored sessions" },
  { "summary",  lactctl_cmd_summary,  "Daily totals" },
  { "add",      lactctl_cmd_add,      "Add a session by hand" },
  { "delete",   lactctl_cmd_delete,   "Delete a stored session" },
  { "goal",     lactctl_cmd_goal,     "Show or change the goal" },
  { "snooze",   lactctl_cmd_snooze,   "Postpone the pending reminder" },
  { "dismiss",  lactctl_cmd_dismiss,  "Drop the pending reminder until the next session" },
  { "version",  lactctl_cmd_version,  "Show the versions of lactctl and lactd" },
};

/* ------------------------------------------------------------ errors */

gboolean
lactctl_error_is_unreachable (const GError *error)
{
  g_autofree char *remote = NULL;

  if (error == NULL)
    return FALSE;
  if (error->domain == G_IO_ERROR &&
      (error->code == G_IO_ERROR_CLOSED ||
       error->code == G_IO_ERROR_NOT_FOUND ||
       error->code == G_IO_ERROR_CONNECTION_REFUSED))
    return TRUE;

  remote = g_dbus_error_get_remote_error (error);
  if (remote == NULL)
    return error->domain == G_DBUS_ERROR &&
           (error->code == G_DBUS_ERROR_SERVICE_UNKNOWN ||
            error->code == G_DBUS_ERROR_NAME_HAS_NO_OWNER ||
            error->code == G_DBUS_ERROR_NO_REPLY ||
            error->code == G_DBUS_ERROR_DISCONNECTED ||
            error->code == G_DBUS_ERROR_SPAWN_EXEC_FAILED ||
            error->code == G_DBUS_ERROR_SPAWN_FAILED ||
            error->code == G_DBUS_ERROR_SPAWN_CHILD_EXITED ||
            error->code == G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND ||
            error->code == G_DBUS_ERROR_SPAWN_SERVICE_INVALID);

  return g_str_equal (remote, "org.freedesktop.DBus.Error.ServiceUnknown") ||
         g_str_equal (remote, "org.freedesktop.DBus.Error.NameHasNoOwner") ||
         g_str_equal (remote, "org.freedesktop.DBus.Error.NoReply") ||
         g_str_equal (remote, "org.freedesktop.DBus.Error.Disconnected") ||
         g_str_equal (remote, "org.freedesktop.systemd1.NoSuchUnit") ||
         g_str_has_prefix (remote, "org.freedesktop.DBus.Error.Spawn.");
}

/* "org.lactd.Error.NotFound: no session 7" on one line. */
static char *
describe_error (const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  g_autoptr(GError) copy = g_error_copy (error);
  g_autofree char *message = NULL;

  g_dbus_error_strip_remote_error (copy);
  /* One line, whatever the message holds. */
  message = g_strdelimit (g_strdup (copy->message), "\r\n", ' ');
  if (remote != NULL)
    return g_strdup_printf ("%s: %s", remote, message);
  return g_steal_pointer (&message);
}

int
lactctl_fail (LactctlApp *app, const char *what, const GError *error)
{
  g_autofree char *description = describe_error (error);

  if (lactctl_error_is_unreachable (error))
    {
      g_printerr ("lactctl: cannot reach lactd: %s: %s; start it with "
                  "`systemctl --user start lactd` or run `lactd`\n",
                  what, description);
      return LACTCTL_EXIT_UNREACHABLE;
    }
  g_printerr ("lactctl: %s: %s\n", what, description);
  return LACTCTL_EXIT_FAILED;
}

int
lactctl_usage (LactctlApp *app, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (app->command != NULL)
    g_printerr ("lactctl %s: %s\nTry 'lactctl %s --help'\n",
                app->command, message, app->command);
  else
    g_printerr ("lactctl: %s\nTry 'lactctl --help'\n", message);
  return LACTCTL_EXIT_USAGE;
}

/* -------------------------------------------------------- connecting */

gboolean
lactctl_connect (LactctlApp *app)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *owner = NULL;

  if (app->manager != NULL)
    return TRUE;

  app->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (app->bus == NULL)
    {
      g_printerr ("lactctl: cannot reach lactd: no session bus: %s; start a "
                  "session bus, then `systemctl --user start lactd`\n",
                  error->message);
      return FALSE;
    }

  /* Running already? Otherwise D-Bus activation starts lactd (through
   * systemd when it is installed) or tells why it cannot. dbus-daemon
   * answers StartServiceByName from its service files even for a name
   * that is owned, so ask for the owner first. */
  reply = g_dbus_connection_call_sync (app->bus, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", LACTD_BUS_NAME),
                                       G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (reply != NULL)
    {
      gboolean has_owner = FALSE;

      g_variant_get (reply, "(b)", &has_owner);
      g_clear_pointer (&reply, g_variant_unref);
      if (!has_owner)
        reply = g_dbus_connection_call_sync (app->bus, "org.freedesktop.DBus",
                                             "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus",
                                             "StartServiceByName",
                                             g_variant_new ("(su)", LACTD_BUS_NAME, 0),
                                             G_VARIANT_TYPE ("(u)"),
                                             G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                             &error);
      else
        reply = g_variant_ref_sink (g_variant_new ("(u)", 2));
    }
  if (reply == NULL)
    {
      g_autofree char *description = describe_error (error);
      g_printerr ("lactctl: cannot reach lactd: %s; start it with "
                  "`systemctl --user start lactd` or run `lactd`\n",
                  description);
      return FALSE;
    }

  if (!lactd_client_proxies_new (app->bus, LACTD_BUS_NAME, &app->manager,
                                 &app->history, &app->goals, &error))
    {
      g_autofree char *description = describe_error (error);
      g_printerr ("lactctl: cannot reach lactd: %s; start it with "
                  "`systemctl --user start lactd` or run `lactd`\n",
                  description);
      return FALSE;
    }

  /* The daemon vanished between starting and the proxies. */
  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (app->manager));
  if (owner == NULL)
    {
      g_printerr ("lactctl: cannot reach lactd: %s has no owner; start it "
                  "with `systemctl --user start lactd` or run `lactd`\n",
                  LACTD_BUS_NAME);
      g_clear_object (&app->manager);
      g_clear_object (&app->history);
      g_clear_object (&app->goals);
      return FALSE;
    }
  return TRUE;
}

/* --------------------------------------------------------- options */

GOptionContext *
lactctl_option_context_new (LactctlApp *app, const char *parameter_string,
                            const char *summary, const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter_string);
  g_autofree char *prgname = g_strdup_printf ("lactctl %s", app->command);

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  return context;
}

gboolean
lactctl_parse_options (LactctlApp *app, GOptionContext *context,
                       int *argc, char ***argv, int *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = lactctl_usage (app, "%s", error->message);
      return FALSE;
    }
  /* "--" is left in argv by GOption; drop it. */
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--"))
      {
        memmove (&(*argv)[i], &(*argv)[i + 1],
                 (size_t) (*argc - i) * sizeof (char *));
        (*argc)--;
        break;
      }
  return TRUE;
}

gboolean
lactctl_parse_arguments (LactctlApp *app, GOptionContext *context,
                         int *argc, char ***argv, const char *argument,
                         int *exit_code)
{
  if (!lactctl_parse_options (app, context, argc, argv, exit_code))
    return FALSE;
  if (argument == NULL && *argc > 1)
    *exit_code = lactctl_usage (app, "unexpected argument '%s'", (*argv)[1]);
  else if (argument != NULL && *argc < 2)
    *exit_code = lactctl_usage (app, "missing %s", argument);
  else if (argument != NULL && *argc > 2)
    *exit_code = lactctl_usage (app, "expected one %s", argument);
  else
    return TRUE;
  return FALSE;
}

/* ---------------------------------------------------------- parsing */

gboolean
lactctl_parse_uint (const char *text, guint64 max, guint64 *value_out)
{
  guint64 value;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL))
    return FALSE;
  *value_out = value;
  return TRUE;
}

static gboolean
is_day (const char *text, int *year, int *month, int *day)
{
  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  *year = atoi (text);
  *month = atoi (text + 5);
  *day = atoi (text + 8);
  return TRUE;
}

static gboolean
is_hhmm (const char *text, int *hour, int *minute)
{
  if (strlen (text) != 5 || text[2] != ':' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;
  *hour = atoi (text);
  *minute = atoi (text + 3);
  return *hour < 24 && *minute < 60;
}

GDateTime *
lactctl_parse_time (LactctlApp *app, const char *text, GError **error)
{
  GDateTime *time = NULL;
  int year, month, day, hour, minute;

  if (g_str_equal (text, "now"))
    return g_date_time_new_now (app->local_tz);

  if (is_day (text, &year, &month, &day))
    time = g_date_time_new (app->local_tz, year, month, day, 0, 0, 0);
  else if (is_hhmm (text, &hour, &minute))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (app->local_tz);
      time = g_date_time_new (app->local_tz, g_date_time_get_year (now),
                              g_date_time_get_month (now),
                              g_date_time_get_day_of_month (now),
                              hour, minute, 0);
    }
  else
    {
      /* GLib wants seconds and a 'T'; people write "2026-03-01 14:30". */
      g_autoptr(GRegex) short_time =
        g_regex_new ("^(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2})(Z|[+-].*)?$",
                     0, 0, NULL);
      g_autofree char *full = g_regex_replace (short_time, text, -1, 0,
                                               "\\1T\\2:00\\3", 0, NULL);
      g_autofree char *with_t = NULL;

      if (strlen (text) > 10 && text[10] == ' ')
        {
          with_t = g_strdup (text);
          with_t[10] = 'T';
        }
      time = g_date_time_new_from_iso8601 (full != NULL ? full : text, app->local_tz);
      if (time == NULL && with_t != NULL)
        time = g_date_time_new_from_iso8601 (with_t, app->local_tz);
    }

  if (time == NULL)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "'%s' is not a time: use YYYY-MM-DD, HH:MM or ISO 8601 "
                 "such as 2026-03-01T14:30 or 2026-03-01T14:30+01:00", text);
  return time;
}

gboolean
lactctl_parse_duration (const char *text, guint32 *seconds_out,
                        GError **error)
{
  guint64 total = 0;
  const char *p = text;
  gboolean any = FALSE;

  /* Bare minutes: "15". */
  if (lactctl_parse_uint (text, 24 * 60, &total))
    {
      *seconds_out = (guint32) (total * 60);
      return TRUE;
    }
  /* "MM:SS" or "M:SS". */
  if (strchr (text, ':') != NULL)
    {
      const char *colon = strchr (text, ':');
      guint64 minutes, secs;
      g_autofree char *min_part = g_strndup (text, (gsize) (colon - text));

      if (lactctl_parse_uint (min_part, 24 * 60, &minutes) &&
          strlen (colon + 1) == 2 &&
          lactctl_parse_uint (colon + 1, 59, &secs))
        {
          *seconds_out = (guint32) (minutes * 60 + secs);
          return TRUE;
        }
      goto bad;
    }
  /* "1h30m", "90s", "15m". */
  while (*p != '\0')
    {
      char *end = NULL;
      guint64 n;
      guint64 unit;

      if (!g_ascii_isdigit (*p))
        goto bad;
      errno = 0;
      n = g_ascii_strtoull (p, &end, 10);
      if (errno != 0 || end == p || n > 100000)
        goto bad;
      switch (*end)
        {
        case 'h': unit = 3600; break;
        case 'm': unit = 60; break;
        case 's': unit = 1; break;
        default: goto bad;
        }
      total += n * unit;
      any = TRUE;
      p = end + 1;
      if (g_str_has_prefix (end, "min"))
        p = end + 3;
    }
  if (!any || total > G_MAXUINT32)
    goto bad;
  *seconds_out = (guint32) total;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "'%s' is not a duration: use minutes (15), MM:SS (14:30) "
               "or units (90s, 15m, 1h5m)", text);
  return FALSE;
}

gboolean
lactctl_parse_volume (const char *text, double *ml_out, GError **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;
  double value;

  if (g_str_has_suffix (copy, "ml") || g_str_has_suffix (copy, "mL"))
    copy[strlen (copy) - 2] = '\0';
  g_strstrip (copy);
  errno = 0;
  value = g_ascii_strtod (copy, &end);
  if (copy[0] == '\0' || end == NULL || *end != '\0' || errno != 0 ||
      !isfinite (value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "'%s' is not a volume in mL", text);
      return FALSE;
    }
  *ml_out = value;
  return TRUE;
}

char *
lactctl_sensor_path_from_arg (const char *arg)
{
  g_autofree char *upper = NULL;

  if (g_str_has_prefix (arg, "/") && g_variant_is_object_path (arg))
    return g_strdup (arg);
  if (strlen (arg) != 17)
    return NULL;
  for (int i = 0; i < 17; i++)
    {
      if (i % 3 == 2 ? arg[i] != ':' : !g_ascii_isxdigit (arg[i]))
        return NULL;
    }
  upper = g_ascii_strup (arg, -1);
  g_strdelimit (upper, ":", '_');
  return g_strconcat ("/org/lactd/sensor/", upper, NULL);
}

/* ------------------------------------------------------------- main */

static void
print_help (void)
{
  g_print ("Usage:\n  lactctl [COMMAND] [OPTION…]\n\n"
           "Records breast-pump and SNS sessions through lactd.\n\n"
           "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-10s %s\n", commands[i].name, commands[i].summary);
  g_print ("\nRun 'lactctl COMMAND --help' for a command's options.\n"
           "Exit status: 0 success, 1 lactd answered with an error, "
           "2 usage error, 3 lactd could not be reached.\n");
}

static void
lactctl_app_clear (LactctlApp *app)
{
  g_clear_object (&app->manager);
  g_clear_object (&app->history);
  g_clear_object (&app->goals);
  g_clear_object (&app->bus);
  g_clear_pointer (&app->local_tz, g_time_zone_unref);
  g_clear_pointer (&app->loop, g_main_loop_unref);
}

int
main (int argc, char **argv)
{
  LactctlApp app = { 0 };
  const LactctlCommand *command = NULL;
  int status;
  static char status_name[] = "status";
  char *default_argv[] = { status_name, NULL };

  setlocale (LC_ALL, "");
  app.local_tz = g_time_zone_new_local ();

  if (argc >= 2 && (g_str_equal (argv[1], "--help") ||
                    g_str_equal (argv[1], "-h") ||
                    g_str_equal (argv[1], "help")))
    {
      print_help ();
      lactctl_app_clear (&app);
      return LACTCTL_EXIT_OK;
    }
  if (argc >= 2 && g_str_equal (argv[1], "--version"))
    {
      argv[1] = (char *) "version";
      argc = 2;
    }

  if (argc < 2 || argv[1][0] == '-')
    command = &commands[0];   /* the default, with its options if any */
  else
    {
      for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
        if (g_str_equal (commands[i].name, argv[1]))
          command = &commands[i];
      if (command == NULL)
        {
          status = lactctl_usage (&app, "unknown command '%s'", argv[1]);
          lactctl_app_clear (&app);
          return status;
        }
    }

  app.command = command->name;
  if (argc < 2)
    status = command->func (&app, 1, default_argv);
  else if (argv[1][0] == '-')
    {
      argv[0] = status_name;
      status = command->func (&app, argc, argv);
    }
  else
    status = command->func (&app, argc - 1, argv + 1);

  lactctl_app_clear (&app);
  return status;
}
