/* lactd-app-add-dialog.c — the add-session dialog (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include "lactd-app-add-dialog.h"
#include "lactd-app-format.h"
#include "lactd-app-window.h"

static const struct {
  const char *kind;
  const char *label;
} kinds[] = {
  { "hand", "Hand expression" },
  { "breastfeed", "Breastfeed" },
  { "pump", "Pump" },
  { "sns", "SNS feed" },
};

enum { FIELD_LEFT_ML, FIELD_RIGHT_ML, FIELD_SUPPLEMENT_ML, N_VOLUMES };

struct _LactdAppAddDialog {
  AdwWindow parent_instance;

  LactdAppClient *client;
  GCancellable *cancellable;
  GtkWidget *add;
  GtkWidget *error;
  GtkWidget *kind;
  GtkWidget *start;
  GtkWidget *left_minutes;
  GtkWidget *right_minutes;
  GtkWidget *both;
  GtkWidget *volumes[N_VOLUMES];
};

G_DEFINE_FINAL_TYPE (LactdAppAddDialog, lactd_app_add_dialog, ADW_TYPE_WINDOW)

static const char *const volume_keys[N_VOLUMES] = {
  "volume_left_ml", "volume_right_ml", "supplement_ml",
};
static const char *const volume_titles[N_VOLUMES] = {
  "Left volume (mL)", "Right volume (mL)", "Supplement given (mL)",
};

static void
show_error (LactdAppAddDialog *self, const char *message)
{
  gtk_label_set_text (GTK_LABEL (self->error), message);
  gtk_widget_set_visible (self->error, message != NULL);
}

static const char *
field_text (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The dictionary AddSession takes, from the fields; NULL with ERROR when
 * a field cannot be read. */
static GVariant *
session_from_fields (LactdAppAddDialog *self, GError **error)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  guint index = adw_combo_row_get_selected (ADW_COMBO_ROW (self->kind));
  gint64 start;
  guint32 left, right;

  if (!lactd_parse_start ("Started at", field_text (self->start),
                          g_get_real_time () / G_USEC_PER_SEC, tz, &start, error) ||
      !lactd_parse_minutes ("Left side", field_text (self->left_minutes), &left, error) ||
      !lactd_parse_minutes ("Right side", field_text (self->right_minutes), &right, error))
    return NULL;
  g_variant_builder_add (&builder, "{sv}", "kind",
                         g_variant_new_string (kinds[MIN (index, G_N_ELEMENTS (kinds) - 1)].kind));
  g_variant_builder_add (&builder, "{sv}", "start", g_variant_new_int64 (start));
  g_variant_builder_add (&builder, "{sv}", "utc_offset",
                         g_variant_new_int32 (g_time_zone_get_offset (
                             tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, start))
                           / 60));
  g_variant_builder_add (&builder, "{sv}", "duration_left", g_variant_new_uint32 (left));
  g_variant_builder_add (&builder, "{sv}", "duration_right", g_variant_new_uint32 (right));
  g_variant_builder_add (&builder, "{sv}", "double",
                         g_variant_new_boolean (gtk_switch_get_active (GTK_SWITCH (self->both))));
  for (guint i = 0; i < N_VOLUMES; i++)
    {
      gboolean present;
      double ml;

      if (!lactd_parse_ml (volume_titles[i], field_text (self->volumes[i]), &present, &ml,
                           error))
        return NULL;
      if (present)
        g_variant_builder_add (&builder, "{sv}", volume_keys[i], g_variant_new_double (ml));
    }
  return g_variant_builder_end (&builder);
}

