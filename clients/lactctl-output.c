/* lactctl-output.c — aligned tables with explicit units for people, JSON
 * (json-glib) and RFC 4180 CSV for scripts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactctl"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "lactctl.h"

const char *const lactctl_sensor_properties[] = {
  "Address", "Name", "Kind", "Connected", "Battery", "Model", "Firmware",
  "LastSeen", "LastSync", "SyncState", "LastError", "RejectedRecords",
  "LostRecords", "Live", NULL,
};

/* ------------------------------------------------------------ tables */

struct _LactctlTable {
  guint n_columns;
  GPtrArray *rows;   /* of GStrv; row 0 is the header */
  gboolean *right;
};

LactctlTable *
lactctl_table_new (guint n_columns, ...)
{
  LactctlTable *table = g_new0 (LactctlTable, 1);
  char **header = g_new0 (char *, n_columns + 1);
  va_list args;

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  table->right = g_new0 (gboolean, n_columns);
  va_start (args, n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      const char *title = va_arg (args, const char *);
      table->right[i] = title[0] == '>';
      header[i] = g_strdup (table->right[i] ? title + 1 : title);
    }
  va_end (args);
  g_ptr_array_add (table->rows, header);
  return table;
}

void
lactctl_table_add_rowv (LactctlTable *table, char **cells)
{
  g_return_if_fail (g_strv_length (cells) == table->n_columns);
  /* Cells hold names and messages from lactd: never raw to a terminal. */
  for (guint i = 0; cells[i] != NULL; i++)
    {
      char *printable = lactd_client_printable (cells[i]);
      g_free (cells[i]);
      cells[i] = printable;
    }
  g_ptr_array_add (table->rows, cells);
}

void
lactctl_table_add_row (LactctlTable *table, ...)
{
  char **row = g_new0 (char *, table->n_columns + 1);
  va_list args;

  va_start (args, table);
  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *cell = va_arg (args, const char *);
      row[i] = g_strdup (cell != NULL ? cell : "");
    }
  va_end (args);
  lactctl_table_add_rowv (table, row);
}

void
lactctl_table_print (LactctlTable *table, FILE *out)
{
  g_autofree glong *width = g_new0 (glong, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);
      for (guint c = 0; c < table->n_columns; c++)
        width[c] = MAX (width[c], g_utf8_strlen (row[c], -1));
    }
  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < table->n_columns; c++)
        {
          glong pad = width[c] - g_utf8_strlen (row[c], -1);
          gboolean last = c + 1 == table->n_columns;

          if (c > 0)
            g_string_append (line, "  ");
          if (table->right[c])
            for (glong i = 0; i < pad; i++)
              g_string_append_c (line, ' ');
          g_string_append (line, row[c]);
          if (!table->right[c] && !last)
            for (glong i = 0; i < pad; i++)
              g_string_append_c (line, ' ');
        }
      /* No trailing blanks. */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      fprintf (out, "%s\n", line->str);
    }
}

void
lactctl_table_free (LactctlTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->rows);
  g_free (table->right);
  g_free (table);
}

/* ------------------------------------------------------------- units */

char *
lactctl_format_local_time (LactctlApp *app, gint64 unix_time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_time <= 0)
    return g_strdup ("never");
  utc = g_date_time_new_from_unix_utc (unix_time);
  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_timezone (utc, app->local_tz);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
