/* lactd-sim-gatt.c — the GATT server side of lactd-sim, as BlueZ's
 * doc/gatt-api.txt, advertising-api.txt and agent-api.txt describe it:
 * an ObjectManager application root, one object per service and
 * characteristic, an LEAdvertisement1 and a NoInputNoOutput Agent1.
 *
 * Every ATT read, write and CCC change arrives here as a D-Bus call from
 * bluetoothd and goes straight to the transport-neutral LspSimSensor; its
 * "send" signal becomes a Value PropertiesChanged, which bluetoothd turns
 * into a notification or indication.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "lactd-sim-gatt.h"
#include "lactd-bluez-xml.h"

#include <string.h>

/* ------------------------------------------------------------- layout */

typedef enum {
  SVC_LSP,
  SVC_BATTERY,
  SVC_DEVICE_INFO,
  N_SVCS
} SimService;

static const char *const svc_uuids[N_SVCS] = {
  LSP_UUID_SERVICE, LSP_UUID_BATTERY_SERVICE, LSP_UUID_DEVICE_INFO,
};

typedef struct {
  LspSimChar ch;
  SimService svc;
  const char *name;            /* object path element and log name */
  const char *const *flags;    /* BlueZ's GattCharacteristic1.Flags */
} CharInfo;

/* encrypt-* (not secure-*): Just Works pairing gives an encrypted link
 * without MITM protection, which is all LSP asks for. */
static const char *const flags_notify_enc[] = { "notify", "encrypt-notify", NULL };
static const char *const flags_racp[] = {
  "write", "indicate", "encrypt-write", "encrypt-indicate", NULL };
static const char *const flags_time[] = {
  "read", "write", "encrypt-read", "encrypt-write", NULL };
static const char *const flags_read[] = { "read", NULL };
static const char *const flags_read_notify[] = { "read", "notify", NULL };

static const CharInfo char_infos[LSP_SIM_N_CHARS] = {
  { LSP_SIM_CHAR_FEATURES, SVC_LSP, "features", flags_read },
  { LSP_SIM_CHAR_LIVE_PROGRESS, SVC_LSP, "live_progress", flags_notify_enc },
  { LSP_SIM_CHAR_SESSION_RECORD, SVC_LSP, "session_record", flags_notify_enc },
  { LSP_SIM_CHAR_RACP, SVC_LSP, "racp", flags_racp },
  { LSP_SIM_CHAR_DEVICE_TIME, SVC_LSP, "device_time", flags_time },
  { LSP_SIM_CHAR_BATTERY_LEVEL, SVC_BATTERY, "battery_level", flags_read_notify },
  { LSP_SIM_CHAR_MANUFACTURER, SVC_DEVICE_INFO, "manufacturer", flags_read },
  { LSP_SIM_CHAR_MODEL_NUMBER, SVC_DEVICE_INFO, "model_number", flags_read },
  { LSP_SIM_CHAR_SERIAL_NUMBER, SVC_DEVICE_INFO, "serial_number", flags_read },
  { LSP_SIM_CHAR_FIRMWARE_REVISION, SVC_DEVICE_INFO, "firmware_revision", flags_read },
};

struct _SimGatt {
  GDBusConnection *bus;
  LspSimSensor *sensor;
  char *local_name;
  GArray *registrations;         /* guint ids from register_object */
  gulong send_handler;
  /* What bluetoothd last asked for through StartNotify/StopNotify; the
   * sensor model forgets it on every disconnect, BlueZ may not. */
  gboolean subscribed[LSP_SIM_N_CHARS];
  GBytes *values[LSP_SIM_N_CHARS];   /* last value sent, for Value reads */
  guint64 records_sent;
  gint64 report_start_us;        /* last accepted RACP "report" write */
  gint64 last_record_us;         /* last Session Record handed to BlueZ */
  SimGattChangedFunc changed;
  gpointer changed_data;
};

static char *
service_path (SimService svc)
{
  return g_strdup_printf (SIM_APP_PATH "/service%d", (int) svc);
}

static char *
char_path (LspSimChar ch)
{
  g_autofree char *svc = service_path (char_infos[ch].svc);

  return g_strdup_printf ("%s/%s", svc, char_infos[ch].name);
}

