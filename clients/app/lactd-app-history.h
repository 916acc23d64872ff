/* lactd-app-history.h — the History view: stored sessions newest first,
 * read page by page through History1.ListSessionsPage as the list is
 * scrolled back; new sessions (SessionAdded) join at their place; a
 * session can be deleted after a confirmation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lactd-app-client.h"

G_BEGIN_DECLS

#define LACTD_TYPE_APP_HISTORY (lactd_app_history_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppHistory, lactd_app_history, LACTD, APP_HISTORY, AdwBin)

GtkWidget *lactd_app_history_new (LactdAppClient *client);

G_END_DECLS
