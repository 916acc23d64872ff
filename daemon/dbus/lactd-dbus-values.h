/* lactd-dbus-values.h — between the store's and the codec's C types and
 * the dictionaries, day strings and object paths of the D-Bus API.
 *
 * Everything here is pure: no I/O, no bus, no clock (callers pass "now").
 * Every parser validates completely and either fills its output or fails
 * with a LACTD_ERROR_INVALID_ARGS (or _NOT_FOUND) message naming what was
 * wrong, never leaving a partial result. Every *_to_variant() returns a
 * floating GVariant, like g_variant_builder_end().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-store.h"
#include "lsp.h"

G_BEGIN_DECLS

/* The limits and rules of the values below are the model's
 * (lactd-model.h); this file only reads and writes their D-Bus forms. */

#define LACTD_DAY_STRLEN           11  /* "YYYY-MM-DD" + NUL */
#define LACTD_SENSOR_PATH_PREFIX   "/org/lactd/sensor/"

/* ---------------------------------------------------------- sessions */

/* The session dictionary with exactly the contract's keys, in its order:
 * id t, source s, sensor s, seq u, kind s, start x, end x, utc_offset i,
 * duration_left u, duration_right u, double b, volume_left_ml d,
 * volume_right_ml d, supplement_ml d (each volume only when measured),
 * interrupted b, clock_unsynced b. */
GVariant *lactd_session_to_variant (const LactdSession *session);
/* aa{sv} of a GArray of LactdSession, in array order. */
GVariant *lactd_sessions_to_variant (const GArray *sessions);

/* The aa{sv} of a list, built one session at a time (straight from the
 * store's rows, with no array of sessions in between); the dictionaries
 * share every entry that repeats (lactd-dbus-sessions.c). expected is a
 * hint. _end() returns the floating aa{sv} and frees the builder. */
typedef struct _LactdSessionsBuilder LactdSessionsBuilder;
LactdSessionsBuilder *lactd_sessions_builder_new (guint expected);
void lactd_sessions_builder_add (LactdSessionsBuilder *builder,
                                 const LactdSession *session);
guint lactd_sessions_builder_get_count (LactdSessionsBuilder *builder);
GVariant *lactd_sessions_builder_end (LactdSessionsBuilder *builder);
void lactd_sessions_builder_free (LactdSessionsBuilder *builder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdSessionsBuilder,
                               lactd_sessions_builder_free)

/* AddSession's dictionary to a manual LactdSession (id 0, from_sensor
 * FALSE, address "", epoch 0, seq 0, not interrupted, clock synced).
 * Required: kind s, start x. Optional: utc_offset i (default: the local
 * zone's offset at start), duration_left u, duration_right u (default 0),
 * double b (default FALSE), volume_left_ml d, volume_right_ml d,
 * supplement_ml d (default not measured). Any other or repeated key, a
 * wrong type or a value out of range fails with INVALID_ARGS. */
gboolean lactd_session_from_variant (GVariant *dict, gint64 now,
                                     LactdSession *out, GError **error);

/* -------------------------------------------------------------- days */

/* Strict "YYYY-MM-DD" naming a real calendar day (year >= 1) to a GDate
 * julian day number. */
gboolean lactd_parse_day (const char *day, guint32 *julian_out,
                          GError **error);
/* The inverse; "" for a julian number GDate does not accept (0). */
void lactd_format_day (guint32 julian, char out[LACTD_DAY_STRLEN]);
/* DailySummary's arguments: both days valid, first <= last and at most
 * LACTD_MAX_SUMMARY_DAYS days inclusive. */
gboolean lactd_parse_day_range (const char *first_day, const char *last_day,
                                guint32 *first_julian_out,
                                guint32 *last_julian_out, GError **error);

/* day s, sessions u, night_sessions u, seconds_left u, seconds_right u,
 * expressed_ml d, supplement_ml d: always every key. */
GVariant *lactd_day_summary_to_variant (const LactdDaySummary *day);
/* aa{sv} of a GArray of LactdDaySummary. */
GVariant *lactd_day_summaries_to_variant (const GArray *days);

/* -------------------------------------------------------------- live */

/* "none", "left", "right", "both"; NULL for a value out of range. */
const char *lactd_side_to_string (lsp_side side);
/* "idle", "stimulation", "expression", "paused"; NULL when out of range. */
const char *lactd_phase_to_string (lsp_phase phase);

/* seq u, elapsed u, side s, phase s, active b, and only when present
 * volume_left_ml d, volume_right_ml d, supplement_ml d, suction y,
 * battery y. */
GVariant *lactd_live_to_variant (const lsp_live *live);

/* ------------------------------------------------------------- goals */

/* SetGoal: applies the changes dictionary (keys sessions_per_day u,
 * minutes_per_side u, max_gap_minutes u, night_start s, night_end s,
 * reminders b; any subset, each at most once) to current. *out is written
 * only on success. */
gboolean lactd_goal_apply_changes (const LactdGoal *current,
                                   GVariant *changes, LactdGoal *out,
                                   GError **error);
/* The same check without a result. */
gboolean lactd_goal_changes_validate (const LactdGoal *current,
                                      GVariant *changes, GError **error);
/* The Goal property: every key. */
GVariant *lactd_goal_to_variant (const LactdGoal *goal);

/* ------------------------------------------------ progress and trend */

/* The Progress property: sessions u, target u, night_done b,
 * seconds_left u, seconds_right u, expressed_ml d, supplement_ml d,
 * next_due x. */
GVariant *lactd_progress_to_variant (const LactdTotals *totals,
                                     guint32 target, gboolean night_done,
                                     gint64 next_due);
/* The Trend property from the store's figures over the last 7 complete
 * days: expressed_ml_per_day d and supplement_ml_per_day d (totals over
 * days_counted days, rounded to 0.1 mL; 0 when days_counted is 0),
 * own_milk_share d (only when expressed + supplement > 0),
 * first_milk_day s ("" when none). */
GVariant *lactd_trend_to_variant (const LactdTrendFigures *figures);

/* ----------------------------------------------- addresses and paths */

/* "/org/lactd/sensor/C0_FF_EE_00_00_01" for a valid address. */
char *lactd_sensor_object_path (const char *address);
/* The inverse, for Forget(o): NOT_FOUND for any path that is not a
 * sensor path. */
gboolean lactd_address_from_object_path (const char *object_path,
                                         char address_out[LACTD_ADDRESS_STRLEN],
                                         GError **error);

G_END_DECLS
