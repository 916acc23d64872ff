/* lactd-transport.c — the transport interface: its property, signal and
 * the wrappers around each implementation's vtable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-link"

#include "lactd-transport.h"

G_DEFINE_QUARK (lactd-transport-error-quark, lactd_transport_error)

G_DEFINE_INTERFACE (LactdTransport, lactd_transport, G_TYPE_OBJECT)

enum { SIGNAL_PAIRING_PASSKEY, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
lactd_transport_default_init (LactdTransportInterface *iface)
{
  g_object_interface_install_property (iface,
      g_param_spec_string ("bluetooth-state", "Bluetooth state",
                           "Manager1.BluetoothState", "no-bluez",
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  signals[SIGNAL_PAIRING_PASSKEY] =
    g_signal_new ("pairing-passkey", G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_UINT, G_TYPE_BOOLEAN);
}

LactdFoundSensor *
lactd_found_sensor_new (const char *address, const char *name,
                        const char *path, gint16 rssi)
{
  LactdFoundSensor *found = g_new0 (LactdFoundSensor, 1);

  found->address = g_strdup (address);
  found->name = g_strdup (name != NULL ? name : "");
  found->path = g_strdup (path != NULL ? path : "");
  found->rssi = rssi;
  return found;
}

void
lactd_found_sensor_free (LactdFoundSensor *found)
{
  if (found == NULL)
    return;
  g_free (found->address);
  g_free (found->name);
  g_free (found->path);
  g_free (found);
}

const char *
lactd_transport_get_state (LactdTransport *self)
{
  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), NULL);
  return LACTD_TRANSPORT_GET_IFACE (self)->get_state (self);
}

gboolean
lactd_transport_owns_sensor (LactdTransport *self, const char *address)
{
  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), FALSE);
  return LACTD_TRANSPORT_GET_IFACE (self)->owns_sensor (self, address);
}

GPtrArray *
lactd_transport_list_preset_sensors (LactdTransport *self)
{
  LactdTransportInterface *iface;
  GPtrArray *preset = NULL;

  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), NULL);
  iface = LACTD_TRANSPORT_GET_IFACE (self);
  if (iface->list_preset_sensors != NULL)
    preset = iface->list_preset_sensors (self);
  if (preset == NULL)
    preset = g_ptr_array_new_with_free_func (
        (GDestroyNotify) lactd_found_sensor_free);
  return preset;
}

LactdLink *
lactd_transport_create_link (LactdTransport *self, const char *address,
                             GError **error)
{
  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), NULL);
  return LACTD_TRANSPORT_GET_IFACE (self)->create_link (self, address, error);
}

char *
lactd_transport_dup_sensor_name (LactdTransport *self, const char *address)
{
  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), NULL);
  return LACTD_TRANSPORT_GET_IFACE (self)->dup_sensor_name (self, address);
}

void
lactd_transport_discover_async (LactdTransport *self, guint timeout_s,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (LACTD_IS_TRANSPORT (self));
  LACTD_TRANSPORT_GET_IFACE (self)->discover_async (self, timeout_s,
                                                    cancellable, callback,
                                                    user_data);
}

GPtrArray *
lactd_transport_discover_finish (LactdTransport *self, GAsyncResult *result,
                                 GError **error)
{
  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), NULL);
  return LACTD_TRANSPORT_GET_IFACE (self)->discover_finish (self, result,
                                                            error);
}

void
lactd_transport_pair_async (LactdTransport *self, const char *address,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (LACTD_IS_TRANSPORT (self));
  LACTD_TRANSPORT_GET_IFACE (self)->pair_async (self, address, cancellable,
                                                callback, user_data);
}

gboolean
lactd_transport_pair_finish (LactdTransport *self, GAsyncResult *result,
                             GError **error)
{
  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), FALSE);
  return LACTD_TRANSPORT_GET_IFACE (self)->pair_finish (self, result, error);
}

gboolean
lactd_transport_confirm_pairing (LactdTransport *self, const char *address,
                                 gboolean accept, GError **error)
{
  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), FALSE);
  return LACTD_TRANSPORT_GET_IFACE (self)->confirm_pairing (self, address,
                                                            accept, error);
}

void
lactd_transport_refuse_confirmations (LactdTransport *self, const char *why)
{
  g_return_if_fail (LACTD_IS_TRANSPORT (self));
  LACTD_TRANSPORT_GET_IFACE (self)->refuse_confirmations (self, why);
}

void
lactd_transport_forget_async (LactdTransport *self, const char *address,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (LACTD_IS_TRANSPORT (self));
  LACTD_TRANSPORT_GET_IFACE (self)->forget_async (self, address, cancellable,
                                                  callback, user_data);
}

gboolean
lactd_transport_forget_finish (LactdTransport *self, GAsyncResult *result,
                               GError **error)
{
  g_return_val_if_fail (LACTD_IS_TRANSPORT (self), FALSE);
  return LACTD_TRANSPORT_GET_IFACE (self)->forget_finish (self, result,
                                                          error);
}

void
lactd_transport_emit_pairing_passkey (LactdTransport *self,
                                      const char *address, guint passkey,
                                      gboolean confirm)
{
  g_return_if_fail (LACTD_IS_TRANSPORT (self));
  g_signal_emit (self, signals[SIGNAL_PAIRING_PASSKEY], 0, address, passkey,
                 confirm);
}

void
lactd_transport_notify_state (LactdTransport *self)
{
  g_return_if_fail (LACTD_IS_TRANSPORT (self));
  g_object_notify (G_OBJECT (self), "bluetooth-state");
}
