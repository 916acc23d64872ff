/* lactd-app-sensors.c — the Sensors view (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include "lactd-app-format.h"
#include "lactd-app-pairing.h"
#include "lactd-app-sensors.h"
#include "lactd-app-window.h"

#define DISCOVER_SECONDS 10

struct _LactdAppSensors {
  AdwBin parent_instance;

  LactdAppClient *client;
  GCancellable *cancellable;
  GtkWidget *bluetooth_row;
  AdwPreferencesGroup *paired;
  GtkWidget *none_paired;
  GHashTable *rows;           /* object path → its row */
  AdwPreferencesGroup *found;
  GtkWidget *search;
  GtkWidget *spinner;
  GPtrArray *found_rows;
  GTimeZone *tz;
};

G_DEFINE_FINAL_TYPE (LactdAppSensors, lactd_app_sensors, ADW_TYPE_BIN)

/* ------------------------------------------------------------ bluetooth */

static const char *
bluetooth_words (const char *state)
{
  static const struct { const char *state, *words; } states[] = {
    { "ready", "Ready" },
    { "off", "Bluetooth is off: turn it on in Settings" },
    { "no-adapter", "No Bluetooth adapter was found" },
    { "no-bluez", "The Bluetooth service (bluetoothd) is not running" },
    { "simulated", "lactd runs with its simulated sensor" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (state, states[i].state) == 0)
      return states[i].words;
  return state != NULL ? state : "Unknown";
}

static void
show_bluetooth (LactdAppSensors *self)
{
  LactdManager1 *manager = lactd_app_client_get_manager (self->client);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->bluetooth_row),
                               manager != NULL
                               ? bluetooth_words (lactd_manager1_get_bluetooth_state (manager))
                               : "");
}

/* -------------------------------------------------------------- paired */

static char *
sensor_subtitle (LactdAppSensors *self, LactdSensor1 *sensor)
{
  g_autofree char *battery = lactd_format_battery (lactd_sensor1_get_battery (sensor));
  gint64 last_sync = lactd_sensor1_get_last_sync (sensor);
  g_autofree char *sync = NULL;
  const char *state = lactd_sensor1_get_sync_state (sensor);
  const char *error = lactd_sensor1_get_last_error (sensor);

  if (g_strcmp0 (state, "syncing") == 0)
    sync = g_strdup ("syncing now");
  else if (last_sync > 0)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *day = lactd_format_day_heading (last_sync, now, self->tz);
      g_autofree char *clock = lactd_format_clock (last_sync, self->tz);

      if (g_str_equal (day, "Today"))
        sync = g_strdup_printf ("last sync at %s", clock);
      else
        sync = g_strdup_printf ("last sync %s at %s", day, clock);
    }
  else
    sync = g_strdup ("never synced");
  return g_strdup_printf ("%s · %s · battery %s\n%s · %u records lost · %u set aside%s%s",
                          lactd_format_kind (lactd_sensor1_get_kind (sensor)),
                          lactd_sensor1_get_connected (sensor) ? "connected" : "not connected",
                          battery, sync, lactd_sensor1_get_lost_records (sensor),
                          lactd_sensor1_get_rejected_records (sensor),
                          g_strcmp0 (state, "error") == 0 && error != NULL ? "\n" : "",
                          g_strcmp0 (state, "error") == 0 && error != NULL ? error : "");
}

static void
show_sensor (LactdAppSensors *self, LactdSensor1 *sensor)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (sensor));
  GtkWidget *row = g_hash_table_lookup (self->rows, path);
  const char *name = lactd_sensor1_get_name (sensor);
  g_autofree char *subtitle = sensor_subtitle (self, sensor);

  if (row == NULL)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 name != NULL && *name != '\0'
                                 ? name : lactd_sensor1_get_address (sensor));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static void
on_sensor_changed (GDBusProxy *sensor, GVariant *changed, GStrv invalidated,
                   gpointer user_data)
{
  show_sensor (user_data, LACTD_SENSOR1 (sensor));
}

static void
on_forgotten (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  LactdAppSensors *self = user_data;

  if (lactd_manager1_call_forget_finish (LACTD_MANAGER1 (source), result, &error) ||
      lactd_app_error_is_cancelled (error))
    return;
  {
    g_autofree char *message = lactd_app_error_message (error);
    lactd_app_toast (GTK_WIDGET (self), message);
  }
}

static void
on_forget_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  LactdAppSensors *self = user_data;
  LactdManager1 *manager = lactd_app_client_get_manager (self->client);

  if (!g_str_equal (response, "forget") || manager == NULL)
    return;
  lactd_manager1_call_forget (manager, g_object_get_data (G_OBJECT (dialog), "path"),
                              self->cancellable, on_forgotten, self);
}

