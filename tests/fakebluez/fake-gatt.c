/* fake-gatt.c — the GATT objects of a fake device (GattService1,
 * GattCharacteristic1, GattDescriptor1): a Device Information, a Battery
 * and the LSP service, with bluetoothd's behaviour: encrypted
 * characteristics refuse access without a bond, notify sessions belong to
 * the client connection and survive reconnects, every notification is a
 * Value change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fake-bluetoothd"

#include "fake-bluetoothd.h"

#define CHAR1 "org.bluez.GattCharacteristic1"
#define DEVICE1 "org.bluez.Device1"

/* ---------------------------------------------------------------- GATT */

static gboolean
char_check_security (FChar *ch, GDBusMethodInvocation *inv)
{
  /* bluetoothd's answer without a GATT client: no link, or an ATT bearer
   * that closed while the LE link stays up. */
  if (!ch->dev->connected || ch->dev->sensor->att_broken)
    {
      fake_bluez_emit_error (inv, "org.bluez.Error.Failed", "Not connected");
      return FALSE;
    }
  if (!ch->encrypted)
    return TRUE;
  if (!ch->dev->paired)
    {
      /* BlueZ's text for ATT Insufficient Authentication/Encryption. */
      fake_bluez_emit_error (inv, "org.bluez.Error.NotPermitted",
                             "Not paired");
      return FALSE;
    }
  if (ch->dev->sensor->bond_lost)
    {
      fake_bluez_emit_error (inv, "org.bluez.Error.Failed",
                             "Operation failed with ATT error: 0x05 "
                             "(Insufficient Authentication)");
      return FALSE;
    }
  return TRUE;
}

static void
char_method (FObj *obj, const char *iface, const char *method,
             GVariant *params, GDBusMethodInvocation *inv)
{
  FChar *ch = obj->owner;
  const char *sender = g_dbus_method_invocation_get_sender (inv);

  if (g_str_equal (iface, "org.bluez.GattDescriptor1"))
    {
      static const guint8 off[2] = { 0, 0 };
      g_dbus_method_invocation_return_value (
          inv, g_variant_new ("(@ay)", g_variant_new_fixed_array (
                                            G_VARIANT_TYPE_BYTE, off, 2, 1)));
      return;
    }

  if (ch->dev->sensor->connected_via == ch->dev)
    {
      g_free (ch->dev->sensor->last_client);
      ch->dev->sensor->last_client = g_strdup (sender);
    }
  if (g_str_equal (method, "ReadValue"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) value = NULL;
      GVariant *v;

      if (ch->dev->connected)
        fake_fault_hit (ch->dev->sensor, FAULT_READ);
      if (!char_check_security (ch, inv)
          || fake_sensor_hangs (ch->dev->sensor, method, inv, TRUE))
        return;
      value = fake_sensor_read (ch->dev->sensor, ch->uuid, &error);
      if (value == NULL)
        {
          g_dbus_method_invocation_return_gerror (inv, error);
          return;
        }
      v = g_variant_ref_sink (g_variant_new_from_bytes (
          G_VARIANT_TYPE_BYTESTRING, value, TRUE));
      /* bluetoothd caches what it read in Value, announcing it. */
      fobj_set (ch->obj, CHAR1, "Value", g_variant_ref (v), FALSE);
      g_dbus_method_invocation_return_value (inv, g_variant_new ("(@ay)", v));
      g_variant_unref (v);
    }
  else if (g_str_equal (method, "WriteValue"))
    {
      g_autoptr(GVariant) value = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *message = NULL;
      const char *dbus_error = NULL;

      if (ch->dev->connected && g_str_equal (ch->uuid, LSP_UUID_RACP))
        fake_fault_hit (ch->dev->sensor, FAULT_WRITE);
      if (!char_check_security (ch, inv)
          || fake_sensor_hangs (ch->dev->sensor, method, inv, TRUE))
        return;
      value = g_variant_get_child_value (params, 0);
      bytes = g_variant_get_data_as_bytes (value);
      if (!fake_sensor_write (ch->dev->sensor, ch->dev, ch->uuid, bytes,
                              &dbus_error, &message))
        {
          fake_bluez_emit_error (inv, dbus_error, message);
          return;
        }
      g_dbus_method_invocation_return_value (inv, NULL);
    }
  else if (g_str_equal (method, "StartNotify"))
    {
      if (!ch->notify)
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.NotSupported",
                                 "Operation is not supported");
          return;
        }
      if (!char_check_security (ch, inv)
          || fake_sensor_hangs (ch->dev->sensor, method, inv, TRUE))
        return;
      if (fake_str_array_has (ch->notify_clients, sender))
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.InProgress",
                                 "In Progress");
          return;
        }
      g_ptr_array_add (ch->notify_clients, g_strdup (sender));
      fobj_set (ch->obj, CHAR1, "Notifying", g_variant_new_boolean (TRUE),
                FALSE);
      g_dbus_method_invocation_return_value (inv, NULL);
    }
  else if (g_str_equal (method, "StopNotify"))
    {
      if (!fake_str_array_remove (ch->notify_clients, sender))
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.Failed",
                                 "No notify session started");
          return;
        }
      if (ch->notify_clients->len == 0)
        fobj_set (ch->obj, CHAR1, "Notifying", g_variant_new_boolean (FALSE),
                  FALSE);
      g_dbus_method_invocation_return_value (inv, NULL);
    }
}

