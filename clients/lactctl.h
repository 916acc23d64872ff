/* lactctl.h — what lactctl's source files share.
 *
 * lactctl talks to lactd only through its D-Bus API (the generated
 * proxies generated from the XML in data/). One LactctlApp, owned by main(), holds the
 * connection and the proxies; every command is a function that gets it
 * with the command's own arguments and returns the process exit code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lactd-client-common.h"

G_BEGIN_DECLS

/* cli.md's exit codes. */
typedef enum {
  LACTCTL_EXIT_OK = 0,
  LACTCTL_EXIT_FAILED = 1,      /* the daemon answered with an error */
  LACTCTL_EXIT_USAGE = 2,       /* a usage error */
  LACTCTL_EXIT_UNREACHABLE = 3, /* the daemon could not be reached or started */
} LactctlExit;

typedef struct {
  GDBusConnection *bus;
  LactdManager1 *manager;
  LactdHistory1 *history;
  LactdGoals1 *goals;
  GTimeZone *local_tz;
  GMainLoop *loop;   /* for the commands that wait for signals */
  int exit_code;     /* set by asynchronous commands before quitting */
  const char *command;
} LactctlApp;

/* --- lactctl.c: connecting, errors, argument parsing ------------------ */

/* Connects to the session bus, starts lactd by D-Bus activation when it
 * is not running, and creates the proxies of /org/lactd. On failure
 * prints the error and returns FALSE (the exit code is then 3). */
gboolean lactctl_connect (LactctlApp *app);

/* Prints "lactctl: WHAT: org.lactd.Error.X: message" on one line and
 * returns the exit code it means: 3 for a daemon that cannot be reached,
 * 1 otherwise. */
int lactctl_fail (LactctlApp *app, const char *what, const GError *error);
/* TRUE for errors that mean "lactd is not there" (exit code 3). */
gboolean lactctl_error_is_unreachable (const GError *error);

/* Prints "lactctl COMMAND: MESSAGE" and the hint to use --help;
 * returns 2. */
int lactctl_usage (LactctlApp *app, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Parses the command's options; prints a usage error and returns FALSE
 * (*exit_code = 2) when they are wrong. */
gboolean lactctl_parse_options (LactctlApp *app, GOptionContext *context,
                                int *argc, char ***argv, int *exit_code);
/* The same for a command that takes no argument (ARGUMENT is NULL) or
 * exactly one, named ARGUMENT in the usage errors. */
gboolean lactctl_parse_arguments (LactctlApp *app, GOptionContext *context,
                                  int *argc, char ***argv,
                                  const char *argument, int *exit_code);
GOptionContext *lactctl_option_context_new (LactctlApp *app,
                                            const char *parameter_string,
                                            const char *summary,
                                            const GOptionEntry *entries);

/* Times: "YYYY-MM-DD" (local midnight), "HH:MM" (today, local) or ISO 8601
 * with or without an offset (local when absent). */
GDateTime *lactctl_parse_time (LactctlApp *app, const char *text,
                               GError **error);
/* Durations: "15" (minutes), "90s", "15m", "1h30m", "12:30" (min:sec). */
gboolean lactctl_parse_duration (const char *text, guint32 *seconds_out,
                                 GError **error);
gboolean lactctl_parse_uint (const char *text, guint64 max,
                             guint64 *value_out);
gboolean lactctl_parse_volume (const char *text, double *ml_out,
                               GError **error);
/* "C0:FF:EE:00:00:01" (either case) to "/org/lactd/sensor/C0_FF_EE_00_00_01";
 * an object path is returned as it is. NULL when it is neither. */
char *lactctl_sensor_path_from_arg (const char *arg);

/* --- lactctl-output.c: tables, units, JSON, CSV ---------------------- */

typedef struct _LactctlTable LactctlTable;
LactctlTable *lactctl_table_new (guint n_columns, ...);  /* headers */
/* A column whose header starts with '>' is right-aligned (the '>' is not
 * printed). */
void lactctl_table_add_row (LactctlTable *table, ...);   /* n strings */
void lactctl_table_add_rowv (LactctlTable *table, char **cells); /* takes */
void lactctl_table_print (LactctlTable *table, FILE *out);
void lactctl_table_free (LactctlTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactctlTable, lactctl_table_free)

char *lactctl_format_local_time (LactctlApp *app, gint64 unix_time);
char *lactctl_format_clock (LactctlApp *app, gint64 unix_time); /* HH:MM, or date too */
char *lactctl_format_duration (guint64 seconds);   /* "14 min 05 s" */
char *lactctl_format_elapsed (guint64 seconds);    /* "14:05" / "1:02:03" */
char *lactctl_format_volume (double ml);           /* "45.0 mL" */
char *lactctl_format_relative (gint64 unix_time, gint64 now); /* "in 1 h 20 min" */
/* The volume of a dictionary key, or "-" when absent. */
char *lactctl_format_dict_volume (GVariant *dict, const char *key);

/* JSON with json-glib, one document on stdout. */
JsonNode *lactctl_json_from_variant (GVariant *value);
void lactctl_json_print (JsonNode *node, gboolean pretty);
/* A command's --json answer: the variant as one pretty document. */
void lactctl_json_print_variant (GVariant *value);
/* The cached properties of a proxy as a JSON object, in the order given. */
JsonNode *lactctl_json_from_proxy (GDBusProxy *proxy,
                                   const char *const *property_names);
extern const char *const lactctl_sensor_properties[];

/* RFC 4180 CSV of session dictionaries, with the contract's keys. */
void lactctl_csv_print_sessions (GVariant *sessions, FILE *out);

/* Variant dictionary helpers that tolerate absent keys. */
guint32 lactctl_dict_uint (GVariant *dict, const char *key, guint32 fallback);
gint64 lactctl_dict_int64 (GVariant *dict, const char *key, gint64 fallback);
gboolean lactctl_dict_bool (GVariant *dict, const char *key, gboolean fallback);
gboolean lactctl_dict_double (GVariant *dict, const char *key, double *out);
const char *lactctl_dict_string (GVariant *dict, const char *key,
                                 const char *fallback);

/* --- commands --------------------------------------------------------- */

typedef int (*LactctlCommandFunc) (LactctlApp *app, int argc, char **argv);

/* lactctl-status.c */
int lactctl_cmd_status (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_sensors (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_discover (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_forget (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_sync (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_version (LactctlApp *app, int argc, char **argv);
/* Connects (lactctl_connect) and returns Sensor1 proxies for
 * Manager1.Sensors, in order. On failure prints why and returns NULL with
 * *exit_code set. */
GPtrArray *lactctl_get_sensors (LactctlApp *app, int *exit_code);

/* lactctl-pair.c */
int lactctl_cmd_pair (LactctlApp *app, int argc, char **argv);

/* lactctl-history.c */
int lactctl_cmd_history (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_summary (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_add (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_delete (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_goal (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_snooze (LactctlApp *app, int argc, char **argv);
int lactctl_cmd_dismiss (LactctlApp *app, int argc, char **argv);

/* lactctl-watch.c */
int lactctl_cmd_watch (LactctlApp *app, int argc, char **argv);

G_END_DECLS
