/* lactd-app-pairing.h — pairing one sensor: Manager1.Pair, and while it
 * runs, the sensor's passkey from PairingPasskey. A numeric comparison
 * (confirm = true) asks "Does the sensor show 123456?" and answers with
 * ConfirmPairing; a passkey the sensor only displays is shown until the
 * pairing ends. The outcome is a toast, or a dialog with the daemon's
 * message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lactd-app-client.h"

G_BEGIN_DECLS

/* Called with the sensor's object path, or NULL when pairing failed. */
typedef void (*LactdAppPairDone) (const char *sensor_path, gpointer user_data);

/* Pairs ADDRESS (NAME for the user); PARENT holds the dialogs. DONE (may
 * be NULL) is called once, unless the pairing was cancelled with
 * CANCELLABLE, which must stay alive as long as USER_DATA. */
void lactd_app_pair (GtkWindow *parent, LactdAppClient *client, const char *address,
                     const char *name, GCancellable *cancellable,
                     LactdAppPairDone done, gpointer user_data);

G_END_DECLS
