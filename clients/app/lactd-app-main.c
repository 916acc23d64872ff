/* lactd-app-main.c — lactd-app (org.lactd.App): a GTK 4 + libadwaita
 * client of org.lactd that draws what lactd records: today's progress,
 * the live session and the weeks-long trend. It talks only D-Bus, through
 * the proxies generated from the XML in data/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include <adwaita.h>
#include <glib-unix.h>
#include <signal.h>

#include "lactd-app-window.h"

#define APP_ID "org.lactd.App"

static void
on_about (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *parent = gtk_application_get_active_window (app);
  static const char *const developers[] = { "The lactd authors", NULL };
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about,
                "application-name", "lactd",
                "application-icon", APP_ID,
                "version", VERSION,
                "developer-name", "The lactd authors",
                "developers", developers,
                "license-type", GTK_LICENSE_GPL_3_0,
                "comments", "Sessions, progress and the weeks-long trend of "
                            "rebuilding a milk supply, from lactd.",
                "transient-for", parent,
                "modal", TRUE,
                NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_activate (GApplication *app, gpointer user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (lactd_app_window_new (ADW_APPLICATION (app)));
  gtk_window_present (window);
}

static void
on_startup (GApplication *app, gpointer user_data)
{
  static const GActionEntry actions[] = {
    { .name = "about", .activate = on_about },
  };
  static const char *const quit_accels[] = { "<Control>q", NULL };
  static const char *const add_accels[] = { "<Control>n", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.add-session",
                                         add_accels);
}

/* SIGTERM and SIGINT close the app as its window would: cleanly. */
static gboolean
on_signal (gpointer app)
{
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_CONTINUE;
}

static void
on_quit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

int
main (int argc, char **argv)
{
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GSimpleAction) quit = g_simple_action_new ("quit", NULL);
  guint sigterm_id, sigint_id;
  int status;

  g_set_application_name ("lactd");
  app = adw_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);
  g_application_set_resource_base_path (G_APPLICATION (app), "/org/lactd/App");
  g_signal_connect (quit, "activate", G_CALLBACK (on_quit), app);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (quit));
  g_signal_connect (app, "startup", G_CALLBACK (on_startup), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, app);
  sigint_id = g_unix_signal_add (SIGINT, on_signal, app);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  return status;
}
