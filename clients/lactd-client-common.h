/* lactd-client-common.h — what lactctl and lactd-notify share: lactd's
 * names, following its objects over D-Bus as it comes and goes, and
 * making its text safe to print.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-dbus.h"

G_BEGIN_DECLS

#define LACTD_BUS_NAME    "org.lactd"
#define LACTD_OBJECT_PATH "/org/lactd"

/* Creates the proxies of /org/lactd owned by NAME into the pointers
 * given, which are NULL, without auto-starting lactd. HISTORY may be NULL
 * for a client that does not use History1. On failure sets ERROR and
 * leaves every proxy NULL. */
gboolean lactd_client_proxies_new (GDBusConnection *bus, const char *name,
                                   LactdManager1 **manager,
                                   LactdHistory1 **history,
                                   LactdGoals1 **goals, GError **error);
/* Disconnects HANDLER_DATA's handlers from the proxies and drops them;
 * HISTORY may be NULL. */
void lactd_client_proxies_clear (LactdManager1 **manager,
                                 LactdHistory1 **history,
                                 LactdGoals1 **goals,
                                 gpointer handler_data);

/* A sensor proxy that lactd_client_sync_sensors() added: SENSOR is NULL
 * and ERROR says why when it could not be made. */
typedef void (*LactdClientSensorAdded) (const char *path, LactdSensor1 *sensor,
                                        const GError *error,
                                        gpointer user_data);
/* A sensor that is no longer paired, called before its proxy is dropped. */
typedef void (*LactdClientSensorRemoved) (const char *path,
                                          gpointer user_data);

/* Brings SENSORS (object path → LactdSensor1 proxy) in line with
 * Manager1.Sensors: makes a proxy for each new path, with
 * PROPERTIES_CHANGED connected after its own "g-properties-changed"
 * handler, and drops those of the paths that are gone. */
void lactd_client_sync_sensors (LactdManager1 *manager, GHashTable *sensors,
                                GCallback properties_changed,
                                LactdClientSensorAdded added,
                                LactdClientSensorRemoved removed,
                                gpointer user_data);

/* TEXT (a name, a message from lactd) as it may be printed on a
 * terminal: invalid UTF-8 replaced, escape sequences (CSI, OSC, …) and
 * every other C0, DEL and C1 control removed, tabs and line breaks made
 * spaces, bidirectional overrides dropped. NULL gives "". */
char *lactd_client_printable (const char *text);

/* A g_unix_signal_add() callback that quits the GMainLoop LOOP. */
gboolean lactd_client_quit_loop (gpointer loop);

G_END_DECLS