static void
on_added (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  LactdAppAddDialog *self = user_data;
  guint64 id;

  lactd_history1_call_add_session_finish (LACTD_HISTORY1 (source), &id, result, &error);
  if (lactd_app_error_is_cancelled (error))
    return;
  gtk_widget_set_sensitive (self->add, TRUE);
  if (error != NULL)
    {
      /* The daemon's own words: they say exactly what was wrong. */
      g_autofree char *message = lactd_app_error_message (error);
      show_error (self, message);
      return;
    }
  lactd_app_toast (GTK_WIDGET (self), "Session added");
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_add_clicked (GtkButton *button, gpointer user_data)
{
  LactdAppAddDialog *self = user_data;
  LactdHistory1 *history = lactd_app_client_get_history (self->client);
  g_autoptr(GError) error = NULL;
  GVariant *session;

  if (history == NULL)
    {
      show_error (self, "lactd is not running: the session cannot be stored now.");
      return;
    }
  session = session_from_fields (self, &error);
  if (session == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  gtk_widget_set_sensitive (self->add, FALSE);
  lactd_history1_call_add_session (history, session, self->cancellable, on_added, self);
}

/* ---------------------------------------------------------------- build */

static GtkWidget *
entry_row (AdwPreferencesGroup *group, const char *title, const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  adw_preferences_group_add (group, row);
  return row;
}

static GtkWidget *
kind_row (void)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (labels, kinds[i].label);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Kind");
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  return row;
}

static GtkWidget *
fields_new (LactdAppAddDialog *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  AdwPreferencesGroup *when = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *sides = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *milk = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) start = g_date_time_add_minutes (now, -15);
  g_autofree char *start_text = g_date_time_format (start, "%H:%M");
  GtkWidget *both_row = adw_action_row_new ();

  self->kind = kind_row ();
  adw_preferences_group_add (when, self->kind);
  self->start = entry_row (when, "Started at (14:05 or 2026-03-01 14:05)", start_text);
  adw_preferences_group_set_title (sides, "Time on each side");
  self->left_minutes = entry_row (sides, "Left side (minutes)", "15");
  self->right_minutes = entry_row (sides, "Right side (minutes)", "0");
  self->both = gtk_switch_new ();
  gtk_widget_set_valign (self->both, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (both_row), "Both sides at once");
  adw_action_row_add_suffix (ADW_ACTION_ROW (both_row), self->both);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (both_row), self->both);
  adw_preferences_group_add (sides, both_row);
  adw_preferences_group_set_title (milk, "Milk");
  adw_preferences_group_set_description (milk, "Leave a volume empty when it was not measured.");
  for (guint i = 0; i < N_VOLUMES; i++)
    self->volumes[i] = entry_row (milk, volume_titles[i], "");
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), when);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), sides);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), milk);
  return page;
}

static GtkWidget *
header_new (LactdAppAddDialog *self)
{
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_label ("Cancel");

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  self->add = gtk_button_new_with_label ("Add");
  gtk_widget_add_css_class (self->add, "suggested-action");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  g_signal_connect (self->add, "clicked", G_CALLBACK (on_add_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->add);
  return header;
}

static void
lactd_app_add_dialog_dispose (GObject *object)
{
  LactdAppAddDialog *self = LACTD_APP_ADD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (lactd_app_add_dialog_parent_class)->dispose (object);
}

static void
lactd_app_add_dialog_class_init (LactdAppAddDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lactd_app_add_dialog_dispose;
}

static void
lactd_app_add_dialog_init (LactdAppAddDialog *self)
{
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
lactd_app_add_dialog_new (GtkWindow *parent, LactdAppClient *client)
{
  LactdAppAddDialog *self = g_object_new (LACTD_TYPE_APP_ADD_DIALOG,
                                          "transient-for", parent,
                                          "modal", TRUE,
                                          "title", "Add a Session",
                                          "default-width", 480,
                                          "default-height", 640,
                                          NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *fields;

  self->client = g_object_ref (client);
  gtk_box_append (GTK_BOX (box), header_new (self));
  self->error = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error), 0);
  gtk_widget_add_css_class (self->error, "error");
  gtk_widget_set_margin_start (self->error, 18);
  gtk_widget_set_margin_end (self->error, 18);
  gtk_widget_set_margin_top (self->error, 12);
  gtk_widget_set_visible (self->error, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Error", -1);
  gtk_box_append (GTK_BOX (box), self->error);
  fields = fields_new (self);
  gtk_widget_set_vexpand (fields, TRUE);
  gtk_box_append (GTK_BOX (box), fields);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->add);
  return GTK_WIDGET (self);
}
