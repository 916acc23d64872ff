/* lactd-app-window.c — the main window (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include "lactd-app-add-dialog.h"
#include "lactd-app-client.h"
#include "lactd-app-format.h"
#include "lactd-app-goals.h"
#include "lactd-app-history.h"
#include "lactd-app-sensors.h"
#include "lactd-app-today.h"
#include "lactd-app-trends.h"
#include "lactd-app-window.h"

#define SNOOZE_MINUTES 15

struct _LactdAppWindow {
  AdwApplicationWindow parent_instance;

  LactdAppClient *client;
  GCancellable *cancellable;     /* calls of this window, cancelled at close */
  GtkWidget *toasts;
  GtkWidget *state_stack;        /* connecting, absent, main */
  GtkWidget *absent_page;
  GtkWidget *views;
  GtkWidget *banner;
  GtkWidget *banner_label;
  GtkWidget *switcher_title;
  GtkWidget *add_button;
  GTimeZone *tz;
};

G_DEFINE_FINAL_TYPE (LactdAppWindow, lactd_app_window, ADW_TYPE_APPLICATION_WINDOW)

void
lactd_app_toast (GtkWidget *widget, const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwToast *toast;

  /* From a dialog: the toast goes to the main window under it. */
  if (overlay == NULL && GTK_IS_WINDOW (root))
    {
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (root));
      if (LACTD_IS_APP_WINDOW (parent))
        overlay = LACTD_APP_WINDOW (parent)->toasts;
    }
  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

void
lactd_app_set_presented (GtkWidget *widget, gboolean presented)
{
  gtk_accessible_update_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_HIDDEN,
                               !presented, -1);
}

/* ------------------------------------------------------------- reminder */

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
banner_show (LactdAppWindow *self, const char *message)
{
  gtk_label_set_text (GTK_LABEL (self->banner_label), message);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), TRUE);
  lactd_app_set_presented (gtk_revealer_get_child (GTK_REVEALER (self->banner)), TRUE);
}

static void
banner_hide (LactdAppWindow *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), FALSE);
  lactd_app_set_presented (gtk_revealer_get_child (GTK_REVEALER (self->banner)), FALSE);
}

static void
on_reminder_due (LactdGoals1 *goals, const char *kind, gint64 due,
                 const char *message, gpointer user_data)
{
  banner_show (user_data, message);
}

/* A reminder pending from before the app started has no signal to show:
 * NextDue in the past says it is there. */
static void
check_pending (LactdAppWindow *self, gboolean may_show)
{
  LactdGoals1 *goals = lactd_app_client_get_goals (self->client);
  gint64 due = goals != NULL ? lactd_goals1_get_next_due (goals) : 0;

  if (due <= 0 || due > now_unix ())
    banner_hide (self);
  else if (may_show && !gtk_revealer_get_reveal_child (GTK_REVEALER (self->banner)))
    {
      g_autofree char *clock = lactd_format_clock (due, self->tz);
      g_autofree char *message = g_strdup_printf ("A session was due at %s.", clock);
      banner_show (self, message);
    }
}

static void
on_next_due (GObject *goals, GParamSpec *pspec, gpointer user_data)
{
  check_pending (user_data, FALSE);
}

static void
on_reminder_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  LactdAppWindow *self = user_data;
  g_autofree char *message = NULL;

  if (lactd_app_error_is_cancelled (error))
    return;
  if (error == NULL || g_strcmp0 (g_dbus_error_get_remote_error (error),
                                  "org.lactd.Error.NotFound") == 0)
    {
      banner_hide (self);
      return;
    }
  message = lactd_app_error_message (error);
  lactd_app_toast (GTK_WIDGET (self), message);
}

static void
on_snooze_clicked (GtkButton *button, gpointer user_data)
{
  LactdAppWindow *self = user_data;
  LactdGoals1 *goals = lactd_app_client_get_goals (self->client);

  if (goals == NULL)
    return;
  /* lactd_goals1_call_snooze() finishes through its own type; the plain
   * proxy call lets one callback answer both buttons. */
  g_dbus_proxy_call (G_DBUS_PROXY (goals), "Snooze", g_variant_new ("(u)", SNOOZE_MINUTES),
                     G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable,
                     on_reminder_answered, self);
}

static void
on_dismiss_clicked (GtkButton *button, gpointer user_data)
{
  LactdAppWindow *self = user_data;
  LactdGoals1 *goals = lactd_app_client_get_goals (self->client);

  if (goals == NULL)
    return;
  g_dbus_proxy_call (G_DBUS_PROXY (goals), "Dismiss", NULL,
                     G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable,
                     on_reminder_answered, self);
}

