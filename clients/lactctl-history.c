/* lactctl-history.c — history, summary, add, delete (History1) and goal,
 * snooze, dismiss (Goals1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactctl"

#include "config.h"

#include <string.h>

#include "lactctl.h"
#include "lactctl-term.h"

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ----------------------------------------------------------- history */

/* The contract's sizes: one ListSessions reply, one page. */
#define LIST_SESSIONS_MAX 5000
#define PAGE_SESSIONS 500

/* TRUE for ListSessions' answer to a range holding too many sessions. */
static gboolean
is_too_many_error (const GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error (error);

  return g_strcmp0 (name, "org.lactd.Error.InvalidArgs") == 0 &&
         strstr (error->message, "use ListSessionsPage") != NULL;
}

/* Takes the sessions of list not seen yet (by id) with start >= from;
 * returns how many of list started before from. */
static guint
take_new_sessions (GVariant *list, gint64 from, GHashTable *seen)
{
  GVariantIter iter;
  GVariant *session;
  guint older = 0;

  g_variant_iter_init (&iter, list);
  while ((session = g_variant_iter_next_value (&iter)) != NULL)
    {
      gint64 id = lactctl_dict_int64 (session, "id", 0);

      if (lactctl_dict_int64 (session, "start", 0) < from)
        older++;
      else if (!g_hash_table_contains (seen, &id))
        g_hash_table_insert (seen, g_memdup2 (&id, sizeof id),
                             g_variant_ref (session));
      g_variant_unref (session);
    }
  return older;
}

static int
compare_by_start_and_id (gconstpointer a, gconstpointer b)
{
  GVariant *x = *(GVariant *const *) a, *y = *(GVariant *const *) b;
  gint64 sx = lactctl_dict_int64 (x, "start", 0);
  gint64 sy = lactctl_dict_int64 (y, "start", 0);
  gint64 ix = lactctl_dict_int64 (x, "id", 0);
  gint64 iy = lactctl_dict_int64 (y, "id", 0);

  if (sx != sy)
    return sx < sy ? -1 : 1;
  return ix < iy ? -1 : ix > iy;
}

/* A range holding more sessions than one ListSessions reply carries,
 * paged back from its end with ListSessionsPage. Sessions that share a
 * start second across a page boundary are asked for again (before =
 * that start + 1) and taken once, by id; a page entirely inside one
 * second is completed with ListSessions over that second. Oldest first,
 * as ListSessions gives them. */
static GVariant *
list_by_pages (LactctlApp *app, gint64 from, gint64 to, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash,
      g_int64_equal, g_free, (GDestroyNotify) g_variant_unref);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer session;
  gint64 before = to != 0 ? to : now_unix () + 1;

  for (;;)
    {
      g_autoptr(GVariant) page = NULL;
      gsize n;
      gint64 last_start;

      if (!lactd_history1_call_list_sessions_page_sync (app->history, before,
                                                        PAGE_SESSIONS, &page,
                                                        NULL, error))
        return NULL;
      n = g_variant_n_children (page);
      if (take_new_sessions (page, from, seen) > 0 || n < PAGE_SESSIONS)
        break;
      {
        g_autoptr(GVariant) last = g_variant_get_child_value (page, n - 1);
        last_start = lactctl_dict_int64 (last, "start", 0);
      }
      if (last_start + 1 == before)
        {
          g_autoptr(GVariant) second = NULL;

          if (!lactd_history1_call_list_sessions_sync (app->history,
                                                       last_start, before,
                                                       &second, NULL, error))
            return NULL;
          take_new_sessions (second, from, seen);
          before = last_start;
        }
      else
        before = last_start + 1;
    }

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    g_ptr_array_add (sessions, session);
  g_ptr_array_sort (sessions, compare_by_start_and_id);
  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT,
      (GVariant *const *) sessions->pdata, sessions->len));
}

/* Every session with from <= start < to (to = 0: now), however many. */
static GVariant *
list_sessions (LactctlApp *app, gint64 from, gint64 to, GError **error)
{
  GVariant *sessions = NULL;
  GError *local_error = NULL;

  if (lactd_history1_call_list_sessions_sync (app->history, from, to,
                                              &sessions, NULL, &local_error))
    return sessions;
  if (!is_too_many_error (local_error))
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_debug ("More than %d sessions in range: paging", LIST_SESSIONS_MAX);
  g_error_free (local_error);
  return list_by_pages (app, from, to, error);
}