lactctl_format_clock (LactctlApp *app, gint64 unix_time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now (app->local_tz);

  if (unix_time <= 0)
    return g_strdup ("none");
  utc = g_date_time_new_from_unix_utc (unix_time);
  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_timezone (utc, app->local_tz);
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%H:%M");
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
lactctl_format_duration (guint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf ("%u s", (guint) seconds);
  if (seconds < 3600)
    return g_strdup_printf ("%u min %02u s", (guint) (seconds / 60),
                            (guint) (seconds % 60));
  return g_strdup_printf ("%u h %02u min", (guint) (seconds / 3600),
                          (guint) (seconds % 3600 / 60));
}

char *
lactctl_format_elapsed (guint64 seconds)
{
  if (seconds < 3600)
    return g_strdup_printf ("%u:%02u", (guint) (seconds / 60),
                            (guint) (seconds % 60));
  return g_strdup_printf ("%u:%02u:%02u", (guint) (seconds / 3600),
                          (guint) (seconds % 3600 / 60),
                          (guint) (seconds % 60));
}

char *
lactctl_format_volume (double ml)
{
  return g_strdup_printf ("%.1f mL", ml);
}

char *
lactctl_format_relative (gint64 unix_time, gint64 now)
{
  gint64 delta = unix_time - now;
  gboolean past = delta < 0;
  guint64 minutes = (guint64) ABS (delta) / 60;
  g_autofree char *span = NULL;

  if (minutes < 60)
    span = g_strdup_printf ("%u min", (guint) minutes);
  else
    span = g_strdup_printf ("%u h %02u min", (guint) (minutes / 60),
                            (guint) (minutes % 60));
  return past ? g_strdup_printf ("%s ago", span)
              : g_strdup_printf ("in %s", span);
}

/* ------------------------------------------------------ dictionaries */

guint32
lactctl_dict_uint (GVariant *dict, const char *key, guint32 fallback)
{
  guint32 value;
  guchar byte;

  if (dict == NULL)
    return fallback;
  if (g_variant_lookup (dict, key, "u", &value))
    return value;
  if (g_variant_lookup (dict, key, "y", &byte))
    return byte;
  return fallback;
}

gint64
lactctl_dict_int64 (GVariant *dict, const char *key, gint64 fallback)
{
  gint64 value;
  guint64 uvalue;

  if (dict == NULL)
    return fallback;
  if (g_variant_lookup (dict, key, "x", &value))
    return value;
  if (g_variant_lookup (dict, key, "t", &uvalue))
    return (gint64) uvalue;
  return fallback;
}

gboolean
lactctl_dict_bool (GVariant *dict, const char *key, gboolean fallback)
{
  gboolean value;

  if (dict != NULL && g_variant_lookup (dict, key, "b", &value))
    return value;
  return fallback;
}

gboolean
lactctl_dict_double (GVariant *dict, const char *key, double *out)
{
  return dict != NULL && g_variant_lookup (dict, key, "d", out);
}

const char *
lactctl_dict_string (GVariant *dict, const char *key, const char *fallback)
{
  const char *value;

  if (dict != NULL && g_variant_lookup (dict, key, "&s", &value))
    return value;
  return fallback;
}

char *
lactctl_format_dict_volume (GVariant *dict, const char *key)
{
  double ml;

  if (!lactctl_dict_double (dict, key, &ml))
    return g_strdup ("-");
  return lactctl_format_volume (ml);
}

/* -------------------------------------------------------------- JSON */

JsonNode *
lactctl_json_from_variant (GVariant *value)
{
  if (value == NULL)
    return json_node_new (JSON_NODE_NULL);
  return json_gvariant_serialize (value);
}

void
lactctl_json_print (JsonNode *node, gboolean pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
lactctl_json_print_variant (GVariant *value)
{
  g_autoptr(JsonNode) root = lactctl_json_from_variant (value);

  lactctl_json_print (root, TRUE);
}

JsonNode *
lactctl_json_from_proxy (GDBusProxy *proxy, const char *const *property_names)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (gsize i = 0; property_names[i] != NULL; i++)
    {
      g_autoptr(GVariant) value =
        g_dbus_proxy_get_cached_property (proxy, property_names[i]);
      if (value != NULL)
        json_object_set_member (object, property_names[i],
                                lactctl_json_from_variant (value));
    }
  json_node_set_object (node, object);
  return node;
}

/* --------------------------------------------------------------- CSV */

/* The contract's order of a session dictionary's keys. */
static const char *const session_keys[] = {
  "id", "source", "sensor", "seq", "kind", "start", "end", "utc_offset",
  "duration_left", "duration_right", "double", "volume_left_ml",
  "volume_right_ml", "supplement_ml", "interrupted", "clock_unsynced", NULL,
};

static void
csv_append_field (GString *line, const char *field, gboolean first)
{
  if (!first)
    g_string_append_c (line, ',');
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (line, field);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

/* ISO 8601 with the offset the session was recorded at. */
static char *
csv_time (gint64 unix_time, gint32 utc_offset_min)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (utc_offset_min * 60);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL || zone == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, unix_time);
  local = g_date_time_to_timezone (utc, zone);
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static char *
csv_value (GVariant *session, const char *key, gint32 utc_offset)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (session, key, NULL);

  if (value == NULL)
    return g_strdup ("");
  if (g_str_equal (key, "start") || g_str_equal (key, "end"))
    return csv_time (lactctl_dict_int64 (session, key, 0), utc_offset);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? "true" : "false");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.1f",
                                        g_variant_get_double (value)));
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    return g_strdup_printf ("%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", g_variant_get_uint32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_strdup_printf ("%d", g_variant_get_int32 (value));
  return g_variant_print (value, FALSE);
}

void
lactctl_csv_print_sessions (GVariant *sessions, FILE *out)
{
  g_autoptr(GString) header = g_string_new (NULL);
  GVariantIter iter;
  GVariant *session;

  for (gsize i = 0; session_keys[i] != NULL; i++)
    csv_append_field (header, session_keys[i], i == 0);
  fprintf (out, "%s\r\n", header->str);

  g_variant_iter_init (&iter, sessions);
  while ((session = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) owned = session;
      g_autoptr(GString) line = g_string_new (NULL);
      gint32 utc_offset = 0;

      g_variant_lookup (session, "utc_offset", "i", &utc_offset);
      for (gsize i = 0; session_keys[i] != NULL; i++)
        {
          g_autofree char *field = csv_value (session, session_keys[i],
                                              utc_offset);
          csv_append_field (line, field, i == 0);
        }
      fprintf (out, "%s\r\n", line->str);
    }
  fflush (out);
}