static void
on_forget_clicked (GtkButton *button, gpointer user_data)
{
  LactdAppSensors *self = user_data;
  const char *path = g_object_get_data (G_OBJECT (button), "path");
  GtkWidget *row = g_hash_table_lookup (self->rows, path);
  GtkWidget *dialog =
    adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL,
                            "lactd disconnects it and removes the pairing. Every session "
                            "it recorded stays in the history.");

  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), "Forget %s?",
                                     adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", "Cancel", "forget", "Forget", NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "forget",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_forget_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_sensor_added (LactdAppClient *client, LactdSensor1 *sensor, gpointer user_data)
{
  LactdAppSensors *self = user_data;
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (sensor));
  GtkWidget *row, *forget;

  if (g_hash_table_contains (self->rows, path))
    return;
  row = adw_action_row_new ();
  forget = gtk_button_new_with_label ("Forget");
  gtk_widget_set_valign (forget, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (forget), "path", g_strdup (path), g_free);
  g_signal_connect (forget, "clicked", G_CALLBACK (on_forget_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), forget);
  adw_preferences_group_add (self->paired, row);
  g_hash_table_insert (self->rows, g_strdup (path), row);
  gtk_widget_set_visible (self->none_paired, FALSE);
  g_signal_connect_object (sensor, "g-properties-changed", G_CALLBACK (on_sensor_changed),
                           self, G_CONNECT_AFTER);
  show_sensor (self, sensor);
}

static void
on_sensor_removed (LactdAppClient *client, LactdSensor1 *sensor, gpointer user_data)
{
  LactdAppSensors *self = user_data;
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (sensor));
  GtkWidget *row = g_hash_table_lookup (self->rows, path);

  if (row == NULL)
    return;
  adw_preferences_group_remove (self->paired, row);
  g_hash_table_remove (self->rows, path);
  gtk_widget_set_visible (self->none_paired, g_hash_table_size (self->rows) == 0);
}

/* ------------------------------------------------------------ discover */

static void
clear_found (LactdAppSensors *self)
{
  for (guint i = 0; i < self->found_rows->len; i++)
    adw_preferences_group_remove (self->found, g_ptr_array_index (self->found_rows, i));
  g_ptr_array_set_size (self->found_rows, 0);
}

static void
on_pair_done (const char *path, gpointer user_data)
{
  LactdAppSensors *self = user_data;

  if (path != NULL)
    clear_found (self);
}

static void
on_pair_clicked (GtkButton *button, gpointer user_data)
{
  LactdAppSensors *self = user_data;

  lactd_app_pair (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->client,
                  g_object_get_data (G_OBJECT (button), "address"),
                  g_object_get_data (G_OBJECT (button), "name"),
                  self->cancellable, on_pair_done, self);
}

static void
add_found (LactdAppSensors *self, const char *address, const char *name, const char *kind,
           gint16 rssi)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *pair = gtk_button_new_with_label ("Pair");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · signal %d dBm", address,
                                               g_strcmp0 (kind, "unknown") == 0
                                               ? "new sensor" : lactd_format_kind (kind),
                                               rssi);
  g_autofree char *pair_name = g_strdup_printf ("Pair %s", *name != '\0' ? name : address);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *name != '\0' ? name : address);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (pair, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (pair, "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (pair), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pair_name, -1);
  g_object_set_data_full (G_OBJECT (pair), "address", g_strdup (address), g_free);
  g_object_set_data_full (G_OBJECT (pair), "name", g_strdup (name), g_free);
  g_signal_connect (pair, "clicked", G_CALLBACK (on_pair_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), pair);
  adw_preferences_group_add (self->found, row);
  g_ptr_array_add (self->found_rows, row);
}

static void
on_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  LactdAppSensors *self = user_data;
  g_autoptr(GVariantIter) iter = NULL;
  const char *address, *name, *kind, *device;
  gint16 rssi;

  if (lactd_app_error_is_cancelled (error))
    return;
  gtk_widget_set_sensitive (self->search, TRUE);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  if (reply == NULL)
    {
      g_autofree char *message = lactd_app_error_message (error);
      lactd_app_toast (GTK_WIDGET (self), message);
      return;
    }
  g_variant_get (reply, "(a(ssssn))", &iter);
  while (g_variant_iter_next (iter, "(&s&s&s&sn)", &address, &name, &kind, &device, &rssi))
    add_found (self, address, name, kind, rssi);
  adw_preferences_group_set_description (self->found, self->found_rows->len > 0
                                         ? "Pair the sensor you own: it is remembered from "
                                           "then on."
                                         : "No sensor was found. Wake it (press its button) "
                                           "and search again.");
}