static char *
session_side_text (GVariant *session, const char *duration_key,
                   const char *volume_key)
{
  guint32 seconds = lactctl_dict_uint (session, duration_key, 0);
  g_autofree char *duration = NULL;
  double ml;

  if (seconds == 0 && !lactctl_dict_double (session, volume_key, &ml))
    return g_strdup ("-");
  duration = lactctl_format_duration (seconds);
  if (lactctl_dict_double (session, volume_key, &ml))
    {
      g_autofree char *volume = lactctl_format_volume (ml);
      return g_strdup_printf ("%s, %s", duration, volume);
    }
  return g_steal_pointer (&duration);
}

static void
print_sessions_table (LactctlApp *app, GVariant *sessions)
{
  g_autoptr(LactctlTable) table =
    lactctl_table_new (7, ">ID", "START", "KIND", "LEFT", "RIGHT",
                       ">SUPPLEMENT", "NOTES");
  GVariantIter iter;
  GVariant *session;

  g_variant_iter_init (&iter, sessions);
  while ((session = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) owned = session;
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             lactctl_dict_int64 (session, "id", 0));
      g_autofree char *start =
        lactctl_format_local_time (app, lactctl_dict_int64 (session, "start", 0));
      g_autofree char *left = session_side_text (session, "duration_left",
                                                 "volume_left_ml");
      g_autofree char *right = session_side_text (session, "duration_right",
                                                  "volume_right_ml");
      g_autofree char *supplement = lactctl_format_dict_volume (session, "supplement_ml");
      g_autoptr(GPtrArray) notes = g_ptr_array_new ();
      g_autofree char *notes_text = NULL;

      if (g_strcmp0 (lactctl_dict_string (session, "source", ""), "manual") == 0)
        g_ptr_array_add (notes, (gpointer) "manual");
      else
        g_ptr_array_add (notes, (gpointer) lactctl_dict_string (session, "sensor", "sensor"));
      if (lactctl_dict_bool (session, "double", FALSE))
        g_ptr_array_add (notes, (gpointer) "double");
      if (lactctl_dict_bool (session, "interrupted", FALSE))
        g_ptr_array_add (notes, (gpointer) "interrupted");
      if (lactctl_dict_bool (session, "clock_unsynced", FALSE))
        g_ptr_array_add (notes, (gpointer) "clock unsynced");
      g_ptr_array_add (notes, NULL);
      notes_text = g_strjoinv (", ", (char **) notes->pdata);

      lactctl_table_add_row (table, id, start,
                             lactctl_dict_string (session, "kind", "?"),
                             left, right, supplement, notes_text);
    }
  lactctl_table_print (table, stdout);
}

int
lactctl_cmd_history (LactctlApp *app, int argc, char **argv)
{
  g_autofree char *from_text = NULL, *to_text = NULL;
  gboolean json = FALSE, csv = FALSE;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text,
      "Sessions started at or after TIME (default: 7 days before --to)", "TIME" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text,
      "Sessions started before TIME (default: now)", "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array of sessions", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print RFC 4180 CSV with a header row", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL,
                                "Lists the stored sessions, oldest first. TIME is YYYY-MM-DD\n"
                                "(local midnight), HH:MM (today) or ISO 8601 such as\n"
                                "2026-03-01T14:30 (local) or 2026-03-01T14:30+01:00.",
                                entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) sessions = NULL;
  gint64 from, to = 0;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;
  if (json && csv)
    return lactctl_usage (app, "--json and --csv exclude each other");

  /* Seven days: before --to when only that is given, else before now. */
  if (to_text != NULL)
    {
      g_autoptr(GDateTime) t = lactctl_parse_time (app, to_text, &error);
      if (t == NULL)
        return lactctl_usage (app, "--to: %s", error->message);
      to = g_date_time_to_unix (t);
    }
  from = (to != 0 ? to : now_unix ()) - 7 * 24 * 3600;
  if (from_text != NULL)
    {
      g_autoptr(GDateTime) t = lactctl_parse_time (app, from_text, &error);
      if (t == NULL)
        return lactctl_usage (app, "--from: %s", error->message);
      from = g_date_time_to_unix (t);
    }
  if (to != 0 && to <= from)
    return lactctl_usage (app, "--to must be after --from");
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  sessions = list_sessions (app, from, to, &error);
  if (sessions == NULL)
    return lactctl_fail (app, "history", error);

  if (json)
    lactctl_json_print_variant (sessions);
  else if (csv)
    lactctl_csv_print_sessions (sessions, stdout);
  else if (g_variant_n_children (sessions) == 0)
    g_print ("No sessions in that time.\n");
  else
    print_sessions_table (app, sessions);
  return LACTCTL_EXIT_OK;
}

