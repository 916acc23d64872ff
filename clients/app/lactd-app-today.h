/* lactd-app-today.h — the Today view: the live session card, the ring of
 * sessions in the last 24 hours against the goal, the next session due
 * (a time and a countdown), minutes per side, the night session, and
 * expressed and supplement so far (Goals1.Progress, Goal and NextDue).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lactd-app-client.h"

G_BEGIN_DECLS

#define LACTD_TYPE_APP_TODAY (lactd_app_today_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppToday, lactd_app_today, LACTD, APP_TODAY, AdwBin)

GtkWidget *lactd_app_today_new (LactdAppClient *client);

G_END_DECLS
