/* lactd-manager.h — org.lactd.Manager1: the paired sensors (one
 * LactdSensor each, exported under the ObjectManager), Discover, Pair,
 * ConfirmPairing and Forget through the transport, BluetoothState, and
 * every sensor's live session as SessionStarted, Progress and
 * SessionEnded.
 *
 * LactdManager IS the Manager1 skeleton: export it on LACTD_OBJECT_PATH,
 * and set the connection of lactd_manager_get_object_manager().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-dbus.h"
#include "lactd-sensor.h"
#include "lactd-store.h"
#include "lactd-transport.h"

G_BEGIN_DECLS

#define LACTD_OBJECT_PATH "/org/lactd"

#define LACTD_TYPE_MANAGER (lactd_manager_get_type ())
G_DECLARE_FINAL_TYPE (LactdManager, lactd_manager, LACTD, MANAGER,
                      LactdManager1Skeleton)

/* Properties (construct-only):
 *   "store"      gpointer        the LactdStore, borrowed: it must outlive
 *                                the manager
 *   "transport"  LactdTransport
 * Signals, for the daemon to wire history and goals:
 *   "session-stored" (LactdSession *): a sensor stored a new session
 *   "live-changed" (gboolean any): whether any sensor shows a live session
 *   "battery-changed" (const char *address, guint percent): 0-100 only */
LactdManager *lactd_manager_new (LactdStore *store, LactdTransport *transport);

/* Remembers the sensors the transport brings along, then exports every
 * stored sensor the transport owns (one it cannot reach is left out with
 * a warning). Fails only when the store cannot be read or written. */
gboolean lactd_manager_load_sensors (LactdManager *self, GError **error);
/* Exports a sensor for link (what Pair and load_sensors do). */
LactdSensor *lactd_manager_add_link (LactdManager *self, LactdLink *link);
GDBusObjectManagerServer *lactd_manager_get_object_manager (LactdManager *self);

G_END_DECLS
