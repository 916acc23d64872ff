/* lactd-history.h — org.lactd.History1: the session history on the bus.
 *
 * LactdHistory IS the History1 skeleton: export it on /org/lactd.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-dbus.h"
#include "lactd-dbus-values.h"
#include "lactd-store.h"

G_BEGIN_DECLS

#define LACTD_TYPE_HISTORY (lactd_history_get_type ())
G_DECLARE_FINAL_TYPE (LactdHistory, lactd_history, LACTD, HISTORY,
                      LactdHistory1Skeleton)

/* The most sessions one ListSessions reply carries (a larger range is
 * InvalidArgs) and one ListSessionsPage: LACTD_LIST_SESSIONS_MAX and
 * LACTD_PAGE_SESSIONS_MAX (lactd-model.h). */

/* Properties:
 *   "store"         gpointer          construct-only, the LactdStore,
 *                                     borrowed: it must outlive us
 *   "night-window"  LactdNightWindow  the goal's, for DailySummary's
 *                                     night_sessions
 * Signals: "sessions-changed" (): a session was added or deleted by hand
 * (goals re-evaluate). */
LactdHistory *lactd_history_new (LactdStore *store,
                                 const LactdNightWindow *night_window);
void lactd_history_set_night_window (LactdHistory *self,
                                     const LactdNightWindow *night_window);
/* Emits SessionAdded for a session stored by any source. */
void lactd_history_announce (LactdHistory *self, const LactdSession *session);

G_END_DECLS