gboolean
fake_char_notifying (FChar *ch)
{
  return ch != NULL && ch->notify_clients->len > 0 && ch->dev->connected;
}

void
fake_char_notify (FChar *ch, const guint8 *data, gsize len)
{
  if (!fake_char_notifying (ch))
    return;
  /* Every notification is a Value change, even when equal to the last. */
  fobj_set (ch->obj, CHAR1, "Value",
            g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1),
            TRUE);
}

void
fake_char_free (FChar *ch)
{
  fobj_destroy (ch->ccc);
  fobj_destroy (ch->obj);
  g_ptr_array_unref (ch->notify_clients);
  g_free (ch);
}

FChar *
fake_device_find_char (FDevice *dev, const char *uuid)
{
  for (guint i = 0; dev->chars && i < dev->chars->len; i++)
    {
      FChar *ch = dev->chars->pdata[i];
      if (g_str_equal (ch->uuid, uuid))
        return ch;
    }
  return NULL;
}

typedef struct {
  const char *uuid;
  const char *flags[3];
  gboolean encrypted;
} CharDef;

static void
add_service (FDevice *dev, guint16 *handle, const char *uuid,
             const CharDef *defs, guint n)
{
  g_autofree char *spath = g_strdup_printf ("%s/service%04x", dev->path,
                                            *handle);
  FObj *svc = fobj_new (dev->fb, spath, dev, NULL, NULL);
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "UUID", "s", uuid);
  g_variant_dict_insert (&d, "Primary", "b", TRUE);
  g_variant_dict_insert (&d, "Device", "o", dev->path);
  g_variant_dict_insert (&d, "Handle", "q", *handle);
  fobj_add_iface (svc, "org.bluez.GattService1", g_variant_dict_end (&d));
  fobj_export (svc);
  g_ptr_array_add (dev->services, svc);
  (*handle)++;

  for (guint i = 0; i < n; i++)
    {
      FChar *ch = g_new0 (FChar, 1);
      g_autofree char *cpath = g_strdup_printf ("%s/char%04x", spath,
                                                *handle);

      ch->dev = dev;
      ch->uuid = defs[i].uuid;
      ch->encrypted = defs[i].encrypted;
      ch->notify_clients = g_ptr_array_new_with_free_func (g_free);
      for (guint f = 0; f < 3 && defs[i].flags[f]; f++)
        if (g_str_equal (defs[i].flags[f], "notify")
            || g_str_equal (defs[i].flags[f], "indicate"))
          ch->notify = TRUE;
      ch->obj = fobj_new (dev->fb, cpath, ch, char_method, NULL);
      g_variant_dict_init (&d, NULL);
      g_variant_dict_insert (&d, "UUID", "s", ch->uuid);
      g_variant_dict_insert (&d, "Service", "o", spath);
      g_variant_dict_insert_value (&d, "Value",
                                   g_variant_new_fixed_array (
                                       G_VARIANT_TYPE_BYTE, "", 0, 1));
      g_variant_dict_insert (&d, "Notifying", "b", FALSE);
      g_variant_dict_insert_value (&d, "Flags",
                                   g_variant_new_strv (defs[i].flags, -1));
      g_variant_dict_insert (&d, "Handle", "q", *handle + 1);
      fobj_add_iface (ch->obj, CHAR1, g_variant_dict_end (&d));
      fobj_export (ch->obj);
      *handle += 2;
      if (ch->notify)
        {
          g_autofree char *dpath = g_strdup_printf ("%s/desc%04x", cpath,
                                                    *handle);
          ch->ccc = fobj_new (dev->fb, dpath, ch, char_method, NULL);
          g_variant_dict_init (&d, NULL);
          g_variant_dict_insert (&d, "UUID", "s",
                                 "00002902-0000-1000-8000-00805f9b34fb");
          g_variant_dict_insert (&d, "Characteristic", "o", cpath);
          g_variant_dict_insert_value (&d, "Value",
                                       g_variant_new_fixed_array (
                                           G_VARIANT_TYPE_BYTE, "", 0, 1));
          g_variant_dict_insert (&d, "Handle", "q", *handle);
          fobj_add_iface (ch->ccc, "org.bluez.GattDescriptor1",
                          g_variant_dict_end (&d));
          fobj_export (ch->ccc);
          (*handle)++;
        }
      g_ptr_array_add (dev->chars, ch);
    }
}

