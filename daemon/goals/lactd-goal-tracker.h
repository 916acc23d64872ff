/* lactd-goal-tracker.h — the goal, progress over the rolling 24 hours, the
 * 7-day trend and reminders, computed from the store (no D-Bus: Goals1 is
 * lactd-goals.c, on top of this).
 *
 * Everything is recomputed by one evaluation on every event (a session
 * stored or deleted, a live session starting or ending, a new goal, a
 * snooze or dismissal, the armed wake-up, a wall-clock or time-zone
 * change, resume). Time comes only from the LactdClock: one armed wake-up
 * for the next event (a session due, a night half point, a night window
 * starting, a session leaving the 24-hour window, local midnight), no
 * polling. Each property is notified once per real change.
 *
 * Progress counts stored sessions only (a live session is counted once its
 * record is stored), and of those only the ones whose start can be
 * trusted: a session with clock_unsynced counts toward nothing here. A
 * battery reminder is a one-off notice, never "pending": snooze() and
 * dismiss() act on session and night reminders. A night reminder is only
 * due while its window is still open, and only once at least one session
 * is stored (an empty history reminds of nothing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-clock.h"
#include "lactd-model.h"
#include "lactd-store.h"

G_BEGIN_DECLS

#define LACTD_GOAL_TRACKER_ERROR (lactd_goal_tracker_error_quark ())
GQuark lactd_goal_tracker_error_quark (void);

typedef enum {
  LACTD_GOAL_TRACKER_ERROR_NOT_PENDING,   /* no reminder to snooze */
} LactdGoalTrackerError;

/* Battery at or below this many percent is low; a low battery reminds
 * again only after it was back above LACTD_BATTERY_REARM_PERCENT, so a
 * level jittering around the threshold reminds once. */
#define LACTD_BATTERY_LOW_PERCENT 15
#define LACTD_BATTERY_REARM_PERCENT 25

/* Progress over the rolling last 24 hours (Goals1.Progress). */
typedef struct {
  LactdTotals totals;
  guint32 target;             /* the goal's sessions_per_day */
  gboolean night_done;        /* a session in the latest night begun */
  gint64 next_due;            /* NextDue: 0 when nothing is due */
} LactdProgress;

#define LACTD_TYPE_PROGRESS (lactd_progress_get_type ())
GType lactd_progress_get_type (void) G_GNUC_CONST;
/* The store's trend figures (Goals1.Trend), as a boxed type. */
#define LACTD_TYPE_TREND_FIGURES (lactd_trend_figures_get_type ())
GType lactd_trend_figures_get_type (void) G_GNUC_CONST;

#define LACTD_TYPE_GOAL_TRACKER (lactd_goal_tracker_get_type ())
G_DECLARE_FINAL_TYPE (LactdGoalTracker, lactd_goal_tracker, LACTD,
                      GOAL_TRACKER, GObject)

/* Properties:
 *   "store"     gpointer            construct-only, borrowed: it must
 *                                   outlive the tracker
 *   "clock"     LactdClock          construct-only
 *   "goal"      LactdGoal           read-only
 *   "progress"  LactdProgress       read-only
 *   "next-due"  gint64              read-only
 *   "trend"     LactdTrendFigures   read-only
 * Signal "reminder-due" (const char *kind, gint64 due, const char
 * *message): kind "session", "night" or "battery".
 *
 * A GInitable: loads the goal and the reminder state from the store's
 * settings (a damaged one falls back to the defaults) and computes every
 * property. No reminder is due before lactd_goal_tracker_start(). */
LactdGoalTracker *lactd_goal_tracker_new (LactdStore *store,
                                          LactdClock *clock, GError **error);
/* Once a client can hear reminders (the bus name is owned): from then on
 * they are due, first any that fell due while lactd was down and is still
 * pending (once). */
void lactd_goal_tracker_start (LactdGoalTracker *self);

/* A new goal (validated by the model's rules) stored and in force. */
gboolean lactd_goal_tracker_set_goal (LactdGoalTracker *self,
                                      const LactdGoal *goal, GError **error);
/* LACTD_MODEL_ERROR for minutes out of range, NOT_PENDING with no
 * reminder pending. */
gboolean lactd_goal_tracker_snooze (LactdGoalTracker *self, guint minutes,
                                    GError **error);
/* Drops the pending reminder until the next session; nothing pending is
 * not an error. */
void lactd_goal_tracker_dismiss (LactdGoalTracker *self);

const LactdGoal *lactd_goal_tracker_get_goal (LactdGoalTracker *self);
const LactdProgress *lactd_goal_tracker_get_progress (LactdGoalTracker *self);
gint64 lactd_goal_tracker_get_next_due (LactdGoalTracker *self);
const LactdTrendFigures *lactd_goal_tracker_get_trend (LactdGoalTracker *self);
/* TRUE while a session or night reminder is pending. */
gboolean lactd_goal_tracker_has_pending (LactdGoalTracker *self);

/* Events. */
/* A session was stored (by a sync batch or AddSession) or deleted. */
void lactd_goal_tracker_session_stored (LactdGoalTracker *self);
void lactd_goal_tracker_session_deleted (LactdGoalTracker *self);
/* A sensor's live session began (TRUE, on SessionStarted) or ended
 * (FALSE, on SessionEnded). While one runs nothing is due. */
void lactd_goal_tracker_set_live_active (LactdGoalTracker *self,
                                         gboolean active);
/* A paired sensor reported its battery (255 = unknown, ignored). */
void lactd_goal_tracker_battery_level (LactdGoalTracker *self,
                                       const char *address, guint8 percent);
/* logind PrepareForSleep(false): the system resumed. */
void lactd_goal_tracker_resume (LactdGoalTracker *self);
/* Recompute everything now (cheap; also what every event does). */
void lactd_goal_tracker_refresh (LactdGoalTracker *self);

G_END_DECLS