static GtkWidget *
banner_new (LactdAppWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *snooze = gtk_button_new_with_label ("Snooze 15 min");
  GtkWidget *dismiss = gtk_button_new_with_label ("Dismiss");

  gtk_widget_add_css_class (box, "reminder-banner");
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Reminder", -1);
  self->banner_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->banner_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->banner_label), 0);
  gtk_widget_set_hexpand (self->banner_label, TRUE);
  gtk_widget_add_css_class (self->banner_label, "heading");
  gtk_widget_set_valign (snooze, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (dismiss, GTK_ALIGN_CENTER);
  g_signal_connect (snooze, "clicked", G_CALLBACK (on_snooze_clicked), self);
  g_signal_connect (dismiss, "clicked", G_CALLBACK (on_dismiss_clicked), self);
  gtk_box_append (GTK_BOX (box), self->banner_label);
  gtk_box_append (GTK_BOX (box), snooze);
  gtk_box_append (GTK_BOX (box), dismiss);
  self->banner = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (self->banner), box);
  lactd_app_set_presented (box, FALSE);
  return self->banner;
}

/* ------------------------------------------------------------- presence */

/* Shows the page NAME of the state stack, and only it to assistive
 * technologies. */
static void
show_state_page (LactdAppWindow *self, const char *name)
{
  GtkStack *stack = GTK_STACK (self->state_stack);

  gtk_stack_set_visible_child_name (stack, name);
  for (GtkWidget *page = gtk_widget_get_first_child (self->state_stack); page != NULL;
       page = gtk_widget_get_next_sibling (page))
    lactd_app_set_presented (page, page == gtk_stack_get_visible_child (stack));
}

static void
on_client_state (LactdAppClient *client, GParamSpec *pspec, gpointer user_data)
{
  LactdAppWindow *self = user_data;
  LactdGoals1 *goals = lactd_app_client_get_goals (client);
  gboolean ready = lactd_app_client_get_state (client) == LACTD_APP_CLIENT_READY;

  /* The views and adding a session need the daemon. */
  adw_view_switcher_title_set_view_switcher_enabled (ADW_VIEW_SWITCHER_TITLE (self->switcher_title),
                                                     ready);
  gtk_widget_set_sensitive (self->add_button, ready);
  switch (lactd_app_client_get_state (client))
    {
    case LACTD_APP_CLIENT_READY:
      g_signal_connect_object (goals, "reminder-due", G_CALLBACK (on_reminder_due), self, 0);
      g_signal_connect_object (goals, "notify::next-due", G_CALLBACK (on_next_due), self, 0);
      check_pending (self, TRUE);
      show_state_page (self, "main");
      break;
    case LACTD_APP_CLIENT_ABSENT:
      banner_hide (self);
      adw_status_page_set_title (ADW_STATUS_PAGE (self->absent_page),
                                 lactd_app_client_get_problem (client));
      show_state_page (self, "absent");
      break;
    case LACTD_APP_CLIENT_CONNECTING:
    default:
      banner_hide (self);
      show_state_page (self, "connecting");
      break;
    }
}

static void
on_retry_clicked (GtkButton *button, gpointer user_data)
{
  LactdAppWindow *self = user_data;

  lactd_app_client_retry (self->client);
}

static GtkWidget *
absent_page_new (LactdAppWindow *self)
{
  GtkWidget *retry = gtk_button_new_with_label ("Try Again");

  self->absent_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->absent_page),
                                 "action-unavailable-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->absent_page), "lactd is not running.");
  adw_status_page_set_description (ADW_STATUS_PAGE (self->absent_page),
    "This app shows what the lactd service records, and it could not be started.\n"
    "Start it with <tt>systemctl --user start lactd</tt>\n"
    "or for every login with <tt>systemctl --user enable --now lactd</tt>.");
  gtk_widget_set_halign (retry, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (retry, "pill");
  gtk_widget_add_css_class (retry, "suggested-action");
  g_signal_connect (retry, "clicked", G_CALLBACK (on_retry_clicked), self);
  adw_status_page_set_child (ADW_STATUS_PAGE (self->absent_page), retry);
  return self->absent_page;
}

static GtkWidget *
connecting_page_new (void)
{
  GtkWidget *page = adw_status_page_new ();
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_size_request (spinner, 32, 32);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Connecting to lactd…");
  adw_status_page_set_child (ADW_STATUS_PAGE (page), spinner);
  return page;
}

/* ---------------------------------------------------------------- views */

static void
add_view (LactdAppWindow *self, GtkWidget *child, const char *name,
          const char *title, const char *icon)
{
  adw_view_stack_add_titled (ADW_VIEW_STACK (self->views), child, name, title);
  adw_view_stack_page_set_icon_name (adw_view_stack_get_page (ADW_VIEW_STACK (self->views),
                                                              child), icon);
}

static void
on_view_changed (AdwViewStack *views, GParamSpec *pspec, gpointer user_data)
{
  GtkWidget *shown = adw_view_stack_get_visible_child (views);
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (views);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_view_stack_page_get_child (page);

      lactd_app_set_presented (child, child == shown);
    }
}

