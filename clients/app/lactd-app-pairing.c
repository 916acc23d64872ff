/* lactd-app-pairing.c — pairing one sensor (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include <adwaita.h>

#include "lactd-app-pairing.h"
#include "lactd-app-window.h"

/* Longer than the daemon's 60 s wait for a comparison's answer. */
#define PAIR_TIMEOUT_MS (120 * 1000)

typedef struct {
  GtkWindow *parent;
  LactdManager1 *manager;
  char *address;
  char *name;
  gulong passkey_handler;
  GtkWidget *dialog;          /* the passkey shown, while it is open */
  LactdAppPairDone done;
  gpointer user_data;
} Pairing;

static void
pairing_free (Pairing *pairing)
{
  if (pairing->passkey_handler != 0)
    g_signal_handler_disconnect (pairing->manager, pairing->passkey_handler);
  if (pairing->dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (pairing->dialog), (gpointer *) &pairing->dialog);
      gtk_window_destroy (GTK_WINDOW (pairing->dialog));
    }
  g_object_unref (pairing->parent);
  g_object_unref (pairing->manager);
  g_free (pairing->address);
  g_free (pairing->name);
  g_free (pairing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pairing, pairing_free)

/* ------------------------------------------------------------ confirm */

static void
on_confirmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkWindow) parent = user_data;

  if (lactd_manager1_call_confirm_pairing_finish (LACTD_MANAGER1 (source), result, &error))
    return;
  if (!lactd_app_error_is_cancelled (error))
    {
      g_autofree char *message = lactd_app_error_message (error);
      lactd_app_toast (GTK_WIDGET (parent), message);
    }
}

static void
on_compare_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Pairing *pairing = user_data;
  gboolean accept = g_str_equal (response, "yes");

  lactd_manager1_call_confirm_pairing (pairing->manager, pairing->address, accept, NULL,
                                       on_confirmed, g_object_ref (pairing->parent));
}

static void
show_passkey (Pairing *pairing, guint passkey, gboolean confirm)
{
  AdwMessageDialog *dialog;

  if (pairing->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (pairing->dialog));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (pairing->parent, NULL, NULL));
  if (confirm)
    {
      adw_message_dialog_format_heading (dialog, "Does the sensor show %06u?", passkey);
      adw_message_dialog_format_body (dialog, "Pairing with %s. Compare with the number "
                                      "on the sensor's display: the same number means "
                                      "it is your sensor.", pairing->name);
      adw_message_dialog_add_responses (dialog, "no", "No", "yes", "Yes", NULL);
      adw_message_dialog_set_response_appearance (dialog, "yes", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_close_response (dialog, "no");
      g_signal_connect (dialog, "response", G_CALLBACK (on_compare_response), pairing);
    }
  else
    {
      adw_message_dialog_format_heading (dialog, "Pairing with %s", pairing->name);
      adw_message_dialog_format_body (dialog, "The sensor shows the passkey %06u.",
                                      passkey);
      adw_message_dialog_add_response (dialog, "close", "Close");
    }
  pairing->dialog = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &pairing->dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_passkey (LactdManager1 *manager, const char *address, guint passkey, gboolean confirm,
            gpointer user_data)
{
  Pairing *pairing = user_data;

  /* Another client's pairing is its own to answer. */
  if (g_ascii_strcasecmp (address, pairing->address) == 0)
    show_passkey (pairing, passkey, confirm);
}

/* --------------------------------------------------------------- pair */

static void
show_failure (GtkWindow *parent, const char *name, const GError *error)
{
  g_autofree char *message = lactd_app_error_message (error);
  GtkWidget *dialog = adw_message_dialog_new (parent, NULL, message);

  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), "%s was not paired", name);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", "Close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_paired (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Pairing) pairing = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result,
                                                        &error);
  const char *path = NULL;

  if (lactd_app_error_is_cancelled (error))
    return;
  if (reply != NULL)
    {
      g_autofree char *message = g_strdup_printf ("Paired %s", pairing->name);
      g_variant_get (reply, "(&o)", &path);
      lactd_app_toast (GTK_WIDGET (pairing->parent), message);
    }
  else
    show_failure (pairing->parent, pairing->name, error);
  if (pairing->done != NULL)
    pairing->done (path, pairing->user_data);
}

void
lactd_app_pair (GtkWindow *parent, LactdAppClient *client, const char *address,
                const char *name, GCancellable *cancellable, LactdAppPairDone done,
                gpointer user_data)
{
  LactdManager1 *manager = lactd_app_client_get_manager (client);
  Pairing *pairing;

  if (manager == NULL)
    {
      lactd_app_toast (GTK_WIDGET (parent), "lactd is not running.");
      return;
    }
  pairing = g_new0 (Pairing, 1);
  pairing->parent = g_object_ref (parent);
  pairing->manager = g_object_ref (manager);
  pairing->address = g_strdup (address);
  pairing->name = g_strdup (name != NULL && *name != '\0' ? name : address);
  pairing->done = done;
  pairing->user_data = user_data;
  pairing->passkey_handler = g_signal_connect (manager, "pairing-passkey",
                                               G_CALLBACK (on_passkey), pairing);
  g_dbus_proxy_call (G_DBUS_PROXY (manager), "Pair", g_variant_new ("(s)", address),
                     G_DBUS_CALL_FLAGS_NO_AUTO_START, PAIR_TIMEOUT_MS, cancellable,
                     on_paired, pairing);
}
