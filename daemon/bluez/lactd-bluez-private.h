/* lactd-bluez-private.h — what lactd-bluez.c shares with the agent and
 * the link: the cache of BlueZ's objects and the objects lactd exports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lactd-bluez.h"

G_BEGIN_DECLS

#define BLUEZ_NAME "org.bluez"
#define BLUEZ_ADAPTER "org.bluez.Adapter1"
#define BLUEZ_DEVICE "org.bluez.Device1"
#define BLUEZ_GATT_CHAR "org.bluez.GattCharacteristic1"
#define BLUEZ_GATT_MANAGER "org.bluez.GattManager1"
#define DBUS_PROPERTIES "org.freedesktop.DBus.Properties"
#define DBUS_OBJECT_MANAGER "org.freedesktop.DBus.ObjectManager"

/* lactd-bluez-transport.c: LactdBluez as a LactdTransport. */
void lactd_bluez_transport_iface_init (LactdTransportInterface *iface);

gboolean lactd_bluez_is_present (LactdBluez *self);
/* Whether sender is the unique name owning org.bluez right now. */
gboolean lactd_bluez_is_owner (LactdBluez *self, const char *sender);
/* The cache of BlueZ's objects (lactd-bluez.c keeps it): path → (iface →
 * (prop → GVariant)). Read through the queries below
 * (lactd-bluez-objects.c). */
GHashTable *lactd_bluez_get_objects (LactdBluez *self);
/* A cached property (borrowed), NULL when the object, interface or
 * property is unknown. */
GVariant *lactd_bluez_get_prop (LactdBluez *self, const char *path,
                                const char *iface, const char *prop);
gboolean lactd_bluez_get_bool (LactdBluez *self, const char *path,
                               const char *iface, const char *prop);
/* A string or object path property (borrowed), else NULL. */
const char *lactd_bluez_get_string (LactdBluez *self, const char *path,
                                    const char *iface, const char *prop);
/* The Device1 object of address: on a powered adapter if there is one,
 * connected ones first. NULL when BlueZ does not know the address. */
const char *lactd_bluez_find_device (LactdBluez *self, const char *address);
/* Reads an object's interface again (Properties.GetAll) into the cache,
 * then emits "changed": for when BlueZ's answers contradict the cache. */
void lactd_bluez_refresh (LactdBluez *self, const char *path,
                          const char *iface);
/* Every Device1 path with that address (owned array of borrowed paths). */
GPtrArray *lactd_bluez_find_devices (LactdBluez *self, const char *address);
/* The GattCharacteristic1 under device_path with that UUID, or NULL. */
const char *lactd_bluez_find_char (LactdBluez *self, const char *device_path,
                                   const char *uuid);
gboolean lactd_bluez_device_adapter_powered (LactdBluez *self,
                                             const char *device_path);
/* Paths (borrowed) of Adapter1 objects, only powered ones if asked. */
GPtrArray *lactd_bluez_list_adapters (LactdBluez *self, gboolean powered);
/* Paths (borrowed) of Device1 objects. */
GPtrArray *lactd_bluez_list_devices (LactdBluez *self);
/* The Address of a Device1 object, NULL if unknown (borrowed). */
const char *lactd_bluez_address_of (LactdBluez *self, const char *path);

/* Addresses of sensors with a link: the agent authorizes those. */
void lactd_bluez_add_known (LactdBluez *self, const char *address);
void lactd_bluez_remove_known (LactdBluez *self, const char *address);
gboolean lactd_bluez_is_known (LactdBluez *self, const char *address);
/* The address being paired now, or NULL. */
const char *lactd_bluez_pairing_address (LactdBluez *self);
void lactd_bluez_emit_pairing_passkey (LactdBluez *self, const char *address,
                                       guint passkey, gboolean confirm);
/* The agent refused a passkey entry during the current pairing. */
void lactd_bluez_note_passkey_refused (LactdBluez *self);

/* lactd-bluez-agent.c: org.bluez.Agent1 and the GattProfile1
 * application, exported on the system bus connection. */
typedef struct _LactdBluezExports LactdBluezExports;

LactdBluezExports *lactd_bluez_exports_new (LactdBluez *bluez,
                                            GDBusConnection *bus,
                                            GError **error);
void lactd_bluez_exports_free (LactdBluezExports *exports);
/* RegisterAgent + RequestDefaultAgent (after every org.bluez appearance). */
void lactd_bluez_exports_register_agent (LactdBluezExports *exports);
/* GattManager1.RegisterApplication on one adapter. */
void lactd_bluez_exports_register_app (LactdBluezExports *exports,
                                       const char *adapter_path);
/* Forget registrations (org.bluez went away). */
void lactd_bluez_exports_reset (LactdBluezExports *exports);
void lactd_bluez_exports_forget_adapter (LactdBluezExports *exports,
                                         const char *adapter_path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdBluezExports, lactd_bluez_exports_free)

G_END_DECLS
