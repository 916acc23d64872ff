/* lactd-model.h — lactd's domain, defined once: sessions and their kinds,
 * sensor kinds, Bluetooth addresses, goals and night windows, with every
 * limit and validation rule the store, the D-Bus service, goals and the
 * transports apply.
 *
 * Pure GLib (GObject only for boxed types): no GIO, no D-Bus, no SQLite.
 * The sensor's wire limits stay in protocol/lsp.h (pure C, shared with
 * firmware); the limits below refer to them instead of repeating them.
 * Validation fails with LACTD_MODEL_ERROR_INVALID and a message naming the
 * field as the D-Bus API names it ("duration_left: 14401 s is more than
 * 14400 s"); each caller maps the domain to its own (the store to
 * LACTD_STORE_ERROR_INVALID, the D-Bus service to InvalidArgs).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "lsp.h"

G_BEGIN_DECLS

#define LACTD_MODEL_ERROR (lactd_model_error_quark ())
GQuark lactd_model_error_quark (void);

typedef enum {
  LACTD_MODEL_ERROR_INVALID,      /* a value broke a rule below */
} LactdModelError;

/* ------------------------------------------------------------ limits */

/* A session. A sensor's record obeys the codec's limits; a manual one the
 * same, and its start may be at most LACTD_MAX_START_AHEAD_S after now. */
#define LACTD_MIN_START            LSP_MIN_START_UTC   /* 2020-01-01 UTC */
#define LACTD_MAX_START_AHEAD_S    60
#define LACTD_MIN_UTC_OFFSET_MIN   (LSP_UTC_OFFSET_MIN * 15)  /* -12:00 */
#define LACTD_MAX_UTC_OFFSET_MIN   (LSP_UTC_OFFSET_MAX * 15)  /* +14:00 */
#define LACTD_MAX_DURATION_S       LSP_MAX_SECONDS     /* per side */
#define LACTD_MAX_SESSION_S        (2 * LACTD_MAX_DURATION_S)
#define LACTD_MAX_VOLUME_TENTHS    ((gint32) LSP_MAX_VOLUME_TENTHS)
#define LACTD_MAX_VOLUME_ML        (LACTD_MAX_VOLUME_TENTHS / 10.0)
/* A volume that was not measured: never added to anything. */
#define LACTD_VOLUME_NONE          (-1)

/* History queries: sessions in one ListSessions reply and one
 * ListSessionsPage, days in one DailySummary. */
#define LACTD_LIST_SESSIONS_MAX    5000
#define LACTD_PAGE_SESSIONS_MAX    500
#define LACTD_MAX_SUMMARY_DAYS     3660u

/* Goals (inclusive ranges) and reminders. */
#define LACTD_GOAL_SESSIONS_PER_DAY_MIN 1u
#define LACTD_GOAL_SESSIONS_PER_DAY_MAX 24u
#define LACTD_GOAL_MINUTES_PER_SIDE_MIN 1u
#define LACTD_GOAL_MINUTES_PER_SIDE_MAX 60u
#define LACTD_GOAL_MAX_GAP_MIN          1u
#define LACTD_GOAL_MAX_GAP_MAX          1440u
#define LACTD_SNOOZE_MIN_MINUTES        1u
#define LACTD_SNOOZE_MAX_MINUTES        240u
#define LACTD_MINUTES_PER_DAY           (24 * 60)

/* Manager1.Discover's scan, in seconds. */
#define LACTD_DISCOVER_MIN_S       1u
#define LACTD_DISCOVER_MAX_S       60u

/* Text forms. */
#define LACTD_ADDRESS_STRLEN       18  /* "XX:XX:XX:XX:XX:XX" + NUL */
#define LACTD_HHMM_STRLEN          6   /* "HH:MM" + NUL */

/* INVALID "<key>: <value> is outside <min>-<max><unit>" when out of
 * range. */
gboolean lactd_check_u32_range (const char *key, guint32 value, guint32 min,
                                guint32 max, const char *unit,
                                GError **error);

