/* lactd-transport.h — a way of reaching sensors: everything lactd does
 * with a kind of device before a LactdLink exists.
 *
 * A transport says what state it is in (Manager1.BluetoothState), finds
 * sensors (Discover), pairs one (Pair, with its passkey comparison) and
 * forgets one (Forget), says which stored sensors are its own and makes
 * the LactdLink of each. The daemon and the D-Bus service only ever see
 * this interface: the BlueZ transport (lactd-bluez-transport.c) and the
 * simulated one (lactd-sim-transport.c) implement it, and the one lactd
 * runs with is picked from its options by lactd_transport_new_for_options()
 * (lactd-transports.c). A second kind of device is one more
 * implementation, in a folder of its own, and one more line there.
 *
 * The contract every implementation keeps:
 * - "bluetooth-state" is one of the contract's values ("ready", "off",
 *   "no-adapter", "no-bluez", "simulated") and is notified on change; a
 *   transport with nothing to reach sensors through (no system bus) still
 *   exists and says so here, it does not fail to be created.
 * - Every _async completes exactly once, never from within the call,
 *   with a LACTD_TRANSPORT_ERROR (or G_IO_ERROR_CANCELLED) on failure.
 *   Discover returns LactdFoundSensor, strongest signal first; Pair
 *   pairs (unless already paired), trusts and starts connecting; Forget
 *   removes the bond, and an address the transport does not know is not
 *   an error.
 * - A numeric comparison during Pair is announced with
 *   "pairing-passkey" (address, passkey, confirm = TRUE) and waits for
 *   confirm_pairing(); a passkey only shown has confirm = FALSE.
 * - owns_sensor() partitions the store's sensors: a daemon shows only
 *   the stored sensors its transport owns.
 * - Addresses in and out are upper case (lactd-model.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-link.h"

G_BEGIN_DECLS

#define LACTD_TRANSPORT_ERROR (lactd_transport_error_quark ())
GQuark lactd_transport_error_quark (void);

typedef enum {
  LACTD_TRANSPORT_ERROR_NO_ADAPTER,     /* nothing to reach sensors with */
  LACTD_TRANSPORT_ERROR_BUSY,           /* another pairing is running */
  LACTD_TRANSPORT_ERROR_NOT_A_SENSOR,   /* the device is no LSP sensor */
  LACTD_TRANSPORT_ERROR_PAIRING_FAILED, /* with the reason */
  LACTD_TRANSPORT_ERROR_NOT_FOUND,      /* no comparison pending for it */
} LactdTransportError;

/* Values of "bluetooth-state" (Manager1.BluetoothState). */
#define LACTD_TRANSPORT_STATE_READY      "ready"
#define LACTD_TRANSPORT_STATE_OFF        "off"
#define LACTD_TRANSPORT_STATE_NO_ADAPTER "no-adapter"
#define LACTD_TRANSPORT_STATE_NO_BLUEZ   "no-bluez"
#define LACTD_TRANSPORT_STATE_SIMULATED  "simulated"

/* One sensor a scan saw, or one a transport brings along paired. */
typedef struct {
  char *address;   /* "XX:XX:XX:XX:XX:XX" */
  char *name;      /* cleaned (lactd_text_clean_name()), "" when unknown */
  char *path;      /* the transport's own handle (a BlueZ device path), or "" */
  gint16 rssi;     /* dBm; 0 when unknown */
} LactdFoundSensor;

LactdFoundSensor *lactd_found_sensor_new (const char *address,
                                          const char *name, const char *path,
                                          gint16 rssi);
void lactd_found_sensor_free (LactdFoundSensor *found);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdFoundSensor, lactd_found_sensor_free)

#define LACTD_TYPE_TRANSPORT (lactd_transport_get_type ())
G_DECLARE_INTERFACE (LactdTransport, lactd_transport, LACTD, TRANSPORT,
                     GObject)

struct _LactdTransportInterface {
  GTypeInterface parent_iface;

  const char *  (*get_state)            (LactdTransport      *self);
  gboolean      (*owns_sensor)          (LactdTransport      *self,
                                         const char          *address);
  /* Sensors that come paired with the transport (NULL: none). */
  GPtrArray *   (*list_preset_sensors)  (LactdTransport      *self);
  LactdLink *   (*create_link)          (LactdTransport      *self,
                                         const char          *address,
                                         GError             **error);
  /* The name to remember for a sensor just paired; NULL when unknown. */
  char *        (*dup_sensor_name)      (LactdTransport      *self,
                                         const char          *address);

  void          (*discover_async)       (LactdTransport      *self,
                                         guint                timeout_s,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
  GPtrArray *   (*discover_finish)      (LactdTransport      *self,
                                         GAsyncResult        *result,
                                         GError             **error);
  void          (*pair_async)           (LactdTransport      *self,
                                         const char          *address,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
  gboolean      (*pair_finish)          (LactdTransport      *self,
                                         GAsyncResult        *result,
                                         GError             **error);
  gboolean      (*confirm_pairing)      (LactdTransport      *self,
                                         const char          *address,
                                         gboolean             accept,
                                         GError             **error);
  void          (*refuse_confirmations) (LactdTransport      *self,
                                         const char          *why);
  void          (*forget_async)         (LactdTransport      *self,
                                         const char          *address,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
  gboolean      (*forget_finish)        (LactdTransport      *self,
                                         GAsyncResult        *result,
                                         GError             **error);
};

/* Property "bluetooth-state" s (notify). Signal "pairing-passkey"
 * (const char *address, guint passkey, gboolean confirm). */
const char *lactd_transport_get_state (LactdTransport *self);
gboolean lactd_transport_owns_sensor (LactdTransport *self,
                                      const char *address);
/* A GPtrArray of LactdFoundSensor (owning; empty when none). */
GPtrArray *lactd_transport_list_preset_sensors (LactdTransport *self);
LactdLink *lactd_transport_create_link (LactdTransport *self,
                                        const char *address, GError **error);
char *lactd_transport_dup_sensor_name (LactdTransport *self,
                                       const char *address);

/* Scans for timeout_s seconds; a GPtrArray of LactdFoundSensor. */
void lactd_transport_discover_async (LactdTransport *self, guint timeout_s,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GPtrArray *lactd_transport_discover_finish (LactdTransport *self,
                                            GAsyncResult *result,
                                            GError **error);
void lactd_transport_pair_async (LactdTransport *self, const char *address,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean lactd_transport_pair_finish (LactdTransport *self,
                                      GAsyncResult *result, GError **error);
/* The answer to the running pairing's comparison: NOT_FOUND when none is
 * pending for address. */
gboolean lactd_transport_confirm_pairing (LactdTransport *self,
                                          const char *address,
                                          gboolean accept, GError **error);
/* Nobody is left to answer the running pairing's comparisons (its caller
 * left): the pending one and any later one are rejected with why. */
void lactd_transport_refuse_confirmations (LactdTransport *self,
                                           const char *why);
void lactd_transport_forget_async (LactdTransport *self, const char *address,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean lactd_transport_forget_finish (LactdTransport *self,
                                        GAsyncResult *result,
                                        GError **error);

/* For implementations. */
void lactd_transport_emit_pairing_passkey (LactdTransport *self,
                                           const char *address,
                                           guint passkey, gboolean confirm);
void lactd_transport_notify_state (LactdTransport *self);

G_END_DECLS
