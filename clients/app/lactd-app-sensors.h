/* lactd-app-sensors.h — the Sensors view: Bluetooth's state, the paired
 * sensors (battery, connection, last sync, lost and rejected records) with
 * Forget, and Discover with Pair (lactd-app-pairing.h asks the user to
 * compare the passkey).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lactd-app-client.h"

G_BEGIN_DECLS

#define LACTD_TYPE_APP_SENSORS (lactd_app_sensors_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppSensors, lactd_app_sensors, LACTD, APP_SENSORS, AdwBin)

GtkWidget *lactd_app_sensors_new (LactdAppClient *client);

G_END_DECLS
