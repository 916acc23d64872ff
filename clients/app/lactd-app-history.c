/* lactd-app-history.c — the History view (see the header).
 *
 * Paging: each page asks for the PAGE_SIZE newest sessions that started
 * before the oldest one shown, plus one second, and skips the ids already
 * shown, so sessions sharing the boundary's start second are not lost. A
 * page shorter than asked for is the end of the history. The next page is
 * asked for when the view comes within one screen of the list's end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include "lactd-app-format.h"
#include "lactd-app-history.h"
#include "lactd-app-window.h"

#define PAGE_SIZE 50

struct _LactdAppHistory {
  AdwBin parent_instance;

  LactdAppClient *client;
  GCancellable *cancellable;
  GtkWidget *stack;          /* "list" or "empty" */
  GtkWidget *scrolled;
  GtkWidget *list;
  GHashTable *shown;         /* session id (guint64 *) → its GtkListBoxRow */
  gint64 oldest_start;
  gboolean loading;
  gboolean exhausted;
  gboolean skip_boundary;    /* the last page brought nothing new */
  GTimeZone *tz;
};

G_DEFINE_FINAL_TYPE (LactdAppHistory, lactd_app_history, ADW_TYPE_BIN)

static void load_page (LactdAppHistory *self);

static GVariant *
row_session (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "session");
}

/* ---------------------------------------------------------- sort, days */

static int
sort_newest_first (GtkListBoxRow *a, GtkListBoxRow *b, gpointer user_data)
{
  GVariant *sa = row_session (a), *sb = row_session (b);
  gint64 start_a = lactd_dict_int64 (sa, "start", 0);
  gint64 start_b = lactd_dict_int64 (sb, "start", 0);
  guint64 id_a = lactd_dict_uint64 (sa, "id", 0), id_b = lactd_dict_uint64 (sb, "id", 0);

  if (start_a != start_b)
    return start_a > start_b ? -1 : 1;
  return id_a > id_b ? -1 : id_a < id_b;
}

static void
day_header (GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
  LactdAppHistory *self = user_data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *day = lactd_format_day_heading (lactd_dict_int64 (row_session (row),
                                                                     "start", 0), now, self->tz);
  g_autofree char *previous = NULL;
  GtkWidget *label;

  if (before != NULL)
    previous = lactd_format_day_heading (lactd_dict_int64 (row_session (before), "start", 0),
                                         now, self->tz);
  if (g_strcmp0 (day, previous) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (day);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "day-heading");
  gtk_list_box_row_set_header (row, label);
}

/* -------------------------------------------------------------- delete */

static void
remove_row (LactdAppHistory *self, guint64 id)
{
  GtkWidget *row = g_hash_table_lookup (self->shown, &id);

  if (row == NULL)
    return;
  gtk_list_box_remove (GTK_LIST_BOX (self->list), row);
  g_hash_table_remove (self->shown, &id);
  if (g_hash_table_size (self->shown) == 0 && self->exhausted)
    gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

typedef struct {
  LactdAppHistory *self;
  guint64 id;
} Deleting;

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree Deleting *deleting = user_data;
  LactdAppHistory *self;

  lactd_history1_call_delete_session_finish (LACTD_HISTORY1 (source), result, &error);
  if (lactd_app_error_is_cancelled (error))
    return;
  self = deleting->self;
  if (error != NULL)
    {
      /* The row stays: the session is still stored. */
      g_autofree char *message = lactd_app_error_message (error);
      lactd_app_toast (GTK_WIDGET (self), message);
      return;
    }
  remove_row (self, deleting->id);
  lactd_app_client_session_deleted (self->client, deleting->id);
  lactd_app_toast (GTK_WIDGET (self), "Session deleted");
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  LactdAppHistory *self = user_data;
  LactdHistory1 *history = lactd_app_client_get_history (self->client);
  Deleting *deleting;

  if (!g_str_equal (response, "delete") || history == NULL)
    return;
  deleting = g_new (Deleting, 1);
  deleting->self = self;
  deleting->id = *(guint64 *) g_object_get_data (G_OBJECT (dialog), "id");
  lactd_history1_call_delete_session (history, deleting->id, self->cancellable,
                                      on_deleted, deleting);
}