/* ----------------------------------------------------------- summary */

/* The widest sessions chart, in cells (one a session up to this). */
#define SUMMARY_CHART_CELLS 24

/* The chart column: a bar per day against the goal's sessions_per_day,
 * all on one scale. */
static char **
summary_chart_cells (LactctlApp *app, GVariant *summary, char **header)
{
  GVariant *goal = lactd_goals1_get_goal (app->goals);
  guint32 target = lactctl_dict_uint (goal, "sessions_per_day", 8);
  guint scale = target, n = (guint) g_variant_n_children (summary);
  char **cells = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GVariant) day = g_variant_get_child_value (summary, i);
      scale = MAX (scale, lactctl_dict_uint (day, "sessions", 0));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GVariant) day = g_variant_get_child_value (summary, i);
      cells[i] = lactctl_term_sessions_bar (lactctl_dict_uint (day, "sessions", 0), target,
                                            scale, MIN (scale, SUMMARY_CHART_CELLS));
    }
  *header = g_strdup_printf ("SESSIONS vs GOAL %u", target);
  return cells;
}

/* The daily table; on a terminal, with the sessions chart beside it. */
static void
print_summary_table (LactctlApp *app, GVariant *summary, gboolean chart)
{
  g_autofree char *chart_header = NULL;
  g_auto(GStrv) chart_cells = chart ? summary_chart_cells (app, summary, &chart_header) : NULL;
  g_autoptr(LactctlTable) table =
    chart ? lactctl_table_new (8, "DAY", ">SESSIONS", ">NIGHT", ">LEFT", ">RIGHT",
                               ">EXPRESSED", ">SUPPLEMENT", chart_header)
          : lactctl_table_new (7, "DAY", ">SESSIONS", ">NIGHT", ">LEFT", ">RIGHT",
                               ">EXPRESSED", ">SUPPLEMENT");
  GVariantIter iter;
  GVariant *day;
  guint row = 0;

  g_variant_iter_init (&iter, summary);
  while ((day = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) owned = day;
      g_autofree char *sessions =
        g_strdup_printf ("%u", lactctl_dict_uint (day, "sessions", 0));
      g_autofree char *night =
        g_strdup_printf ("%u", lactctl_dict_uint (day, "night_sessions", 0));
      g_autofree char *left =
        lactctl_format_duration (lactctl_dict_uint (day, "seconds_left", 0));
      g_autofree char *right =
        lactctl_format_duration (lactctl_dict_uint (day, "seconds_right", 0));
      g_autofree char *expressed = NULL, *supplement = NULL;
      double ml = 0;

      lactctl_dict_double (day, "expressed_ml", &ml);
      expressed = lactctl_format_volume (ml);
      ml = 0;
      lactctl_dict_double (day, "supplement_ml", &ml);
      supplement = lactctl_format_volume (ml);
      lactctl_table_add_row (table, lactctl_dict_string (day, "day", "?"),
                             sessions, night, left, right, expressed, supplement,
                             chart ? chart_cells[row] : NULL);
      row++;
    }
  lactctl_table_print (table, stdout);
}

