/* lactctl-term.h — lactctl's pictures for a terminal: Unicode block bars
 * for the live session line of `lactctl watch` and the sessions-per-day
 * chart of `lactctl summary`. Only ever drawn when stdout is a terminal;
 * pipes, --json, --csv and --format=waybar keep their exact outputs.
 * Pure text functions (GLib only), tested by tests/app/test-term.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when OUT is a terminal (the pictures are for people only). */
gboolean lactctl_term_is_terminal (FILE *out);
/* The terminal's width in columns (80 when it cannot be told). */
guint lactctl_term_columns (FILE *out);

/* VALUE of MAX as WIDTH cells of eighth blocks ("███▌      "), always
 * exactly WIDTH characters. */
char *lactctl_term_bar (double value, double max, guint width);
/* The scale a live volume bar uses: 30, 50, 100, 150, 200, 300, 500 or
 * 1000 mL, the first at or above ML. */
double lactctl_term_volume_scale (double ml);
/* The live session as one line of at most COLUMNS - 1 characters:
 * elapsed, phase, two per-side bars with their volumes, and the
 * supplement when the sensor measures it. */
char *lactctl_term_live_line (GVariant *live, guint columns);
/* A day's sessions against TARGET as a bar of WIDTH cells for SCALE
 * sessions, with "│" after the target's cell: "███████ │" (7 of 8). */
char *lactctl_term_sessions_bar (guint sessions, guint target, guint scale,
                                 guint width);

G_END_DECLS
