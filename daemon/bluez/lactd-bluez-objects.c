/* lactd-bluez-objects.c — what lactd knows of BlueZ's objects: the
 * queries over LactdBluez's cache of them (lactd-bluez.c fills it from
 * ObjectManager; docs/architecture.md says why it is not a
 * GDBusObjectManagerClient).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include <string.h>

#include "lactd-bluez-private.h"

GVariant *
lactd_bluez_get_prop (LactdBluez *self, const char *path, const char *iface,
                      const char *prop)
{
  GHashTable *ifaces = g_hash_table_lookup (lactd_bluez_get_objects (self), path);
  GHashTable *table = ifaces ? g_hash_table_lookup (ifaces, iface) : NULL;

  return table ? g_hash_table_lookup (table, prop) : NULL;
}

gboolean
lactd_bluez_get_bool (LactdBluez *self, const char *path, const char *iface,
                      const char *prop)
{
  GVariant *v = lactd_bluez_get_prop (self, path, iface, prop);

  return v && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN)
         && g_variant_get_boolean (v);
}

const char *
lactd_bluez_get_string (LactdBluez *self, const char *path, const char *iface,
            const char *prop)
{
  GVariant *v = lactd_bluez_get_prop (self, path, iface, prop);

  if (v && (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)
            || g_variant_is_of_type (v, G_VARIANT_TYPE_OBJECT_PATH)))
    return g_variant_get_string (v, NULL);
  return NULL;
}

const char *
lactd_bluez_address_of (LactdBluez *self, const char *path)
{
  return lactd_bluez_get_string (self, path, BLUEZ_DEVICE, "Address");
}

gboolean
lactd_bluez_device_adapter_powered (LactdBluez *self, const char *device_path)
{
  const char *adapter = lactd_bluez_get_string (self, device_path, BLUEZ_DEVICE,
                                    "Adapter");

  return adapter && lactd_bluez_get_bool (self, adapter, BLUEZ_ADAPTER,
                                          "Powered");
}

static GPtrArray *
list_with (LactdBluez *self, const char *iface, const char *bool_prop)
{
  GPtrArray *list = g_ptr_array_new ();
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, lactd_bluez_get_objects (self));
  while (g_hash_table_iter_next (&it, &k, &v))
    if (g_hash_table_contains (v, iface)
        && (bool_prop == NULL
            || lactd_bluez_get_bool (self, k, iface, bool_prop)))
      g_ptr_array_add (list, k);
  return list;
}

GPtrArray *
lactd_bluez_list_adapters (LactdBluez *self, gboolean powered)
{
  return list_with (self, BLUEZ_ADAPTER, powered ? "Powered" : NULL);
}

GPtrArray *
lactd_bluez_list_devices (LactdBluez *self)
{
  return list_with (self, BLUEZ_DEVICE, NULL);
}

GPtrArray *
lactd_bluez_find_devices (LactdBluez *self, const char *address)
{
  GPtrArray *found = g_ptr_array_new ();
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, lactd_bluez_get_objects (self));
  while (g_hash_table_iter_next (&it, &k, NULL))
    {
      const char *a = lactd_bluez_address_of (self, k);
      if (a && g_ascii_strcasecmp (a, address) == 0)
        g_ptr_array_add (found, k);
    }
  return found;
}

const char *
lactd_bluez_find_device (LactdBluez *self, const char *address)
{
  g_autoptr(GPtrArray) all = lactd_bluez_find_devices (self, address);
  const char *best = NULL;
  int best_score = -1;

  /* Device paths embed hciN: the same sensor may be known on several
   * adapters. Prefer the one it is connected through, then a powered one,
   * then a paired one. */
  for (guint i = 0; i < all->len; i++)
    {
      const char *p = all->pdata[i];
      int score = 4 * lactd_bluez_get_bool (self, p, BLUEZ_DEVICE, "Connected")
                  + 2 * lactd_bluez_device_adapter_powered (self, p)
                  + lactd_bluez_get_bool (self, p, BLUEZ_DEVICE, "Paired");
      if (score > best_score)
        {
          best = p;
          best_score = score;
        }
    }
  return best;
}

const char *
lactd_bluez_find_char (LactdBluez *self, const char *device_path,
                       const char *uuid)
{
  GHashTableIter it;
  gpointer k;
  gsize n = strlen (device_path);

  g_hash_table_iter_init (&it, lactd_bluez_get_objects (self));
  while (g_hash_table_iter_next (&it, &k, NULL))
    {
      const char *path = k;
      const char *u;

      if (strncmp (path, device_path, n) != 0 || path[n] != '/')
        continue;
      u = lactd_bluez_get_string (self, path, BLUEZ_GATT_CHAR, "UUID");
      if (u && g_ascii_strcasecmp (u, uuid) == 0)
        return path;
    }
  return NULL;
}
