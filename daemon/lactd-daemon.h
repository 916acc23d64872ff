/* lactd-daemon.h — the main loop's owner object: it holds the store, the
 * sensors, goals and the D-Bus service, and wires them together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-store.h"

G_BEGIN_DECLS

#define LACTD_TYPE_DAEMON (lactd_daemon_get_type ())
G_DECLARE_FINAL_TYPE (LactdDaemon, lactd_daemon, LACTD, DAEMON, GObject)

/* simulate: NULL for real sensors through BlueZ, else a scenario name of
 * the built-in simulated sensor. Signal "quit" (const char *reason,
 * gboolean failed) asks the owner of the main loop to stop: failed when a
 * bus connection was lost (lactd must exit non-zero so that systemd
 * restarts it), not when a replacing lactd took the name. */
LactdDaemon *lactd_daemon_new (const char *db_path, const char *simulate,
                               gboolean replace);
/* Opens the store, loads sensors, learns the transport's state (BlueZ's
 * at most 2 s), exports the objects and only then asks for the bus name:
 * all inside the running main loop, never waiting in a loop of its own.
 * A store held by another lactd is LACTD_STORE_ERROR_LOCKED, except with
 * --replace when that lactd owns org.lactd on this bus: it is stopped
 * first. Cancelling (a SIGTERM during start-up) ends it at once with
 * G_IO_ERROR_CANCELLED, before the name is asked for. */
void lactd_daemon_start_async (LactdDaemon *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean lactd_daemon_start_finish (LactdDaemon *self, GAsyncResult *result,
                                    GError **error);
/* Releases the name and closes the store cleanly. */
void lactd_daemon_stop (LactdDaemon *self);

G_END_DECLS