/* ---------------------------------------------------------- sessions */

typedef enum {
  LACTD_SESSION_KIND_PUMP = 0,
  LACTD_SESSION_KIND_SNS = 1,
  LACTD_SESSION_KIND_HAND = 2,
  LACTD_SESSION_KIND_BREASTFEED = 3,
} LactdSessionKind;

/* "pump", "sns", "hand", "breastfeed"; NULL for an unknown value. */
const char *lactd_session_kind_to_string (LactdSessionKind kind);
gboolean lactd_session_kind_from_string (const char *str,
                                         LactdSessionKind *kind_out);

/* Volumes are integer tenths of a millilitre, so that sums are exact. */
typedef struct {
  guint64 id;                /* assigned by the store; 0 before */
  gboolean from_sensor;      /* source "sensor" or "manual" */
  char address[LACTD_ADDRESS_STRLEN];  /* "" for manual */
  guint32 epoch;             /* record epoch, 0 for manual */
  guint32 seq;               /* 0 for manual */
  LactdSessionKind kind;
  gint64 start;              /* Unix seconds, UTC */
  gint32 utc_offset_min;     /* local offset at start, minutes */
  guint32 duration_left;     /* seconds */
  guint32 duration_right;    /* seconds */
  gboolean double_sided;
  gboolean interrupted;
  gboolean clock_unsynced;
  gint32 volume_left_tenths;  /* 0.1 mL, or LACTD_VOLUME_NONE */
  gint32 volume_right_tenths;
  gint32 supplement_tenths;
} LactdSession;

/* A copy of a LactdSession (a flat struct: g_memdup2 and g_free). */
#define LACTD_TYPE_SESSION (lactd_session_get_type ())
GType lactd_session_get_type (void) G_GNUC_CONST;
LactdSession *lactd_session_copy (const LactdSession *session);
void lactd_session_free (LactdSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdSession, lactd_session_free)

/* start + max(left, right) when double-sided, else start + left + right. */
gint64 lactd_session_end (const LactdSession *session);
/* left + right tenths that were measured (an unmeasured side adds 0). */
gint64 lactd_session_expressed_tenths (const LactdSession *session);
/* tenths / 10.0; only for a measured volume. */
double lactd_tenths_to_ml (gint64 tenths);

/* One field each, as the API names it (key): */
/* utc_offset within LACTD_MIN_UTC_OFFSET_MIN..LACTD_MAX_UTC_OFFSET_MIN. */
gboolean lactd_check_utc_offset (gint32 minutes, GError **error);
/* At most LACTD_MAX_DURATION_S. */
gboolean lactd_check_duration (const char *key, guint32 seconds,
                               GError **error);
/* 0..LACTD_MAX_VOLUME_TENTHS, or LACTD_VOLUME_NONE. */
gboolean lactd_check_volume_tenths (const char *key, gint32 tenths,
                                    GError **error);
/* A finite 0..LACTD_MAX_VOLUME_ML mL to tenths (rounded). */
gboolean lactd_volume_from_ml (const char *key, double ml,
                               gint32 *tenths_out, GError **error);
/* A manual session's start: >= LACTD_MIN_START and at most
 * LACTD_MAX_START_AHEAD_S after now. */
gboolean lactd_check_manual_start (gint64 start, gint64 now, GError **error);

/* The rules every stored session obeys, whatever its source: a known
 * kind, the offset, both durations and every volume (they also keep the
 * store's time windows exact: LACTD_MAX_SESSION_S at most). */
gboolean lactd_session_validate (const LactdSession *session, GError **error);
/* A manual session: not from a sensor, its start, and the rules above. */
gboolean lactd_session_validate_manual (const LactdSession *session,
                                        gint64 now, GError **error);

/* ------------------------------------------------------ sensor kinds */

#define LACTD_SENSOR_KIND_PUMP    "pump"
#define LACTD_SENSOR_KIND_SNS     "sns"
#define LACTD_SENSOR_KIND_UNKNOWN "unknown"

