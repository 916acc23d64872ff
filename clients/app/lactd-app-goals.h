/* lactd-app-goals.h — the Goals view: Goals1.Goal as preferences, each
 * change sent at once with SetGoal, each default explained in one line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lactd-app-client.h"

G_BEGIN_DECLS

#define LACTD_TYPE_APP_GOALS (lactd_app_goals_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppGoals, lactd_app_goals, LACTD, APP_GOALS, AdwBin)

GtkWidget *lactd_app_goals_new (LactdAppClient *client);

G_END_DECLS
