/* lactd-store-upkeep.h — the daemon's side of its store: what clients
 * are told about it (Manager1.StoreRecovery), the weekly integrity check
 * in a worker thread once the bus name is owned, and the bus helpers that
 * let `--replace` take a store over from the lactd it replaces.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lactd-dbus.h"
#include "lactd-store.h"

G_BEGIN_DECLS

#define LACTD_TYPE_STORE_UPKEEP (lactd_store_upkeep_get_type ())
G_DECLARE_FINAL_TYPE (LactdStoreUpkeep, lactd_store_upkeep, LACTD,
                      STORE_UPKEEP, GObject)

/* Sets manager's StoreRecovery from the store. store is not owned: call
 * lactd_store_upkeep_stop() before it is freed. */
LactdStoreUpkeep *lactd_store_upkeep_new (LactdStore *store,
                                          LactdManager1 *manager);
/* Once the name is owned: the integrity check, when one is due, from a
 * low-priority idle so that it never delays answering. */
void lactd_store_upkeep_start (LactdStoreUpkeep *self);
/* Stops a running check and forgets the store. */
void lactd_store_upkeep_stop (LactdStoreUpkeep *self);

/* Opens the store at path (lactd_store_open()). A store held by another
 * lactd (LACTD_STORE_ERROR_LOCKED) is taken over when bus is given
 * (--replace) and the owner of bus_name there is the process that holds
 * the store (by the bus's own word on its pid): it is asked to stop
 * (SIGTERM, its clean shutdown) and, once it has left the bus (at most
 * 10 s), the store is opened again. The name is not touched, so no client
 * ever finds it owned by a half-started daemon. Cancelling ends the wait
 * at once (G_IO_ERROR_CANCELLED). */
void lactd_store_open_replacing_async (const char *path, GDBusConnection *bus,
                                       const char *bus_name,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
LactdStore *lactd_store_open_replacing_finish (GAsyncResult *result,
                                               GError **error);

G_END_DECLS
