/* lactd-bluez-transport.c — LactdBluez as a LactdTransport: the interface's
 * calls on lactd-bluez*.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include "lactd-bluez-private.h"
#include "lactd-model.h"

static const char *
bluez_get_state (LactdTransport *transport)
{
  return lactd_bluez_get_state (LACTD_BLUEZ (transport));
}

/* Every sensor but the simulated one: a real daemon never shows it. */
static gboolean
bluez_owns_sensor (LactdTransport *transport, const char *address)
{
  return !lactd_address_is_simulated (address);
}

static LactdLink *
bluez_create_link (LactdTransport *transport, const char *address,
                   GError **error)
{
  LactdBluez *self = LACTD_BLUEZ (transport);

  if (lactd_bluez_get_connection (self) == NULL)
    {
      g_set_error (error, LACTD_TRANSPORT_ERROR,
                   LACTD_TRANSPORT_ERROR_NO_ADAPTER,
                   "no system bus, so no BlueZ to reach %s through", address);
      return NULL;
    }
  return LACTD_LINK (lactd_bluez_link_new (self, address));
}

static char *
bluez_dup_sensor_name (LactdTransport *transport, const char *address)
{
  return lactd_bluez_dup_device_name (LACTD_BLUEZ (transport), address);
}

static void
bluez_discover_async (LactdTransport *transport, guint timeout_s,
                      GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  lactd_bluez_discover_async (LACTD_BLUEZ (transport), timeout_s, cancellable,
                              callback, user_data);
}

static GPtrArray *
bluez_discover_finish (LactdTransport *transport, GAsyncResult *result,
                       GError **error)
{
  return lactd_bluez_discover_finish (LACTD_BLUEZ (transport), result, error);
}

static void
bluez_pair_async (LactdTransport *transport, const char *address,
                  GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  if (!bluez_owns_sensor (transport, address))
    {
      g_task_report_new_error (transport, callback, user_data,
                               bluez_pair_async, LACTD_TRANSPORT_ERROR,
                               LACTD_TRANSPORT_ERROR_NOT_A_SENSOR,
                               "%s is the address of lactd's simulated "
                               "sensor, which only `lactd --simulate` has",
                               address);
      return;
    }
  lactd_bluez_pair_async (LACTD_BLUEZ (transport), address, cancellable,
                          callback, user_data);
}

static gboolean
bluez_pair_finish (LactdTransport *transport, GAsyncResult *result,
                   GError **error)
{
  return lactd_bluez_pair_finish (LACTD_BLUEZ (transport), result, error);
}

static gboolean
bluez_confirm_pairing (LactdTransport *transport, const char *address,
                       gboolean accept, GError **error)
{
  return lactd_bluez_confirm_pairing (LACTD_BLUEZ (transport), address,
                                      accept, error);
}

static void
bluez_refuse_confirmations (LactdTransport *transport, const char *why)
{
  lactd_bluez_refuse_confirmations (LACTD_BLUEZ (transport), why);
}

static void
bluez_forget_async (LactdTransport *transport, const char *address,
                    GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  lactd_bluez_forget_async (LACTD_BLUEZ (transport), address, cancellable,
                            callback, user_data);
}

static gboolean
bluez_forget_finish (LactdTransport *transport, GAsyncResult *result,
                     GError **error)
{
  return lactd_bluez_forget_finish (LACTD_BLUEZ (transport), result, error);
}

void
lactd_bluez_transport_iface_init (LactdTransportInterface *iface)
{
  iface->get_state = bluez_get_state;
  iface->owns_sensor = bluez_owns_sensor;
  iface->create_link = bluez_create_link;
  iface->dup_sensor_name = bluez_dup_sensor_name;
  iface->discover_async = bluez_discover_async;
  iface->discover_finish = bluez_discover_finish;
  iface->pair_async = bluez_pair_async;
  iface->pair_finish = bluez_pair_finish;
  iface->confirm_pairing = bluez_confirm_pairing;
  iface->refuse_confirmations = bluez_refuse_confirmations;
  iface->forget_async = bluez_forget_async;
  iface->forget_finish = bluez_forget_finish;
}