static void
on_delete_clicked (GtkButton *button, gpointer user_data)
{
  LactdAppHistory *self = user_data;
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  GVariant *session = row_session (GTK_LIST_BOX_ROW (row));
  g_autofree char *title = NULL, *subtitle = NULL;
  guint64 *id = g_new (guint64, 1);
  GtkWidget *dialog;

  *id = lactd_dict_uint64 (session, "id", 0);
  lactd_format_session_row (session, &title, &subtitle);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   "Delete this session?", NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  "%s\n%s\n\nIt cannot be brought back.", title, subtitle);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", "Cancel", "delete", "Delete", NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "id", id, g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------- rows */

static void
add_session (LactdAppHistory *self, GVariant *session)
{
  guint64 id = lactd_dict_uint64 (session, "id", 0);
  g_autofree char *title = NULL, *subtitle = NULL;
  g_autofree char *delete_name = NULL;
  GtkWidget *row, *delete;

  if (g_hash_table_contains (self->shown, &id))
    return;
  lactd_format_session_row (session, &title, &subtitle);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "session", g_variant_ref_sink (session),
                          (GDestroyNotify) g_variant_unref);
  delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete, "flat");
  gtk_widget_add_css_class (delete, "dim-label");
  gtk_widget_set_tooltip_text (delete, "Delete this session");
  delete_name = g_strdup_printf ("Delete session %s", title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  delete_name, -1);
  g_signal_connect (delete, "clicked", G_CALLBACK (on_delete_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);
  gtk_list_box_append (GTK_LIST_BOX (self->list), row);
  g_hash_table_insert (self->shown, g_memdup2 (&id, sizeof id), row);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "list");
}

static void
on_session_added (LactdHistory1 *history, GVariant *session, gpointer user_data)
{
  LactdAppHistory *self = user_data;

  /* Older than what is loaded: its page will bring it. */
  if (self->exhausted || lactd_dict_int64 (session, "start", 0) >= self->oldest_start)
    add_session (self, session);
}

/* -------------------------------------------------------------- paging */

static void
add_sessions (LactdAppHistory *self, GVariant *sessions)
{
  GVariantIter iter;
  GVariant *session;

  g_variant_iter_init (&iter, sessions);
  while ((session = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) owned = session;

      self->oldest_start = MIN (self->oldest_start, lactd_dict_int64 (session, "start", 0));
      add_session (self, session);
    }
  if (g_hash_table_size (self->shown) == 0 && self->exhausted)
    gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
}

static void
page_failed (LactdAppHistory *self, const GError *error)
{
  g_autofree char *message = lactd_app_error_message (error);

  lactd_app_toast (GTK_WIDGET (self), message);
}

static void
on_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) sessions = NULL;
  LactdAppHistory *self = user_data;
  guint shown_before;

  lactd_history1_call_list_sessions_page_finish (LACTD_HISTORY1 (source), &sessions,
                                                 result, &error);
  if (lactd_app_error_is_cancelled (error))
    return;
  self->loading = FALSE;
  if (error != NULL)
    {
      page_failed (self, error);
      return;
    }
  self->exhausted = g_variant_n_children (sessions) < PAGE_SIZE;
  shown_before = g_hash_table_size (self->shown);
  add_sessions (self, sessions);
  /* Only sessions of the boundary's second, all shown: the next page
   * starts before that second. */
  self->skip_boundary = g_hash_table_size (self->shown) == shown_before;
  if (self->skip_boundary && !self->exhausted)
    load_page (self);
  /* Otherwise the rows change the scrolled window's adjustment, whose
   * "changed" asks for the next page if the screen is not full yet. */
}