/* "pump", "sns" or "unknown". */
gboolean lactd_sensor_kind_is_valid (const char *kind);
/* "pump" or "sns" as given; "unknown" for anything else (NULL too): what
 * Discover says of a sensor. */
const char *lactd_sensor_kind_or_unknown (const char *kind);
/* The kind a sensor's Features name. */
const char *lactd_sensor_kind_from_lsp (lsp_sensor_kind kind);

/* --------------------------------------------------------- addresses */

/* Every address lactd stores, emits or passes between its parts is
 * "XX:XX:XX:XX:XX:XX" in upper case. Only what a person types (Pair, and
 * ConfirmPairing answering for it) is normalised first. */
gboolean lactd_address_is_valid (const char *address);
/* Upper or lower case hex in, the upper-case form out; anything else is
 * INVALID "'<text>' is not a Bluetooth address XX:XX:XX:XX:XX:XX". */
gboolean lactd_address_normalize (const char *address,
                                  char out[LACTD_ADDRESS_STRLEN],
                                  GError **error);

/* The built-in simulated sensor's address: locally administered, so never
 * a real sensor's. Only a daemon with the simulated transport shows it,
 * and that daemon shows nothing else. */
#define LACTD_SIMULATED_ADDRESS "5E:00:00:5E:00:01"
gboolean lactd_address_is_simulated (const char *address);

/* ------------------------------------------------ goals, night window */

/* A night window in minutes after local midnight; start > end crosses
 * midnight. A session is in it when its start, in local time by its own
 * utc_offset_min, falls in [start, end). */
typedef struct {
  guint16 start_min;
  guint16 end_min;
} LactdNightWindow;

#define LACTD_TYPE_NIGHT_WINDOW (lactd_night_window_get_type ())
GType lactd_night_window_get_type (void) G_GNUC_CONST;

typedef struct {
  guint32 sessions_per_day;   /* LACTD_GOAL_SESSIONS_PER_DAY_MIN..MAX */
  guint32 minutes_per_side;   /* LACTD_GOAL_MINUTES_PER_SIDE_MIN..MAX */
  guint32 max_gap_minutes;    /* LACTD_GOAL_MAX_GAP_MIN..MAX */
  guint16 night_start_min;    /* minutes after local midnight, 0-1439 */
  guint16 night_end_min;      /* != night_start_min; < start crosses midnight */
  gboolean reminders;
} LactdGoal;

#define LACTD_TYPE_GOAL (lactd_goal_get_type ())
GType lactd_goal_get_type (void) G_GNUC_CONST;

/* 8 sessions, 15 min per side, 180 min gap, night 01:00-05:00, reminders. */
LactdGoal lactd_goal_defaults (void);
/* Every field in range and night_start != night_end. */
gboolean lactd_goal_validate (const LactdGoal *goal, GError **error);
gboolean lactd_goal_equal (const LactdGoal *a, const LactdGoal *b);
LactdNightWindow lactd_goal_night_window (const LactdGoal *goal);

/* For the store's settings table: "sessions_per_day=8;minutes_per_side=15;
 * max_gap_minutes=180;night_start=01:00;night_end=05:00;reminders=true".
 * from_string: a missing key keeps its default and an unknown key is
 * ignored (a later version may add some); a malformed or out-of-range
 * value fails. */
char *lactd_goal_to_string (const LactdGoal *goal);
gboolean lactd_goal_from_string (const char *str, LactdGoal *out,
                                 GError **error);

/* Strict "HH:MM", 00:00-23:59, two digits each. */
gboolean lactd_parse_hhmm (const char *str, guint16 *minutes_out,
                           GError **error);
void lactd_format_hhmm (guint16 minutes, char out[LACTD_HHMM_STRLEN]);

/* Snooze(minutes): LACTD_SNOOZE_MIN_MINUTES..LACTD_SNOOZE_MAX_MINUTES. */
gboolean lactd_check_snooze_minutes (guint minutes, GError **error);

G_END_DECLS
