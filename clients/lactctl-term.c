/* lactctl-term.c — bars and the live line for a terminal (see the
 * header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactctl"

#include "config.h"

#include <math.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lactctl-term.h"

#define LIVE_BAR_WIDTH 10

/* An empty cell, then one to eight eighths of a cell. */
static const char *const eighths[] = {
  " ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█",
};

gboolean
lactctl_term_is_terminal (FILE *out)
{
  return isatty (fileno (out));
}

guint
lactctl_term_columns (FILE *out)
{
  struct winsize size;
  const char *env = g_getenv ("COLUMNS");
  guint64 columns;

  if (ioctl (fileno (out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 10000, &columns, NULL))
    return (guint) columns;
  return 80;
}

char *
lactctl_term_bar (double value, double max, guint width)
{
  GString *bar = g_string_new (NULL);
  double fraction = max > 0 && isfinite (value) ? CLAMP (value / max, 0.0, 1.0) : 0.0;
  guint total = (guint) round (fraction * width * 8);

  for (guint cell = 0; cell < width; cell++)
    {
      guint filled = total >= (cell + 1) * 8 ? 8 : total > cell * 8 ? total - cell * 8 : 0;
      g_string_append (bar, eighths[filled]);
    }
  return g_string_free (bar, FALSE);
}

double
lactctl_term_volume_scale (double ml)
{
  static const double scales[] = { 30, 50, 100, 150, 200, 300, 500, 1000 };

  for (gsize i = 0; i < G_N_ELEMENTS (scales); i++)
    if (ml <= scales[i])
      return scales[i];
  return scales[G_N_ELEMENTS (scales) - 1];
}

/* "L ████▍      32.0 mL", or "L  -" for an unmeasured side. */
static void
append_side (GString *line, const char *name, GVariant *live, const char *key,
             double scale)
{
  double ml;
  g_autofree char *bar = NULL;

  if (!g_variant_lookup (live, key, "d", &ml))
    {
      g_string_append_printf (line, "  %s -", name);
      return;
    }
  bar = lactctl_term_bar (ml, scale, LIVE_BAR_WIDTH);
  g_string_append_printf (line, "  %s %s %5.1f mL", name, bar, ml);
}

/* Cuts LINE to at most MAX characters. */
static void
truncate_chars (GString *line, guint max)
{
  const char *end;

  if ((guint) g_utf8_strlen (line->str, -1) <= max)
    return;
  end = g_utf8_offset_to_pointer (line->str, max);
  g_string_truncate (line, (gsize) (end - line->str));
}

char *
lactctl_term_live_line (GVariant *live, guint columns)
{
  GString *line = g_string_new (NULL);
  guint32 elapsed = 0;
  const char *phase = "?";
  double left = 0, right = 0, supplement;
  double scale;

  g_variant_lookup (live, "elapsed", "u", &elapsed);
  g_variant_lookup (live, "phase", "&s", &phase);
  g_variant_lookup (live, "volume_left_ml", "d", &left);
  g_variant_lookup (live, "volume_right_ml", "d", &right);
  scale = lactctl_term_volume_scale (MAX (left, right));
  if (elapsed >= 3600)
    g_string_append_printf (line, "● %u:%02u:%02u", elapsed / 3600, elapsed / 60 % 60,
                            elapsed % 60);
  else
    g_string_append_printf (line, "● %u:%02u", elapsed / 60, elapsed % 60);
  g_string_append_printf (line, "  %-11s", phase);
  append_side (line, "L", live, "volume_left_ml", scale);
  append_side (line, "R", live, "volume_right_ml", scale);
  if (g_variant_lookup (live, "supplement_ml", "d", &supplement))
    g_string_append_printf (line, "  +%.1f mL supplement", supplement);
  truncate_chars (line, columns > 1 ? columns - 1 : 1);
  return g_string_free (line, FALSE);
}

char *
lactctl_term_sessions_bar (guint sessions, guint target, guint scale, guint width)
{
  g_autofree char *bar = NULL;
  g_autofree char *before = NULL;
  guint mark;

  scale = MAX (scale, MAX (target, 1u));
  bar = lactctl_term_bar (sessions, scale, width);
  mark = MIN ((guint) round ((double) target * width / scale), width);
  /* The marker goes between cells: split the bar after cell MARK. */
  before = g_utf8_substring (bar, 0, mark);
  return g_strconcat (before, "│", g_utf8_offset_to_pointer (bar, mark), NULL);
}