static void
load_page (LactdAppHistory *self)
{
  LactdHistory1 *history = lactd_app_client_get_history (self->client);
  gint64 before = self->oldest_start == G_MAXINT64 ? 0
                  : self->skip_boundary ? self->oldest_start : self->oldest_start + 1;

  if (history == NULL || self->loading || self->exhausted)
    return;
  self->loading = TRUE;
  lactd_history1_call_list_sessions_page (history, before, PAGE_SIZE, self->cancellable,
                                          on_page, self);
}

static void
maybe_load_more (LactdAppHistory *self)
{
  GtkAdjustment *adjustment =
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled));
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);

  /* Within one screen of the end (or the list does not fill it yet). */
  if (value + 2 * page >= upper)
    load_page (self);
}

static void
on_scrolled (GtkAdjustment *adjustment, gpointer user_data)
{
  maybe_load_more (user_data);
}

static void
reset (LactdAppHistory *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = FALSE;
  self->exhausted = FALSE;
  self->skip_boundary = FALSE;
  self->oldest_start = G_MAXINT64;
  g_hash_table_remove_all (self->shown);
  /* gtk_list_box_remove_all() is GTK 4.12. */
  for (GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0);
       row != NULL; row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0))
    gtk_list_box_remove (GTK_LIST_BOX (self->list), GTK_WIDGET (row));
}

static void
on_client_state (LactdAppClient *client, GParamSpec *pspec, gpointer user_data)
{
  LactdAppHistory *self = user_data;
  LactdHistory1 *history = lactd_app_client_get_history (client);

  reset (self);
  if (history == NULL)
    return;
  g_signal_connect_object (history, "session-added", G_CALLBACK (on_session_added), self, 0);
  load_page (self);
}

/* ---------------------------------------------------------------- build */

static GtkWidget *
add_button_new (void)
{
  GtkWidget *button = gtk_button_new_with_label ("Add a Session…");

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.add-session");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_add_css_class (button, "pill");
  return button;
}

static GtkWidget *
list_page_new (LactdAppHistory *self)
{
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkAdjustment *adjustment;

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_list_box_set_sort_func (GTK_LIST_BOX (self->list), sort_newest_first, NULL, NULL);
  gtk_list_box_set_header_func (GTK_LIST_BOX (self->list), day_header, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Sessions, newest first", -1);
  gtk_widget_add_css_class (box, "page-content");
  gtk_box_append (GTK_BOX (box), add_button_new ());
  gtk_box_append (GTK_BOX (box), self->list);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), clamp);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled));
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_scrolled), self, 0);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_scrolled), self, 0);
  return self->scrolled;
}

static GtkWidget *
empty_page_new (void)
{
  GtkWidget *page = adw_status_page_new ();
  GtkWidget *button = add_button_new ();

  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "document-open-recent-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), "No Sessions Yet");
  adw_status_page_set_description (ADW_STATUS_PAGE (page),
                                   "Sessions from a paired sensor appear here by themselves. "
                                   "Hand expression or a breastfeed can be added by hand.");
  adw_status_page_set_child (ADW_STATUS_PAGE (page), button);
  return page;
}

static void
lactd_app_history_dispose (GObject *object)
{
  LactdAppHistory *self = LACTD_APP_HISTORY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  G_OBJECT_CLASS (lactd_app_history_parent_class)->dispose (object);
}

static void
lactd_app_history_class_init (LactdAppHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lactd_app_history_dispose;
}

static void
lactd_app_history_init (LactdAppHistory *self)
{
  self->cancellable = g_cancellable_new ();
  self->shown = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->oldest_start = G_MAXINT64;
  self->tz = g_time_zone_new_local ();
}

GtkWidget *
lactd_app_history_new (LactdAppClient *client)
{
  LactdAppHistory *self = g_object_new (LACTD_TYPE_APP_HISTORY, NULL);

  self->client = g_object_ref (client);
  self->stack = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (self->stack), list_page_new (self), "list");
  gtk_stack_add_named (GTK_STACK (self->stack), empty_page_new (), "empty");
  adw_bin_set_child (ADW_BIN (self), self->stack);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  on_client_state (client, NULL, self);
  return GTK_WIDGET (self);
}