static void
notify_changed (SimGatt *self)
{
  if (self->changed != NULL)
    self->changed (self->changed_data);
}

static GVariant *
bytes_variant (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data != NULL ? data : (const guint8 *) "",
                                    len, 1);
}

/* ------------------------------------------------------- ATT errors */

/* BlueZ's gatt-database turns a D-Bus error from the application into an
 * ATT error: InvalidValueLength → 0x0D, NotPermitted → the attribute's
 * permission error, InProgress → 0xFE, NotSupported → 0x06, and Failed →
 * the application error written in the message ("0x80".."0x9F"; plain
 * 0x80 before BlueZ 5.66). 0xFD (CCCD improperly configured) has no D-Bus
 * name, so it goes out as application error 0x80, as the LSP contract
 * allows for stacks that cannot return 0xFD. */
const char *
sim_gatt_att_error_name (guint8 att_error, char **message_out)
{
  const char *name;
  guint8 code = att_error;

  switch (att_error)
    {
    case LSP_SIM_ATT_INVALID_LENGTH:
      name = "org.bluez.Error.InvalidValueLength";
      break;
    case LSP_SIM_ATT_READ_NOT_PERMITTED:
    case LSP_SIM_ATT_WRITE_NOT_PERMITTED:
      name = "org.bluez.Error.NotPermitted";
      break;
    case LSP_SIM_ATT_PROCEDURE_IN_PROGRESS:
      name = "org.bluez.Error.InProgress";
      break;
    default:
      name = "org.bluez.Error.Failed";
      if (att_error < 0x80 || att_error > 0x9F)
        code = 0x80;
      break;
    }
  if (message_out != NULL)
    *message_out = g_strdup_printf ("0x%02X", code);
  return name;
}

static void
return_att_error (GDBusMethodInvocation *invocation, guint8 att_error)
{
  g_autofree char *message = NULL;
  const char *name = sim_gatt_att_error_name (att_error, &message);

  g_dbus_method_invocation_return_dbus_error (invocation, name, message);
}

/* -------------------------------------------------- characteristics */

