/* lactd-bluez.h — the BlueZ transport: lactd's way to sensors through
 * BlueZ on the system bus.
 *
 * LactdBluez follows org.bluez (adapters, devices, GATT objects through
 * ObjectManager), registers lactd's pairing agent and a GattProfile1 that
 * makes bluetoothd auto-connect bonded sensors, and runs discovery,
 * pairing and forgetting; it is a LactdTransport (lactd-bluez-transport.c).
 * LactdBluezLink is the LactdLink of one paired sensor over BlueZ: it
 * finds the sensor by address on any adapter, keeps it connected (with
 * backoff) and moves GATT values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-transport.h"

G_BEGIN_DECLS

#define LACTD_TYPE_BLUEZ (lactd_bluez_get_type ())
G_DECLARE_FINAL_TYPE (LactdBluez, lactd_bluez, LACTD, BLUEZ, GObject)

/* Properties (LactdTransport's):
 *   "bluetooth-state"  s  "ready", "off", "no-adapter" or "no-bluez"
 * Signals:
 *   "pairing-passkey" (LactdTransport's): during Pair, the sensor shows a
 *     passkey (Manager1.PairingPasskey); with confirm, bluetoothd's
 *     numeric comparison waits for lactd_bluez_confirm_pairing().
 *   "changed" (const char *object_path, const char *interface): a BlueZ
 *     object was added, removed or changed (for LactdBluezLink).
 *   "presence-changed" (gboolean present): org.bluez came or went.
 *   "resumed": the system woke from suspend (logind PrepareForSleep).
 */

/* Connects to the system bus and learns BlueZ's state; completes when the
 * state is known, or after at most 2 s (then with "no-bluez" unless BlueZ
 * answered). Without a system bus it completes at once and stays
 * "no-bluez": Discover and Pair then fail with NO_ADAPTER. Fails only when
 * cancelled. */
void lactd_bluez_new_async (GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);
LactdBluez *lactd_bluez_new_finish (GAsyncResult  *result,
                                    GError       **error);

const char *lactd_bluez_get_state (LactdBluez *self);
GDBusConnection *lactd_bluez_get_connection (LactdBluez *self);

/* Scans every powered adapter for timeout_s seconds for devices offering
 * the LSP service. The result is a GPtrArray of LactdFoundSensor (owning;
 * name: Alias, else Name, else ""; path: the BlueZ device), strongest
 * signal first. LACTD_TRANSPORT_ERROR_NO_ADAPTER when there is no powered
 * adapter or BlueZ is not running. */
void lactd_bluez_discover_async (LactdBluez          *self,
                                 guint                timeout_s,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
GPtrArray *lactd_bluez_discover_finish (LactdBluez    *self,
                                        GAsyncResult  *result,
                                        GError       **error);

/* Pairs (unless already paired), trusts and connects the sensor. Scans for
 * up to 10 s when BlueZ does not know the address yet, or knows none of
 * its services yet. Errors (LACTD_TRANSPORT_ERROR): BUSY (another pairing
 * runs), NO_ADAPTER, NOT_A_SENSOR (the device does not advertise the LSP
 * service), PAIRING_FAILED (with BlueZ's
 * reason, or why a passkey comparison was rejected). */
void lactd_bluez_pair_async (LactdBluez          *self,
                             const char          *address,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
gboolean lactd_bluez_pair_finish (LactdBluez    *self,
                                  GAsyncResult  *result,
                                  GError       **error);

/* The answer to the numeric comparison of the running pairing
 * ("pairing-passkey" with confirm): accept lets bluetoothd go on, refusing
 * makes the pairing fail. LACTD_TRANSPORT_ERROR_NOT_FOUND when no comparison is
 * pending for address. Unanswered, it is rejected after 60 s. */
gboolean lactd_bluez_confirm_pairing (LactdBluez  *self,
                                      const char  *address,
                                      gboolean     accept,
                                      GError     **error);
/* Nobody is left to answer the running pairing's comparison (its caller
 * left): the pending one and any later one are rejected with why. */
void lactd_bluez_refuse_confirmations (LactdBluez *self, const char *why);

/* Disconnects the sensor and removes its bond from every adapter. An
 * address BlueZ does not know is not an error. */
void lactd_bluez_forget_async (LactdBluez          *self,
                               const char          *address,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
gboolean lactd_bluez_forget_finish (LactdBluez    *self,
                                    GAsyncResult  *result,
                                    GError       **error);

/* The device's Alias (or Name) on any adapter, cleaned with
 * lactd_text_clean_name(); NULL when unknown. */
char *lactd_bluez_dup_device_name (LactdBluez *self, const char *address);

/* ---------------------------------------------------------------- link */

#define LACTD_TYPE_BLUEZ_LINK (lactd_bluez_link_get_type ())
G_DECLARE_FINAL_TYPE (LactdBluezLink, lactd_bluez_link, LACTD, BLUEZ_LINK,
                      LactdLink)

/* A lost bond, or a sensor without the LSP characteristics, is said in
 * LactdLink's "last-error". */
LactdBluezLink *lactd_bluez_link_new (LactdBluez *bluez,
                                      const char *address);
/* How long a GATT call and a Device1.Connect may go unanswered before the
 * link gives up on them (defaults 35 s and 60 s; the environment variable
 * LACTD_BLUEZ_TIMEOUT_MS sets both, for tests). A GATT call that times out
 * or finds no GATT client ("Not connected") fails with
 * G_IO_ERROR_TIMED_OUT or G_IO_ERROR_NOT_CONNECTED and takes the link
 * down: it is disconnected and reconnected with backoff. */
void lactd_bluez_link_set_timeouts (LactdBluezLink *self, guint call_ms,
                                    guint connect_ms);

G_END_DECLS
