/* lactd-app-live.h — the live session card: shown while a sensor reports
 * a session (Manager1.Progress, or a sensor's Live when the app starts
 * mid-session), with the elapsed time, the phase, and per-side volumes as
 * two bars that grow; the SNS supplement when the sensor measures it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lactd-app-client.h"

G_BEGIN_DECLS

#define LACTD_TYPE_APP_LIVE (lactd_app_live_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppLive, lactd_app_live, LACTD, APP_LIVE, AdwBin)

GtkWidget *lactd_app_live_new (LactdAppClient *client);
/* TRUE while a session is shown. */
gboolean lactd_app_live_is_active (LactdAppLive *self);

G_END_DECLS