static gboolean
char_from_path (const char *path, LspSimChar *ch_out)
{
  for (guint i = 0; i < LSP_SIM_N_CHARS; i++)
    {
      g_autofree char *p = char_path ((LspSimChar) i);

      if (g_str_equal (p, path))
        {
          *ch_out = (LspSimChar) i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
emit_char_property (SimGatt *self, LspSimChar ch, const char *property,
                    GVariant *value)
{
  g_autofree char *path = char_path (ch);
  GVariantBuilder changed;
  g_autoptr(GError) error = NULL;

  g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&changed, "{sv}", property, value);
  if (!g_dbus_connection_emit_signal (self->bus, NULL, path,
                                      "org.freedesktop.DBus.Properties",
                                      "PropertiesChanged",
                                      g_variant_new ("(sa{sv}as)",
                                                     "org.bluez.GattCharacteristic1",
                                                     &changed, NULL),
                                      &error))
    g_warning ("Could not emit %s change on %s: %s", property, path,
               error->message);
}

static void
on_sensor_send (LspSimSensor *sensor, guint ch, GBytes *value, gpointer user_data)
{
  SimGatt *self = user_data;

  g_return_if_fail (ch < LSP_SIM_N_CHARS);
  g_clear_pointer (&self->values[ch], g_bytes_unref);
  self->values[ch] = g_bytes_ref (value);
  if (ch == LSP_SIM_CHAR_SESSION_RECORD)
    {
      self->records_sent++;
      self->last_record_us = g_get_real_time ();
    }
  /* bluetoothd sends a notification (or indication) for every Value
   * change, even one equal to the last. */
  emit_char_property (self, (LspSimChar) ch, "Value", bytes_variant (value));
  notify_changed (self);
}

static GBytes *
sliced_read (GBytes *value, GVariant *options, gboolean *bad_offset)
{
  guint16 offset = 0;
  gsize len = g_bytes_get_size (value);

  *bad_offset = FALSE;
  g_variant_lookup (options, "offset", "q", &offset);
  if (offset > len)
    {
      *bad_offset = TRUE;
      return NULL;
    }
  return g_bytes_new_from_bytes (value, offset, len - offset);
}

static void
handle_char_call (SimGatt *self, LspSimChar ch, const char *method,
                  GVariant *parameters, GDBusMethodInvocation *invocation)
{
  const char *name = char_infos[ch].name;

  if (g_str_equal (method, "ReadValue"))
    {
      g_autoptr(GVariant) options = g_variant_get_child_value (parameters, 0);
      guint8 att_error = 0;
      g_autoptr(GBytes) value = lsp_sim_sensor_read (self->sensor, ch, &att_error);
      g_autoptr(GBytes) slice = NULL;
      gboolean bad_offset;

      if (value == NULL)
        {
          g_debug ("read %s refused: ATT 0x%02x", name, att_error);
          return_att_error (invocation, att_error);
          return;
        }
      slice = sliced_read (value, options, &bad_offset);
      if (bad_offset)
        {
          g_dbus_method_invocation_return_dbus_error (invocation,
                                                      "org.bluez.Error.InvalidOffset",
                                                      "0x07");
          return;
        }
      g_debug ("read %s: %zu bytes", name, g_bytes_get_size (slice));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(@ay)", bytes_variant (slice)));
    }
  else if (g_str_equal (method, "WriteValue"))
    {
      g_autoptr(GVariant) data = g_variant_get_child_value (parameters, 0);
      g_autoptr(GVariant) options = g_variant_get_child_value (parameters, 1);
      guint16 offset = 0;
      gsize len = 0;
      const guint8 *bytes = g_variant_get_fixed_array (data, &len, 1);
      guint8 att_error;

      /* LSP values are short: a prepared (offset) write is not a thing. */
      if (g_variant_lookup (options, "offset", "q", &offset) && offset != 0)
        {
          g_dbus_method_invocation_return_dbus_error (invocation,
                                                      "org.bluez.Error.InvalidOffset",
                                                      "0x07");
          return;
        }
      att_error = lsp_sim_sensor_write (self->sensor, ch, bytes, len);
      g_debug ("write %s (%zu bytes): ATT 0x%02x", name, len, att_error);
      if (att_error != 0)
        return_att_error (invocation, att_error);
      else
        g_dbus_method_invocation_return_value (invocation, NULL);
      if (att_error == 0 && ch == LSP_SIM_CHAR_RACP && len > 0 && bytes[0] == 0x01)
        self->report_start_us = g_get_real_time ();
      notify_changed (self);
    }
  else if (g_str_equal (method, "StartNotify") || g_str_equal (method, "StopNotify"))
    {
      gboolean on = g_str_equal (method, "StartNotify");

      g_debug ("%s %s", method, name);
      self->subscribed[ch] = on;
      lsp_sim_sensor_set_notifying (self->sensor, ch, on);
      emit_char_property (self, ch, "Notifying", g_variant_new_boolean (on));
      g_dbus_method_invocation_return_value (invocation, NULL);
      notify_changed (self);
    }
  else if (g_str_equal (method, "Confirm"))
    {
      /* An indication was confirmed; the model needs nothing more. */
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_dbus_error (invocation,
                                                "org.bluez.Error.NotSupported",
                                                method);
}

static GVariant *
char_property (SimGatt *self, LspSimChar ch, const char *property)
{
  if (g_str_equal (property, "UUID"))
    return g_variant_new_string (lsp_sim_char_uuid (ch));
  if (g_str_equal (property, "Service"))
    {
      g_autofree char *svc = service_path (char_infos[ch].svc);

      return g_variant_new_object_path (svc);
    }
  if (g_str_equal (property, "Value"))
    return bytes_variant (self->values[ch]);
  if (g_str_equal (property, "Notifying"))
    return g_variant_new_boolean (self->subscribed[ch]);
  if (g_str_equal (property, "Flags"))
    return g_variant_new_strv ((const char *const *) char_infos[ch].flags, -1);
  return NULL;
}

/* ------------------------------------------------------ other objects */

static GVariant *
service_property (SimService svc, const char *property)
{
  if (g_str_equal (property, "UUID"))
    return g_variant_new_string (svc_uuids[svc]);
  if (g_str_equal (property, "Primary"))
    return g_variant_new_boolean (TRUE);
  return NULL;
}

static GVariant *
adv_property (SimGatt *self, const char *property)
{
  static const char *const uuids[] = { LSP_UUID_SERVICE, NULL };

  if (g_str_equal (property, "Type"))
    return g_variant_new_string ("peripheral");
  if (g_str_equal (property, "ServiceUUIDs"))
    return g_variant_new_strv (uuids, -1);
  if (g_str_equal (property, "LocalName"))
    return g_variant_new_string (self->local_name);
  if (g_str_equal (property, "Discoverable"))
    return g_variant_new_boolean (TRUE);
  return NULL;
}

static void
handle_agent_call (const char *method, GDBusMethodInvocation *invocation)
{
  /* Just Works: accept whatever bluetoothd asks to confirm or authorize;
   * there is no display or keyboard to involve. */
  if (g_str_equal (method, "RequestPinCode"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", "0000"));
  else if (g_str_equal (method, "RequestPasskey"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 0));
  else
    {
      g_message ("agent: %s accepted", method);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
}

static void
add_interface (GVariantBuilder *objects, const char *path, const char *iface,
               GVariantBuilder *props)
{
  GVariantBuilder ifaces;

  g_variant_builder_init (&ifaces, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (&ifaces, "{sa{sv}}", iface, props);
  g_variant_builder_add (objects, "{oa{sa{sv}}}", path, &ifaces);
}

static GVariant *
managed_objects (SimGatt *self)
{
  static const char *const svc_props[] = { "UUID", "Primary" };
  static const char *const chr_props[] = { "UUID", "Service", "Value", "Flags", "Notifying" };
  GVariantBuilder objects;

  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  for (guint s = 0; s < N_SVCS; s++)
    {
      g_autofree char *path = service_path ((SimService) s);
      GVariantBuilder props;

      g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
      for (guint p = 0; p < G_N_ELEMENTS (svc_props); p++)
        g_variant_builder_add (&props, "{sv}", svc_props[p],
                               service_property ((SimService) s, svc_props[p]));
      add_interface (&objects, path, "org.bluez.GattService1", &props);
    }
  for (guint c = 0; c < LSP_SIM_N_CHARS; c++)
    {
      g_autofree char *path = char_path ((LspSimChar) c);
      GVariantBuilder props;

      g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
      for (guint p = 0; p < G_N_ELEMENTS (chr_props); p++)
        g_variant_builder_add (&props, "{sv}", chr_props[p],
                               char_property (self, (LspSimChar) c, chr_props[p]));
      add_interface (&objects, path, "org.bluez.GattCharacteristic1", &props);
    }
  return g_variant_new ("(@a{oa{sa{sv}}})", g_variant_builder_end (&objects));
}

/* ---------------------------------------------------- dispatch tables */

static void
method_call_cb (GDBusConnection *bus, const char *sender, const char *path,
                const char *iface, const char *method, GVariant *parameters,
                GDBusMethodInvocation *invocation, gpointer user_data)
{
  SimGatt *self = user_data;
  LspSimChar ch;

  if (g_str_equal (iface, "org.freedesktop.DBus.ObjectManager"))
    g_dbus_method_invocation_return_value (invocation, managed_objects (self));
  else if (g_str_equal (iface, "org.bluez.GattCharacteristic1") &&
           char_from_path (path, &ch))
    handle_char_call (self, ch, method, parameters, invocation);
  else if (g_str_equal (iface, "org.bluez.Agent1"))
    handle_agent_call (method, invocation);
  else if (g_str_equal (iface, "org.bluez.LEAdvertisement1"))
    {
      g_message ("advertisement released by BlueZ");
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_dbus_error (invocation,
                                                "org.freedesktop.DBus.Error.UnknownMethod",
                                                method);
}

static GVariant *
get_property_cb (GDBusConnection *bus, const char *sender, const char *path,
                 const char *iface, const char *property, GError **error,
                 gpointer user_data)
{
  SimGatt *self = user_data;
  GVariant *value = NULL;
  LspSimChar ch;

  if (g_str_equal (iface, "org.bluez.GattCharacteristic1") && char_from_path (path, &ch))
    value = char_property (self, ch, property);
  else if (g_str_equal (iface, "org.bluez.GattService1"))
    {
      for (guint s = 0; s < N_SVCS && value == NULL; s++)
        {
          g_autofree char *p = service_path ((SimService) s);

          if (g_str_equal (p, path))
            value = service_property ((SimService) s, property);
        }
    }
  else if (g_str_equal (iface, "org.bluez.LEAdvertisement1"))
    value = adv_property (self, property);
  if (value == NULL)
    g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
                 "No property %s on %s", property, path);
  return value;
}

static const GDBusInterfaceVTable vtable = {
  .method_call = method_call_cb,
  .get_property = get_property_cb,
};

static gboolean
export (SimGatt *self, const char *path, const GDBusInterfaceInfo *iface,
        GError **error)
{
  guint id = g_dbus_connection_register_object (self->bus, path,
                                                (GDBusInterfaceInfo *) iface,
                                                &vtable, self, NULL, error);

  if (id == 0)
    return FALSE;
  g_array_append_val (self->registrations, id);
  return TRUE;
}

SimGatt *
sim_gatt_new (GDBusConnection *bus, LspSimSensor *sensor, const char *local_name,
              SimGattChangedFunc changed, gpointer user_data, GError **error)
{
  g_autoptr(SimGatt) self = g_new0 (SimGatt, 1);

  self->bus = g_object_ref (bus);
  self->sensor = g_object_ref (sensor);
  self->local_name = g_strdup (local_name);
  self->changed = changed;
  self->changed_data = user_data;
  self->registrations = g_array_new (FALSE, FALSE, sizeof (guint));
  /* The interfaces as data/bluez/ describes them. */
  if (!export (self, SIM_APP_PATH, &lactd_bluez_object_manager_interface,
               error) ||
      !export (self, SIM_ADV_PATH, &lactd_bluez_le_advertisement1_interface,
               error) ||
      !export (self, SIM_AGENT_PATH, &lactd_bluez_agent1_interface, error))
    return NULL;
  for (guint s = 0; s < N_SVCS; s++)
    {
      g_autofree char *path = service_path ((SimService) s);

      if (!export (self, path, &lactd_bluez_gatt_service1_interface, error))
        return NULL;
    }
  for (guint c = 0; c < LSP_SIM_N_CHARS; c++)
    {
      g_autofree char *path = char_path ((LspSimChar) c);

      if (!export (self, path, &lactd_bluez_gatt_characteristic1_interface,
                   error))
        return NULL;
    }
  self->send_handler = g_signal_connect (sensor, "send", G_CALLBACK (on_sensor_send), self);
  return g_steal_pointer (&self);
}

void
sim_gatt_free (SimGatt *self)
{
  if (self == NULL)
    return;
  if (self->send_handler != 0)
    g_signal_handler_disconnect (self->sensor, self->send_handler);
  for (guint i = 0; self->registrations != NULL && i < self->registrations->len; i++)
    g_dbus_connection_unregister_object (self->bus,
                                         g_array_index (self->registrations, guint, i));
  g_clear_pointer (&self->registrations, g_array_unref);
  for (guint c = 0; c < LSP_SIM_N_CHARS; c++)
    g_clear_pointer (&self->values[c], g_bytes_unref);
  g_clear_object (&self->sensor);
  g_clear_object (&self->bus);
  g_free (self->local_name);
  g_free (self);
}

void
sim_gatt_link_down (SimGatt *self)
{
  lsp_sim_sensor_disconnected (self->sensor);
  notify_changed (self);
}

void
sim_gatt_link_up (SimGatt *self)
{
  /* bluetoothd keeps a bonded central's CCC values and may not call
   * StartNotify again after a reconnect; replay what it last asked for. */
  for (guint c = 0; c < LSP_SIM_N_CHARS; c++)
    if (self->subscribed[c] && !lsp_sim_sensor_get_notifying (self->sensor, c))
      lsp_sim_sensor_set_notifying (self->sensor, c, TRUE);
  notify_changed (self);
}

char *
sim_gatt_describe_notifying (SimGatt *self)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint c = 0; c < LSP_SIM_N_CHARS; c++)
    if (lsp_sim_sensor_get_notifying (self->sensor, c))
      g_string_append_printf (out, "%s%s", out->len > 0 ? "," : "", char_infos[c].name);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

guint64
sim_gatt_get_records_sent (SimGatt *self)
{
  return self->records_sent;
}

void
sim_gatt_get_report_times (SimGatt *self, gint64 *report_start_us,
                           gint64 *last_record_us)
{
  *report_start_us = self->report_start_us;
  *last_record_us = self->last_record_us;
}
