/* lactd-goals.h — org.lactd.Goals1: the goal, progress over the rolling
 * 24 hours, the 7-day trend and reminders, computed from the store.
 *
 * LactdGoals IS the Goals1 skeleton: export it on /org/lactd (e.g.
 * lactd_object_skeleton_set_goals1 (object, LACTD_GOALS1 (goals))). Its
 * properties are always current; each change is announced once with
 * PropertiesChanged (the generated skeleton does that when a value
 * differs). Time comes only from the LactdClock: one armed wake-up for the
 * next event (a session due, a night half point, a night window starting,
 * a session leaving the 24-hour window, local midnight), no polling.
 *
 * Progress counts stored sessions only (a live session is counted once its
 * record is stored), and of those only the ones whose start can be
 * trusted: a session with clock_unsynced counts toward nothing here. A battery reminder is a one-off notice, never
 * "pending": Snooze() and Dismiss() act on session and night reminders.
 * A night reminder is only due while its window is still open, and only
 * once at least one session is stored (an empty history reminds of
 * nothing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-clock.h"
#include "lactd-dbus.h"
#include "lactd-dbus-values.h"
#include "lactd-store.h"

G_BEGIN_DECLS

/* Battery at or below this many percent is low; a low battery reminds
 * again only after it was back above LACTD_BATTERY_REARM_PERCENT, so a
 * level jittering around the threshold reminds once. */
#define LACTD_BATTERY_LOW_PERCENT 15
#define LACTD_BATTERY_REARM_PERCENT 25

#define LACTD_TYPE_GOALS (lactd_goals_get_type ())
G_DECLARE_FINAL_TYPE (LactdGoals, lactd_goals, LACTD, GOALS,
                      LactdGoals1Skeleton)

/* Loads the goal and reminder state from @store's settings (which must
 * outlive the object) and computes every property. No ReminderDue is
 * emitted before lactd_goals_start(). */
LactdGoals *lactd_goals_new (LactdStore *store, LactdClock *clock,
                             GError **error);
/* Call once the object is exported and the bus name is owned: from then
 * on reminders are emitted, first any that fell due while the daemon was
 * down and is still pending (once). */
void lactd_goals_start (LactdGoals *self);

/* The methods of org.lactd.Goals1 (the D-Bus handlers call these). Errors
 * are in LACTD_ERROR. */
gboolean lactd_goals_set_goal (LactdGoals *self, GVariant *changes,
                               GError **error);
gboolean lactd_goals_snooze (LactdGoals *self, guint minutes, GError **error);
gboolean lactd_goals_dismiss (LactdGoals *self, GError **error);

const LactdGoal *lactd_goals_get_goal (LactdGoals *self);
/* TRUE while a session or night reminder is pending. */
gboolean lactd_goals_has_pending (LactdGoals *self);

/* Hooks for the daemon. */
/* After a session was stored (by a sync batch or AddSession). */
void lactd_goals_session_stored (LactdGoals *self);
/* After DeleteSession. */
void lactd_goals_session_deleted (LactdGoals *self);
/* A sensor's live session began (TRUE, on SessionStarted) or ended
 * (FALSE, on SessionEnded). While one runs nothing is due. */
void lactd_goals_set_live_active (LactdGoals *self, gboolean active);
/* A paired sensor reported its battery (255 = unknown, ignored). */
void lactd_goals_battery_level (LactdGoals *self, const char *address,
                                guint8 percent);
/* logind PrepareForSleep(false): the system resumed. */
void lactd_goals_resume (LactdGoals *self);
/* Recompute everything now (cheap; also what every hook does). */
void lactd_goals_refresh (LactdGoals *self);

G_END_DECLS