int
lactctl_cmd_summary (LactctlApp *app, int argc, char **argv)
{
  int days = 7;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "days", 'n', 0, G_OPTION_ARG_INT, &days,
      "The last N local days, today included (default 7)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array of days", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL, "Daily totals over the last local days.",
                                entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) summary = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now (app->local_tz);
  g_autoptr(GDateTime) first = NULL;
  g_autofree char *first_day = NULL, *last_day = NULL;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;
  if (days < 1 || days > 3660)
    return lactctl_usage (app, "--days must be 1-3660, not %d", days);

  first = g_date_time_add_days (today, -(days - 1));
  first_day = g_date_time_format (first, "%Y-%m-%d");
  last_day = g_date_time_format (today, "%Y-%m-%d");
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  if (!lactd_history1_call_daily_summary_sync (app->history, first_day, last_day,
                                               &summary, NULL, &error))
    return lactctl_fail (app, "summary", error);

  if (json)
    lactctl_json_print_variant (summary);
  else
    print_summary_table (app, summary, lactctl_term_is_terminal (stdout));
  return LACTCTL_EXIT_OK;
}

/* --------------------------------------------------------------- add */

static const char *const session_kinds[] = { "pump", "sns", "hand", "breastfeed", NULL };

int
lactctl_cmd_add (LactctlApp *app, int argc, char **argv)
{
  g_autofree char *kind = NULL, *start_text = NULL, *left_text = NULL,
                  *right_text = NULL, *vleft_text = NULL, *vright_text = NULL,
                  *supplement_text = NULL;
  gboolean both = FALSE;
  const GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind,
      "pump, sns, hand or breastfeed (required)", "KIND" },
    { "start", 's', 0, G_OPTION_ARG_STRING, &start_text,
      "When it started (default: it just ended)", "TIME" },
    { "left", 'l', 0, G_OPTION_ARG_STRING, &left_text,
      "Time on the left side (15 = minutes, 14:30, 90s, 1h5m)", "DURATION" },
    { "right", 'r', 0, G_OPTION_ARG_STRING, &right_text,
      "Time on the right side", "DURATION" },
    { "double", 'd', 0, G_OPTION_ARG_NONE, &both,
      "Both sides at the same time", NULL },
    { "volume-left", 0, 0, G_OPTION_ARG_STRING, &vleft_text,
      "Volume expressed on the left, mL", "ML" },
    { "volume-right", 0, 0, G_OPTION_ARG_STRING, &vright_text,
      "Volume expressed on the right, mL", "ML" },
    { "supplement", 0, 0, G_OPTION_ARG_STRING, &supplement_text,
      "Supplement given, mL", "ML" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL,
                                "Adds a session by hand: hand expression, a breastfeed, or a\n"
                                "pump or SNS session without a sensor. Volumes are left out\n"
                                "when not measured. TIME as for 'lactctl history'.",
                                entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  guint32 left = 0, right = 0;
  guint64 id;
  int exit_code;
  struct { const char *text; const char *key; const char *option; } volumes[] = {
    { vleft_text, "volume_left_ml", "--volume-left" },
    { vright_text, "volume_right_ml", "--volume-right" },
    { supplement_text, "supplement_ml", "--supplement" },
  };

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;
  /* The table above captured the pointers before parsing filled them. */
  volumes[0].text = vleft_text;
  volumes[1].text = vright_text;
  volumes[2].text = supplement_text;

  if (kind == NULL)
    return lactctl_usage (app, "--kind is required (pump, sns, hand or breastfeed)");
  if (!g_strv_contains (session_kinds, kind))
    return lactctl_usage (app, "--kind must be pump, sns, hand or breastfeed, not '%s'",
                          kind);
  if (left_text != NULL && !lactctl_parse_duration (left_text, &left, &error))
    return lactctl_usage (app, "--left: %s", error->message);
  if (right_text != NULL && !lactctl_parse_duration (right_text, &right, &error))
    return lactctl_usage (app, "--right: %s", error->message);

  if (start_text != NULL)
    {
      start = lactctl_parse_time (app, start_text, &error);
      if (start == NULL)
        return lactctl_usage (app, "--start: %s", error->message);
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (app->local_tz);
      guint32 length = both ? MAX (left, right) : left + right;
      start = g_date_time_add_seconds (now, -(double) length);
    }

  g_variant_builder_add (&builder, "{sv}", "kind", g_variant_new_string (kind));
  g_variant_builder_add (&builder, "{sv}", "start",
                         g_variant_new_int64 (g_date_time_to_unix (start)));
  g_variant_builder_add (&builder, "{sv}", "utc_offset",
                         g_variant_new_int32 ((gint32) (g_date_time_get_utc_offset (start) /
                                                        G_TIME_SPAN_MINUTE)));
  g_variant_builder_add (&builder, "{sv}", "duration_left", g_variant_new_uint32 (left));
  g_variant_builder_add (&builder, "{sv}", "duration_right", g_variant_new_uint32 (right));
  g_variant_builder_add (&builder, "{sv}", "double", g_variant_new_boolean (both));
  for (gsize i = 0; i < G_N_ELEMENTS (volumes); i++)
    {
      double ml;

      if (volumes[i].text == NULL)
        continue;
      if (!lactctl_parse_volume (volumes[i].text, &ml, &error))
        return lactctl_usage (app, "%s: %s", volumes[i].option, error->message);
      g_variant_builder_add (&builder, "{sv}", volumes[i].key, g_variant_new_double (ml));
    }

  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;
  if (!lactd_history1_call_add_session_sync (app->history,
                                             g_variant_builder_end (&builder),
                                             &id, NULL, &error))
    return lactctl_fail (app, "add", error);
  g_print ("Added session %" G_GUINT64_FORMAT ".\n", id);
  return LACTCTL_EXIT_OK;
}

