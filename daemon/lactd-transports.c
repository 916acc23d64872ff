/* lactd-transports.c — from lactd's options to its transport. Adding a
 * kind of device: its LactdTransport in a folder of its own, and its case
 * here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "lactd-transports.h"

#include "lactd-bluez.h"
#include "lactd-sim-transport.h"

static void
bluez_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  LactdBluez *bluez = lactd_bluez_new_finish (result, &error);

  if (bluez == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bluez, g_object_unref);
}

void
lactd_transport_new_for_options_async (const char *simulate,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  LactdSimTransport *sim;

  g_task_set_source_tag (task, lactd_transport_new_for_options_async);
  if (simulate == NULL)
    {
      lactd_bluez_new_async (cancellable, bluez_ready,
                             g_steal_pointer (&task));
      return;
    }
  sim = lactd_sim_transport_new (simulate, &error);
  if (sim == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sim, g_object_unref);
}

LactdTransport *
lactd_transport_new_for_options_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
