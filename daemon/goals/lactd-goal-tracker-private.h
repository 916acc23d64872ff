/* lactd-goal-tracker-private.h — what lactd-goal-tracker.c (the object,
 * its methods and events) shares with lactd-goal-evaluation.c (the
 * evaluation). Nothing else includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-goal-tracker.h"
#include "lactd-reminders.h"

G_BEGIN_DECLS

/* The settings key of the persisted reminder state. */
#define SETTING_REMINDERS "reminders"

struct _LactdGoalTracker {
  GObject parent_instance;

  LactdStore *store;            /* borrowed: it outlives us */
  LactdClock *clock;

  LactdGoal goal;
  LactdReminderState state;     /* persisted in SETTING_REMINDERS */
  char *saved_state;            /* what SETTING_REMINDERS holds */
  gboolean started;             /* reminders may be due */

  /* A live session: while one runs nothing is due. Its start counts as a
   * session start and its end as the last end until the record is stored
   * (SessionEnded comes before the record). Not persisted: after a
   * restart the stored record says the same. */
  gboolean live;
  gint64 live_start;
  gint64 live_end;

  /* From the last evaluation. */
  LactdProgress progress;
  LactdTrendFigures trend;
  gint64 last_end;
  gint64 pending_session_due;   /* 0 when none pending */
  gint64 pending_night_due;

  gboolean evaluating;
  gboolean evaluate_again;
};

/* Recomputes everything; a call from inside one (a "reminder-due" handler
 * calling back) runs again afterwards instead of nesting. */
void lactd_goal_tracker_evaluate (LactdGoalTracker *self);
/* Writes the reminder state when it differs from the stored one. */
void lactd_goal_tracker_save_state (LactdGoalTracker *self);
void lactd_goal_tracker_emit_reminder (LactdGoalTracker *self,
                                       const char *kind, gint64 due,
                                       const char *message);

G_END_DECLS