/* ------------------------------------------------------------ delete */

int
lactctl_cmd_delete (LactctlApp *app, int argc, char **argv)
{
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, "ID",
                                "Deletes a stored session; ID as 'lactctl history' shows it.",
                                NULL);
  g_autoptr(GError) error = NULL;
  guint64 id;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, "ID",
                                &exit_code))
    return exit_code;
  if (!lactctl_parse_uint (argv[1], G_MAXUINT64, &id))
    return lactctl_usage (app, "'%s' is not a session ID", argv[1]);
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  if (!lactd_history1_call_delete_session_sync (app->history, id, NULL, &error))
    return lactctl_fail (app, "delete", error);
  g_print ("Deleted session %" G_GUINT64_FORMAT ".\n", id);
  return LACTCTL_EXIT_OK;
}

/* -------------------------------------------------------------- goal */

typedef enum { GOAL_UINT, GOAL_TIME, GOAL_BOOL } GoalKeyType;

static const struct {
  const char *key;
  GoalKeyType type;
  const char *label;
} goal_keys[] = {
  { "sessions_per_day", GOAL_UINT, "Sessions per day" },
  { "minutes_per_side", GOAL_UINT, "Minutes per side" },
  { "max_gap_minutes",  GOAL_UINT, "Longest gap (min)" },
  { "night_start",      GOAL_TIME, "Night starts" },
  { "night_end",        GOAL_TIME, "Night ends" },
  { "reminders",        GOAL_BOOL, "Reminders" },
};

