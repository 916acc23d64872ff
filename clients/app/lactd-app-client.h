/* lactd-app-client.h — lactd-app's one link to the daemon: follows
 * org.lactd as it appears and vanishes (asking D-Bus to start it), makes
 * the proxies of /org/lactd and of every paired sensor without ever
 * blocking, and cancels everything in flight when the daemon goes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-dbus.h"

G_BEGIN_DECLS

typedef enum {
  LACTD_APP_CLIENT_CONNECTING,  /* waiting for the name or the proxies */
  LACTD_APP_CLIENT_READY,       /* the proxies below are there */
  LACTD_APP_CLIENT_ABSENT,      /* not running and could not be started */
} LactdAppClientState;

#define LACTD_TYPE_APP_CLIENT (lactd_app_client_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppClient, lactd_app_client, LACTD, APP_CLIENT, GObject)

/* BUS may be NULL: the client is then ABSENT with a message saying why. */
LactdAppClient *lactd_app_client_new (GDBusConnection *bus);
/* Watches org.lactd; D-Bus activation starts it when it can. */
void lactd_app_client_start (LactdAppClient *self);
/* Asks again (a new activation attempt) after the daemon was absent. */
void lactd_app_client_retry (LactdAppClient *self);

LactdAppClientState lactd_app_client_get_state (LactdAppClient *self);
/* Why the daemon is ABSENT, for the page that says how to start it. */
const char *lactd_app_client_get_problem (LactdAppClient *self);

/* NULL unless READY. */
LactdManager1 *lactd_app_client_get_manager (LactdAppClient *self);
LactdHistory1 *lactd_app_client_get_history (LactdAppClient *self);
LactdGoals1 *lactd_app_client_get_goals (LactdAppClient *self);
/* The paired sensors' proxies (the list is the caller's, the proxies are
 * not); empty unless READY. */
GList *lactd_app_client_get_sensors (LactdAppClient *self);
/* The proxy of the paired sensor at PATH (a new reference), or NULL. */
LactdSensor1 *lactd_app_client_lookup_sensor (LactdAppClient *self,
                                              const char *path);
/* Cancelled when the daemon vanishes: for every call made to it. Never
 * NULL; a new one after each appearance. */
GCancellable *lactd_app_client_get_cancellable (LactdAppClient *self);

/* Announces (signal "session-deleted", with the id) that this app deleted
 * a stored session: the API has no signal for it, and other views count
 * it. */
void lactd_app_client_session_deleted (LactdAppClient *self, guint64 id);

/* TRUE for the error of a call cancelled because its caller or the daemon
 * went away: its callback must not touch its user data. */
gboolean lactd_app_error_is_cancelled (const GError *error);
/* The message of a D-Bus error as the daemon wrote it (without the
 * "GDBus.Error:org.lactd.Error.X: " prefix); a newly allocated string. */
char *lactd_app_error_message (const GError *error);

G_END_DECLS
