/* lactd-reminders.h — the parts of goals and reminders that need no
 * object: night windows in a local zone, the persisted reminder state and
 * the reminder sentences. Private to lactd-goals.c and its tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lactd-model.h"
#include "lactd-store.h"

G_BEGIN_DECLS

/* One night window in a given zone, as UTC instants. */
typedef struct {
  guint32 anchor_julian;      /* local day on which night_start falls */
  gint64 start;               /* night_start on that day */
  gint64 end;                 /* night_end, the next day when crossing */
  gint64 half;                /* start + (end - start) / 2, real seconds */
} LactdNightSpan;

/* The local GDate julian day of @t in @tz. */
guint32 lactd_local_julian (GTimeZone *tz, gint64 t);
/* Unix time of local midnight starting local day @julian in @tz. */
gint64 lactd_local_midnight (GTimeZone *tz, guint32 julian);

void lactd_night_span_for_day (const LactdGoal *goal, GTimeZone *tz,
                               guint32 anchor_julian, LactdNightSpan *out);
/* The window with the latest start at or before @t. */
void lactd_night_span_latest_begun (const LactdGoal *goal, GTimeZone *tz,
                                    gint64 t, LactdNightSpan *out);
/* The first window whose start is after @t. */
void lactd_night_span_next (const LactdGoal *goal, GTimeZone *tz, gint64 t,
                            LactdNightSpan *out);
/* The earliest half point after @t. */
gint64 lactd_night_next_half (const LactdGoal *goal, GTimeZone *tz, gint64 t);

/* Whether a stored session started inside @span by the night rule: its
 * start, in local time by its own utc_offset, falls in
 * [night_start, night_end) of the span's local night. A session with an
 * unsynced clock never does. */
gboolean lactd_night_span_has_session (LactdStore *store,
                                       const LactdGoal *goal,
                                       const LactdNightSpan *span,
                                       gboolean *found, GError **error);

/* What must survive a restart so that no reminder repeats. Times are Unix
 * seconds, 0 for none. */
typedef enum {
  LACTD_REMINDER_NONE = 0,
  LACTD_REMINDER_SESSION,
  LACTD_REMINDER_NIGHT,
} LactdReminderKind;

typedef struct {
  gint64 session_emitted;     /* the session due last announced */
  gint64 night_emitted;       /* the night half point last announced */
  LactdReminderKind snooze_kind;
  gint64 snooze_due;          /* the due the snooze postpones */
  gint64 snooze_until;
  gint64 snooze_emitted;      /* == snooze_until once announced */
  gint64 dismissed_end;       /* last session end when Dismiss() was called */
  gint64 night_dismissed;     /* the night half point dismissed */
  GPtrArray *battery_low;     /* addresses announced low, not yet recovered */
} LactdReminderState;

void lactd_reminder_state_init (LactdReminderState *state);
void lactd_reminder_state_clear (LactdReminderState *state);
/* "" or NULL gives the initial state; unknown keys are ignored. */
gboolean lactd_reminder_state_parse (const char *str,
                                     LactdReminderState *state,
                                     GError **error);
char *lactd_reminder_state_to_string (const LactdReminderState *state);

const char *lactd_reminder_kind_to_string (LactdReminderKind kind);

/* The ReminderDue sentences. */
char *lactd_reminder_session_message (gint64 last_end, gint64 now);
char *lactd_reminder_night_message (void);
char *lactd_reminder_battery_message (const char *address, guint percent);

G_END_DECLS
