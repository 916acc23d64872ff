/* lactd-goals.h — org.lactd.Goals1 over a LactdGoalTracker: its
 * properties follow the tracker's (each change announced once with
 * PropertiesChanged), its ReminderDue is the tracker's "reminder-due",
 * and its methods are the tracker's with the API's errors.
 *
 * LactdGoals IS the Goals1 skeleton: export it on /org/lactd.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-dbus.h"
#include "lactd-goal-tracker.h"

G_BEGIN_DECLS

#define LACTD_TYPE_GOALS (lactd_goals_get_type ())
G_DECLARE_FINAL_TYPE (LactdGoals, lactd_goals, LACTD, GOALS,
                      LactdGoals1Skeleton)

/* Property "tracker" (LactdGoalTracker, construct-only). */
LactdGoals *lactd_goals_new (LactdGoalTracker *tracker);
LactdGoalTracker *lactd_goals_get_tracker (LactdGoals *self);

/* The methods of org.lactd.Goals1 (what the D-Bus handlers call). Errors
 * are in LACTD_ERROR. */
gboolean lactd_goals_set_goal (LactdGoals *self, GVariant *changes,
                               GError **error);
gboolean lactd_goals_snooze (LactdGoals *self, guint minutes, GError **error);
gboolean lactd_goals_dismiss (LactdGoals *self, GError **error);

G_END_DECLS
