/* lactd-app-add-dialog.h — adding a session by hand (History1.AddSession):
 * the kind, when it started, minutes and millilitres per side, and the
 * supplement. Only what cannot be read as a number or a time is caught
 * here; everything else goes to the daemon, and its own message
 * (InvalidArgs' text, as it is) is shown in the dialog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lactd-app-client.h"

G_BEGIN_DECLS

#define LACTD_TYPE_APP_ADD_DIALOG (lactd_app_add_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppAddDialog, lactd_app_add_dialog, LACTD, APP_ADD_DIALOG,
                      AdwWindow)

GtkWidget *lactd_app_add_dialog_new (GtkWindow *parent, LactdAppClient *client);

G_END_DECLS