static GtkWidget *
views_new (LactdAppWindow *self)
{
  self->views = adw_view_stack_new ();
  add_view (self, lactd_app_today_new (self->client), "today", "Today",
            "preferences-system-time-symbolic");
  add_view (self, lactd_app_trends_new (self->client), "trends", "Trends",
            "lactd-trends-symbolic");
  add_view (self, lactd_app_history_new (self->client), "history", "History",
            "document-open-recent-symbolic");
  add_view (self, lactd_app_sensors_new (self->client), "sensors", "Sensors",
            "bluetooth-active-symbolic");
  add_view (self, lactd_app_goals_new (self->client), "goals", "Goals",
            "starred-symbolic");
  g_signal_connect (self->views, "notify::visible-child", G_CALLBACK (on_view_changed), self);
  on_view_changed (ADW_VIEW_STACK (self->views), NULL, self);
  return self->views;
}

void
lactd_app_window_add_session (LactdAppWindow *self)
{
  GtkWidget *dialog;

  if (lactd_app_client_get_history (self->client) == NULL)
    {
      lactd_app_toast (GTK_WIDGET (self), "lactd is not running: nothing can be added now.");
      return;
    }
  dialog = lactd_app_add_dialog_new (GTK_WINDOW (self), self->client);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_add_session (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  lactd_app_window_add_session (user_data);
}

static void
on_show_view (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  LactdAppWindow *self = user_data;

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (self->views),
                                         g_variant_get_string (parameter, NULL));
}

static GtkWidget *
header_new (LactdAppWindow *self, GtkWidget **switcher_bar)
{
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_view_switcher_title_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");

  self->switcher_title = title;
  self->add_button = add;
  GtkWidget *menu = gtk_menu_button_new ();
  g_autoptr(GMenu) model = g_menu_new ();

  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (title),
                                     ADW_VIEW_STACK (self->views));
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (title), "lactd");
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_widget_set_tooltip_text (add, "Add a session by hand");
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Add a session", -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "win.add-session");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), add);
  g_menu_append (model, "About lactd", "app.about");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu), G_MENU_MODEL (model));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "open-menu-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Main menu", -1);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu);

  *switcher_bar = adw_view_switcher_bar_new ();
  adw_view_switcher_bar_set_stack (ADW_VIEW_SWITCHER_BAR (*switcher_bar),
                                   ADW_VIEW_STACK (self->views));
  g_object_bind_property (title, "title-visible", *switcher_bar, "reveal",
                          G_BINDING_SYNC_CREATE);
  return header;
}

/* ------------------------------------------------------------- GObject */

static void
lactd_app_window_dispose (GObject *object)
{
  LactdAppWindow *self = LACTD_APP_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  G_OBJECT_CLASS (lactd_app_window_parent_class)->dispose (object);
}

static void
lactd_app_window_class_init (LactdAppWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lactd_app_window_dispose;
}

static void
lactd_app_window_init (LactdAppWindow *self)
{
  static const GActionEntry actions[] = {
    { .name = "add-session", .activate = on_add_session },
    { .name = "show-view", .activate = on_show_view, .parameter_type = "s" },
  };

  self->cancellable = g_cancellable_new ();
  self->tz = g_time_zone_new_local ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions),
                                   self);
}

static void
build (LactdAppWindow *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *main_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *switcher_bar;
  GtkWidget *header;

  views_new (self);
  header = header_new (self, &switcher_bar);
  gtk_widget_set_vexpand (self->views, TRUE);
  gtk_box_append (GTK_BOX (main_box), self->views);
  gtk_box_append (GTK_BOX (main_box), switcher_bar);

  self->state_stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->state_stack),
                                 GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_stack_add_named (GTK_STACK (self->state_stack), connecting_page_new (), "connecting");
  gtk_stack_add_named (GTK_STACK (self->state_stack), absent_page_new (self), "absent");
  gtk_stack_add_named (GTK_STACK (self->state_stack), main_box, "main");
  gtk_widget_set_vexpand (self->state_stack, TRUE);

  self->toasts = adw_toast_overlay_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), self->state_stack);
  gtk_box_append (GTK_BOX (content), header);
  gtk_box_append (GTK_BOX (content), banner_new (self));
  gtk_box_append (GTK_BOX (content), self->toasts);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), content);
}

LactdAppWindow *
lactd_app_window_new (AdwApplication *app)
{
  LactdAppWindow *self = g_object_new (LACTD_TYPE_APP_WINDOW,
                                       "application", app,
                                       "title", "lactd",
                                       "default-width", 860,
                                       "default-height", 780,
                                       NULL);
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (app));

  self->client = lactd_app_client_new (bus);
  build (self);
  g_signal_connect (self->client, "notify::state", G_CALLBACK (on_client_state), self);
  lactd_app_client_start (self->client);
  on_client_state (self->client, NULL, self);
  return self;
}
