/* lactd-app-format.h — the words and numbers lactd-app shows, and the
 * parsing of what is typed into its add-session dialog. Pure (GLib only):
 * tested by tests/app/test-format.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reading a{sv} dictionaries that may lack a key (an unmeasured volume is
 * left out, never sent as 0). */
guint32 lactd_dict_uint (GVariant *dict, const char *key, guint32 fallback);
gint64 lactd_dict_int64 (GVariant *dict, const char *key, gint64 fallback);
guint64 lactd_dict_uint64 (GVariant *dict, const char *key, guint64 fallback);
gboolean lactd_dict_bool (GVariant *dict, const char *key, gboolean fallback);
/* FALSE when KEY is absent: *OUT is then untouched. */
gboolean lactd_dict_double (GVariant *dict, const char *key, double *out);
const char *lactd_dict_string (GVariant *dict, const char *key,
                               const char *fallback);

/* "32.5 mL", "120 mL" (a whole number without ".0"). */
char *lactd_format_volume (double ml);
/* "45 s", "14 min", "1 h 05 min". */
char *lactd_format_minutes (guint64 seconds);
/* A stopwatch: "4:05", "1:02:03". */
char *lactd_format_elapsed (guint64 seconds);
/* How far DUE is from NOW: "in 1 h 20 min", "now", "25 min ago". */
char *lactd_format_countdown (gint64 due, gint64 now);
/* "14:05" in TZ. */
char *lactd_format_clock (gint64 unix_time, GTimeZone *tz);
/* "Today", "Yesterday", "Monday 3 March", or with the year when it is not
 * NOW's year. */
char *lactd_format_day_heading (gint64 unix_time, gint64 now, GTimeZone *tz);
/* The kind of a session as a person says it: "Pump", "SNS feed",
 * "Hand expression", "Breastfeed"; the kind itself when unknown. */
const char *lactd_format_kind (const char *kind);
/* "Stimulation", "Expression", "Paused", "Idle". */
const char *lactd_format_phase (const char *phase);
/* A percent of battery (0-100, 255 unknown): "80 %" or "unknown". */
char *lactd_format_battery (guint8 battery);

/* A History1 session dictionary as a list row: TITLE "14:05 · Pump" (in
 * the session's own utc_offset), SUBTITLE "Left 15 min · 32.5 mL, Right
 * 15 min · 29 mL, both at once · supplement 15 mL", plus its notes
 * (entered by hand, interrupted, clock not set). */
void lactd_format_session_row (GVariant *session, char **title,
                               char **subtitle);

/* The add-session dialog's fields. Each sets ERROR naming FIELD when the
 * text cannot be read; ranges are the daemon's to check, so its own
 * message reaches the user. */

/* "14:05" (today, or yesterday when that is still ahead of NOW) or
 * "2026-03-01 14:05", local time in TZ. */
gboolean lactd_parse_start (const char *field, const char *text, gint64 now,
                            GTimeZone *tz, gint64 *unix_out, GError **error);
/* Minutes ("15", "12.5", "" = 0) to whole seconds. */
gboolean lactd_parse_minutes (const char *field, const char *text,
                              guint32 *seconds_out, GError **error);
/* Millilitres ("32.5", "32,5"); an empty field is TRUE with *PRESENT
 * FALSE (not measured). */
gboolean lactd_parse_ml (const char *field, const char *text,
                         gboolean *present, double *ml_out, GError **error);

G_END_DECLS