static gboolean
parse_bool (const char *text, gboolean *out)
{
  const char *yes[] = { "true", "yes", "on", "1", NULL };
  const char *no[] = { "false", "no", "off", "0", NULL };
  g_autofree char *lower = g_ascii_strdown (text, -1);

  if (g_strv_contains (yes, lower))
    *out = TRUE;
  else if (g_strv_contains (no, lower))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static void
print_goal (GVariant *goal)
{
  for (gsize i = 0; i < G_N_ELEMENTS (goal_keys); i++)
    {
      g_autofree char *value = NULL;

      switch (goal_keys[i].type)
        {
        case GOAL_UINT:
          value = g_strdup_printf ("%u", lactctl_dict_uint (goal, goal_keys[i].key, 0));
          break;
        case GOAL_TIME:
          value = g_strdup (lactctl_dict_string (goal, goal_keys[i].key, "?"));
          break;
        case GOAL_BOOL:
          value = g_strdup (lactctl_dict_bool (goal, goal_keys[i].key, FALSE) ? "on" : "off");
          break;
        default:
          g_assert_not_reached ();
        }
      g_print ("%-18s %-6s (%s)\n", goal_keys[i].label, value, goal_keys[i].key);
    }
}

int
lactctl_cmd_goal (LactctlApp *app, int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the goal as a JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, "[KEY=VALUE…]",
                                "Shows the goal, or changes the keys given:\n"
                                "  sessions_per_day=1-24  minutes_per_side=1-60\n"
                                "  max_gap_minutes=1-1440  night_start=HH:MM  night_end=HH:MM\n"
                                "  reminders=true|false",
                                entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) goal = NULL;
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  int exit_code;

  if (!lactctl_parse_options (app, context, &argc, &argv, &exit_code))
    return exit_code;

  for (int a = 1; a < argc; a++)
    {
      const char *eq = strchr (argv[a], '=');
      g_autofree char *key = NULL;
      const char *value;
      gsize i;

      if (eq == NULL)
        return lactctl_usage (app, "'%s' is not KEY=VALUE", argv[a]);
      key = g_strndup (argv[a], (gsize) (eq - argv[a]));
      value = eq + 1;
      for (i = 0; i < G_N_ELEMENTS (goal_keys); i++)
        if (g_str_equal (goal_keys[i].key, key))
          break;
      if (i == G_N_ELEMENTS (goal_keys))
        return lactctl_usage (app, "unknown goal key '%s'", key);

      switch (goal_keys[i].type)
        {
        case GOAL_UINT:
          {
            guint64 n;
            if (!lactctl_parse_uint (value, G_MAXUINT32, &n))
              return lactctl_usage (app, "%s needs a number, not '%s'", key, value);
            g_variant_builder_add (&builder, "{sv}", key, g_variant_new_uint32 ((guint32) n));
          }
          break;
        case GOAL_TIME:
          g_variant_builder_add (&builder, "{sv}", key, g_variant_new_string (value));
          break;
        case GOAL_BOOL:
          {
            gboolean b;
            if (!parse_bool (value, &b))
              return lactctl_usage (app, "%s needs true or false, not '%s'", key, value);
            g_variant_builder_add (&builder, "{sv}", key, g_variant_new_boolean (b));
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }

  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  if (argc > 1)
    {
      if (!lactd_goals1_call_set_goal_sync (app->goals, g_variant_builder_end (&builder),
                                            NULL, &error))
        return lactctl_fail (app, "goal", error);
      /* Read it back rather than wait for PropertiesChanged. */
      {
        g_autoptr(GVariant) reply =
          g_dbus_connection_call_sync (app->bus, LACTD_BUS_NAME, LACTD_OBJECT_PATH,
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.lactd.Goals1", "Goal"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
        if (reply == NULL)
          return lactctl_fail (app, "reading the goal", error);
        g_variant_get (reply, "(v)", &goal);
      }
    }
  else
    goal = lactd_goals1_dup_goal (app->goals);

  if (json)
    lactctl_json_print_variant (goal);
  else
    print_goal (goal);
  return LACTCTL_EXIT_OK;
}

/* --------------------------------------------------- snooze, dismiss */

int
lactctl_cmd_snooze (LactctlApp *app, int argc, char **argv)
{
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, "MINUTES",
                                "Postpones the pending reminder by MINUTES (1-240) from now.",
                                NULL);
  g_autoptr(GError) error = NULL;
  guint64 minutes;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, "MINUTES",
                                &exit_code))
    return exit_code;
  if (!lactctl_parse_uint (argv[1], G_MAXUINT32, &minutes))
    return lactctl_usage (app, "'%s' is not a number of minutes", argv[1]);
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  if (!lactd_goals1_call_snooze_sync (app->goals, (guint32) minutes, NULL, &error))
    return lactctl_fail (app, "snooze", error);
  g_print ("Reminder snoozed for %u min.\n", (guint) minutes);
  return LACTCTL_EXIT_OK;
}

int
lactctl_cmd_dismiss (LactctlApp *app, int argc, char **argv)
{
  g_autoptr(GOptionContext) context =
    lactctl_option_context_new (app, NULL,
                                "Drops the pending reminder until the next session.", NULL);
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!lactctl_parse_arguments (app, context, &argc, &argv, NULL, &exit_code))
    return exit_code;
  if (!lactctl_connect (app))
    return LACTCTL_EXIT_UNREACHABLE;

  if (!lactd_goals1_call_dismiss_sync (app->goals, NULL, &error))
    return lactctl_fail (app, "dismiss", error);
  g_print ("Reminder dismissed until the next session.\n");
  return LACTCTL_EXIT_OK;
}