void
fake_device_export_gatt (FDevice *dev)
{
  static const CharDef battery[] = {
    { LSP_UUID_BATTERY_LEVEL, { "read", "notify", NULL }, FALSE },
  };
  static const CharDef info[] = {
    { LSP_UUID_MANUFACTURER, { "read", NULL, NULL }, FALSE },
    { LSP_UUID_MODEL_NUMBER, { "read", NULL, NULL }, FALSE },
    { LSP_UUID_SERIAL_NUMBER, { "read", NULL, NULL }, FALSE },
    { LSP_UUID_FIRMWARE_REV, { "read", NULL, NULL }, FALSE },
  };
  static const CharDef lsp[] = {
    { LSP_UUID_LIVE_PROGRESS, { "notify", NULL, NULL }, TRUE },
    { LSP_UUID_SESSION_RECORD, { "notify", NULL, NULL }, TRUE },
    { LSP_UUID_RACP, { "write", "indicate", NULL }, TRUE },
    { LSP_UUID_DEVICE_TIME, { "read", "write", NULL }, TRUE },
    { LSP_UUID_FEATURES, { "read", NULL, NULL }, FALSE },
  };
  guint16 handle = 0x0010;

  if (dev->gatt_exported)
    return;
  dev->gatt_exported = TRUE;
  add_service (dev, &handle, LSP_UUID_DEVICE_INFO, info, G_N_ELEMENTS (info));
  add_service (dev, &handle, LSP_UUID_BATTERY_SERVICE, battery,
               G_N_ELEMENTS (battery));
  add_service (dev, &handle, LSP_UUID_SERVICE, lsp, G_N_ELEMENTS (lsp));
  {
    const char *uuids[] = { LSP_UUID_DEVICE_INFO, LSP_UUID_BATTERY_SERVICE,
                            LSP_UUID_SERVICE, NULL };
    fobj_set (dev->obj, DEVICE1, "UUIDs", g_variant_new_strv (uuids, -1),
              FALSE);
  }
}

void
fake_device_unexport_gatt (FDevice *dev)
{
  /* Children first, as bluetoothd removes them. */
  g_ptr_array_set_size (dev->chars, 0);
  g_ptr_array_set_size (dev->services, 0);
  dev->gatt_exported = FALSE;
}