static void
on_search_clicked (GtkButton *button, gpointer user_data)
{
  LactdAppSensors *self = user_data;
  LactdManager1 *manager = lactd_app_client_get_manager (self->client);

  if (manager == NULL)
    return;
  clear_found (self);
  gtk_widget_set_sensitive (self->search, FALSE);
  gtk_spinner_start (GTK_SPINNER (self->spinner));
  adw_preferences_group_set_description (self->found, "Searching for 10 seconds…");
  g_dbus_proxy_call (G_DBUS_PROXY (manager), "Discover",
                     g_variant_new ("(u)", DISCOVER_SECONDS),
                     G_DBUS_CALL_FLAGS_NO_AUTO_START, (DISCOVER_SECONDS + 20) * 1000,
                     self->cancellable, on_discovered, self);
}

/* ---------------------------------------------------------------- state */

static void
on_manager_changed (GObject *manager, GParamSpec *pspec, gpointer user_data)
{
  show_bluetooth (user_data);
}

static void
on_client_state (LactdAppClient *client, GParamSpec *pspec, gpointer user_data)
{
  LactdAppSensors *self = user_data;
  LactdManager1 *manager = lactd_app_client_get_manager (client);
  g_autoptr(GList) sensors = NULL;
  GHashTableIter iter;
  gpointer row;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->search, manager != NULL);
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  clear_found (self);
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    adw_preferences_group_remove (self->paired, row);
  g_hash_table_remove_all (self->rows);
  gtk_widget_set_visible (self->none_paired, TRUE);
  show_bluetooth (self);
  if (manager == NULL)
    return;
  g_signal_connect_object (manager, "notify::bluetooth-state",
                           G_CALLBACK (on_manager_changed), self, 0);
  sensors = lactd_app_client_get_sensors (client);
  for (GList *l = sensors; l != NULL; l = l->next)
    on_sensor_added (client, l->data, self);
}

/* ---------------------------------------------------------------- build */

static GtkWidget *
page_new (LactdAppSensors *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  AdwPreferencesGroup *bluetooth = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *search_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->bluetooth_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->bluetooth_row), "Bluetooth");
  adw_preferences_group_add (bluetooth, self->bluetooth_row);

  self->paired = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->paired, "Paired sensors");
  adw_preferences_group_set_description (self->paired,
                                         "lactd syncs each one by itself whenever it is "
                                         "in range: nothing to do here day to day.");
  self->none_paired = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->none_paired),
                                 "No sensor paired yet");
  adw_preferences_group_add (self->paired, self->none_paired);

  self->found = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->found, "Add a sensor");
  adw_preferences_group_set_description (self->found,
                                         "Switch the sensor on next to this computer, "
                                         "then search.");
  self->spinner = gtk_spinner_new ();
  self->search = gtk_button_new_with_label ("Search");
  gtk_widget_set_valign (self->search, GTK_ALIGN_CENTER);
  g_signal_connect (self->search, "clicked", G_CALLBACK (on_search_clicked), self);
  gtk_box_append (GTK_BOX (search_box), self->spinner);
  gtk_box_append (GTK_BOX (search_box), self->search);
  adw_preferences_group_set_header_suffix (self->found, search_box);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), bluetooth);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->paired);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->found);
  return page;
}

static void
lactd_app_sensors_dispose (GObject *object)
{
  LactdAppSensors *self = LACTD_APP_SENSORS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->found_rows, g_ptr_array_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  G_OBJECT_CLASS (lactd_app_sensors_parent_class)->dispose (object);
}

static void
lactd_app_sensors_class_init (LactdAppSensorsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lactd_app_sensors_dispose;
}

static void
lactd_app_sensors_init (LactdAppSensors *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->found_rows = g_ptr_array_new ();
  self->tz = g_time_zone_new_local ();
}

GtkWidget *
lactd_app_sensors_new (LactdAppClient *client)
{
  LactdAppSensors *self = g_object_new (LACTD_TYPE_APP_SENSORS, NULL);

  self->client = g_object_ref (client);
  adw_bin_set_child (ADW_BIN (self), page_new (self));
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  g_signal_connect (client, "sensor-added", G_CALLBACK (on_sensor_added), self);
  g_signal_connect (client, "sensor-removed", G_CALLBACK (on_sensor_removed), self);
  on_client_state (client, NULL, self);
  return GTK_WIDGET (self);
}
