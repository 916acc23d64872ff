/* lactd-app-trends.h — the Trends view: over 7, 30 or 90 days from
 * History1.DailySummary, sessions per day against the target, milk per day
 * (expressed and supplement stacked, the first-milk day marked) and the
 * own-milk share, with Goals1.Trend's weekly figures in words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lactd-app-client.h"

G_BEGIN_DECLS

#define LACTD_TYPE_APP_TRENDS (lactd_app_trends_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppTrends, lactd_app_trends, LACTD, APP_TRENDS, AdwBin)

GtkWidget *lactd_app_trends_new (LactdAppClient *client);

G_END_DECLS
