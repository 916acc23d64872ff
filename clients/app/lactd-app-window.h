/* lactd-app-window.h — lactd-app's main window: the five views (Today,
 * Trends, History, Sensors, Goals) in an AdwViewStack, the reminder
 * banner, and the pages shown while lactd starts or when it cannot be
 * started.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LACTD_TYPE_APP_WINDOW (lactd_app_window_get_type ())
G_DECLARE_FINAL_TYPE (LactdAppWindow, lactd_app_window, LACTD, APP_WINDOW,
                      AdwApplicationWindow)

LactdAppWindow *lactd_app_window_new (AdwApplication *app);
/* Opens the add-session dialog (the "win.add-session" action). */
void lactd_app_window_add_session (LactdAppWindow *self);

/* Shows MESSAGE as a toast in the window that holds WIDGET. */
void lactd_app_toast (GtkWidget *widget, const char *message);

/* Tells assistive technologies whether WIDGET is on screen. GTK 4.8 keeps
 * the content of a collapsed GtkRevealer and of a stack's other pages in
 * the accessibility tree; a screen reader should not read them. */
void lactd_app_set_presented (GtkWidget *widget, gboolean presented);

G_END_DECLS
