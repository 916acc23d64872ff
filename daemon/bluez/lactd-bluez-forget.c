/* lactd-bluez-forget.c — Manager1.Forget on top of BlueZ: disconnect the
 * sensor and remove its bond from every adapter that knows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include "lactd-bluez-pair.h"

typedef struct {
  guint pending;
  GError *error;
} ForgetData;

static void
forget_data_free (ForgetData *fd)
{
  g_clear_error (&fd->error);
  g_free (fd);
}

static void
forget_one_done (GTask *task, GError *error)
{
  ForgetData *fd = g_task_get_task_data (task);

  if (error && fd->error == NULL)
    fd->error = g_error_copy (error);
  if (--fd->pending > 0)
    {
      g_object_unref (task);
      return;
    }
  if (fd->error)
    g_task_return_error (task, g_steal_pointer (&fd->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
removed (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_bluez_call_finish (source, res, &error) &&
      lactd_bluez_is_error (error, "org.bluez.Error.DoesNotExist"))
    g_clear_error (&error);
  if (error)
    g_dbus_error_strip_remote_error (error);
  forget_one_done (data, error);
}

/* One device being forgotten. Its calls hold the task (and so the
 * LactdBluez) and pass the caller's cancellable: the caller (Manager1)
 * cancels it when it goes. */
typedef struct {
  GTask *task;
  char *device;
  char *adapter;
} ForgetOne;

static void
disconnected (GObject *source, GAsyncResult *res, gpointer data)
{
  ForgetOne *one = data;
  g_autoptr(GError) error = NULL;

  if (!lactd_bluez_call_finish (source, res, &error))
    g_debug ("Disconnect %s: %s", one->device, error->message);
  /* Cancelled: the bond is left as it is, the caller hears why. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    forget_one_done (one->task, error);
  else
    g_dbus_connection_call (G_DBUS_CONNECTION (source), BLUEZ_NAME,
                            one->adapter, BLUEZ_ADAPTER, "RemoveDevice",
                            g_variant_new ("(o)", one->device), NULL,
                            G_DBUS_CALL_FLAGS_NONE, 10000,
                            g_task_get_cancellable (one->task), removed,
                            one->task);
  g_free (one->device);
  g_free (one->adapter);
  g_free (one);
}

void
lactd_bluez_forget_async (LactdBluez *self, const char *address,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GPtrArray) devices = NULL;
  ForgetData *fd;

  g_task_set_source_tag (task, lactd_bluez_forget_async);
  if (!lactd_bluez_is_present (self))
    {
      g_task_return_new_error (task, LACTD_TRANSPORT_ERROR,
                               LACTD_TRANSPORT_ERROR_NO_ADAPTER,
                               "BlueZ (bluetoothd) is not running");
      return;
    }
  devices = lactd_bluez_find_devices (self, address);
  fd = g_new0 (ForgetData, 1);
  fd->pending = 1;
  g_task_set_task_data (task, fd, (GDestroyNotify) forget_data_free);
  for (guint i = 0; i < devices->len; i++)
    {
      ForgetOne *one = g_new0 (ForgetOne, 1);
      GVariant *adapter = lactd_bluez_get_prop (self, devices->pdata[i],
                                                BLUEZ_DEVICE, "Adapter");
      if (adapter == NULL)
        {
          g_free (one);
          continue;
        }
      one->task = g_object_ref (task);
      one->device = g_strdup (devices->pdata[i]);
      one->adapter = g_variant_dup_string (adapter, NULL);
      fd->pending++;
      g_message ("forgetting %s (%s)", address, one->device);
      g_dbus_connection_call (lactd_bluez_get_connection (self), BLUEZ_NAME,
                              one->device, BLUEZ_DEVICE, "Disconnect", NULL,
                              NULL, G_DBUS_CALL_FLAGS_NONE, 10000,
                              cancellable, disconnected, one);
    }
  forget_one_done (g_steal_pointer (&task), NULL);
}

gboolean
lactd_bluez_forget_finish (LactdBluez *self, GAsyncResult *result,
                           GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
