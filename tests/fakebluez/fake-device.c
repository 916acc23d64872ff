/* fake-device.c — Adapter1, Device1 and the GATT objects of the fake
 * bluetoothd, with bluetoothd's behaviour on the points lactd relies on:
 * Connect sets Connected and then ServicesResolved, Disconnect clears both,
 * Pair keeps UUIDs and asks the agent, encrypted characteristics refuse
 * access without a bond, notify sessions belong to the client connection
 * and survive reconnects, bonded devices are auto-connected when a
 * registered GattProfile1 claims their service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fake-bluetoothd"

#include <string.h>

#include "fake-bluetoothd.h"

#define ADAPTER1 "org.bluez.Adapter1"
#define DEVICE1 "org.bluez.Device1"
#define CHAR1 "org.bluez.GattCharacteristic1"
#define AGENT_TIMEOUT_MS 60000    /* bluetoothd's REQUEST_TIMEOUT */

/* -------------------------------------------------------- connection */

static gboolean
late_gatt_cb (gpointer data)
{
  FDevice *dev = data;

  dev->resolve_source = 0;
  if (dev->connected)
    fake_device_export_gatt (dev);
  return G_SOURCE_REMOVE;
}

static gboolean
resolve_cb (gpointer data)
{
  FDevice *dev = data;

  dev->resolve_source = 0;
  if (!dev->connected)
    return G_SOURCE_REMOVE;
  if (!dev->sensor->late_gatt)
    fake_device_export_gatt (dev);
  dev->resolved = TRUE;
  fobj_set (dev->obj, DEVICE1, "ServicesResolved",
            g_variant_new_boolean (TRUE), FALSE);
  if (dev->sensor->drop_after_resolved > 0)
    {
      /* The link goes in the same breath: a client sees ServicesResolved,
       * then Connected=false before its first call can be answered. */
      dev->sensor->drop_after_resolved--;
      g_message ("%s: dropping the link right after resolving",
                 dev->sensor->address);
      fake_device_drop (dev, FALSE);
      return G_SOURCE_REMOVE;
    }
  if (dev->sensor->late_gatt && !dev->gatt_exported)
    dev->resolve_source = g_timeout_add (300, late_gatt_cb, dev);
  return G_SOURCE_REMOVE;
}

static void
link_up (FDevice *dev)
{
  dev->connected = TRUE;
  dev->auto_connect = TRUE;
  dev->sensor->connected_via = dev;
  fobj_set (dev->obj, DEVICE1, "Connected", g_variant_new_boolean (TRUE),
            FALSE);
  g_message ("%s connected on %s", dev->sensor->address, dev->adapter->id);
  g_clear_handle_id (&dev->resolve_source, g_source_remove);
  dev->resolve_source = g_timeout_add (MAX (dev->sensor->resolve_delay_ms, 1u),
                                       resolve_cb, dev);
}

void
fake_device_drop (FDevice *dev, gboolean by_host)
{
  g_clear_handle_id (&dev->resolve_source, g_source_remove);
  if (!dev->connected)
    return;
  dev->connected = FALSE;
  dev->resolved = FALSE;
  if (by_host)
    dev->auto_connect = FALSE;   /* as bluetoothd after Device1.Disconnect */
  if (dev->sensor->connected_via == dev)
    dev->sensor->connected_via = NULL;
  fake_sensor_link_down (dev->sensor);
  fobj_set (dev->obj, DEVICE1, "ServicesResolved",
            g_variant_new_boolean (FALSE), FALSE);
  fobj_set (dev->obj, DEVICE1, "Connected", g_variant_new_boolean (FALSE),
            FALSE);
  g_message ("%s disconnected from %s%s", dev->sensor->address,
             dev->adapter->id, by_host ? " by the host" : "");
}

static gboolean
connect_done_cb (gpointer data)
{
  FDevice *dev = data;
  FSensor *s = dev->sensor;
  g_autoptr(GDBusMethodInvocation) inv = g_steal_pointer (&dev->pending_connect);
  gboolean ok = s->in_range && dev->adapter->powered
                && (s->connected_via == NULL || s->connected_via == dev);

  dev->connect_source = 0;
  dev->connect_pending = FALSE;
  if (ok)
    link_up (dev);
  if (inv == NULL)
    return G_SOURCE_REMOVE;
  if (ok)
    g_dbus_method_invocation_return_value (g_steal_pointer (&inv), NULL);
  else
    fake_bluez_emit_error (g_steal_pointer (&inv), "org.bluez.Error.Failed",
                           "le-connection-abort-by-local");
  return G_SOURCE_REMOVE;
}

static void
start_connect (FDevice *dev, GDBusMethodInvocation *inv)
{
  FSensor *s = dev->sensor;
  gboolean reachable = s->in_range && s->connected_via == NULL;

  dev->connect_pending = TRUE;
  dev->pending_connect = inv;
  s->connect_attempts++;
  /* A Connect bluetoothd never completes: pending until a Disconnect
   * cancels it. */
  if (inv != NULL && fake_sensor_hangs (s, "Connect", inv, FALSE))
    return;
  dev->connect_source = g_timeout_add (reachable ? s->connect_delay_ms
                                                 : s->fail_delay_ms,
                                       connect_done_cb, dev);
}

void
fake_device_link_up_silently (FDevice *dev)
{
  if (dev->connected || dev->sensor->connected_via != NULL)
    return;
  dev->connected = TRUE;
  dev->resolved = TRUE;
  dev->sensor->connected_via = dev;
  fake_device_export_gatt (dev);
  dev->fb->silent = TRUE;
  fobj_set (dev->obj, DEVICE1, "Connected", g_variant_new_boolean (TRUE),
            FALSE);
  fobj_set (dev->obj, DEVICE1, "ServicesResolved",
            g_variant_new_boolean (TRUE), FALSE);
  dev->fb->silent = FALSE;
  g_message ("%s connected on %s (no PropertiesChanged)",
             dev->sensor->address, dev->adapter->id);
}

void
fake_device_autoconnect (FDevice *dev)
{
  if (dev->paired && dev->auto_connect && !dev->sensor->no_autoconnect
      && !dev->connected
      && !dev->connect_pending && !dev->pair_pending
      && dev->adapter->powered && dev->sensor->in_range
      && dev->sensor->connected_via == NULL
      && fake_bluez_profile_claims (dev->fb, dev->adapter, LSP_UUID_SERVICE))
    {
      g_debug ("auto-connecting %s", dev->sensor->address);
      start_connect (dev, NULL);
    }
}

/* ----------------------------------------------------------- pairing */

/* A Pair: dev->pairing points here from the Pair until it is answered
 * (connecting, then the agent's request, when agent_sender is set). */
typedef struct _FPairing {
  FDevice *dev;
  GDBusMethodInvocation *inv;
  char *agent_sender;
  char *agent_path;
  gboolean answered;        /* Pair already failed (CancelPairing) while
                             * the agent's request was out */
} PairData;

static void
pair_data_free (PairData *pd)
{
  g_free (pd->agent_sender);
  g_free (pd->agent_path);
  g_free (pd);
}

/* As bluetoothd when it gives up on a request: Agent1.Cancel. */
static void
agent_cancel (PairData *pd)
{
  g_dbus_connection_call (pd->dev->fb->bus, pd->agent_sender, pd->agent_path,
                          "org.bluez.Agent1", "Cancel", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static void
pair_finish (FDevice *dev, GDBusMethodInvocation *inv, const char *error,
             const char *message)
{
  dev->pair_pending = FALSE;
  if (error != NULL)
    {
      fake_bluez_emit_error (inv, error, message);
      return;
    }
  dev->paired = TRUE;
  dev->sensor->bond_lost = FALSE;
  fobj_set (dev->obj, DEVICE1, "Paired", g_variant_new_boolean (TRUE), FALSE);
  fobj_set (dev->obj, DEVICE1, "Bonded", g_variant_new_boolean (TRUE), FALSE);
  fake_bluez_save (dev->fb);
  g_message ("%s paired on %s", dev->sensor->address, dev->adapter->id);
  g_dbus_method_invocation_return_value (inv, NULL);
}

static void
agent_replied (GObject *source, GAsyncResult *res, gpointer data)
{
  PairData *pd = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  if (pd->answered)
    {
      g_message ("agent answered a cancelled request");
      pair_data_free (pd);
      return;
    }
  pd->dev->pairing = NULL;
  if (reply == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_message ("agent did not answer in time");
      agent_cancel (pd);
      pair_finish (pd->dev, pd->inv, "org.bluez.Error.AuthenticationCanceled",
                   "Authentication Canceled");
    }
  else if (reply == NULL && pd->dev->sensor->passkey_mode != PASSKEY_DISPLAY)
    {
      g_message ("agent refused: %s", error->message);
      pair_finish (pd->dev, pd->inv, "org.bluez.Error.AuthenticationRejected",
                   "Authentication Rejected");
    }
  else if (pd->dev->sensor->passkey_mode == PASSKEY_KEYBOARD)
    {
      guint32 typed = 0;
      g_variant_get (reply, "(u)", &typed);
      if (typed != pd->dev->sensor->passkey)
        pair_finish (pd->dev, pd->inv, "org.bluez.Error.AuthenticationFailed",
                     "Authentication Failed");
      else
        pair_finish (pd->dev, pd->inv, NULL, NULL);
    }
  else
    pair_finish (pd->dev, pd->inv, NULL, NULL);
  pair_data_free (pd);
}

static gboolean
pair_connected_cb (gpointer data)
{
  PairData *pd = data;
  FDevice *dev = pd->dev;
  FSensor *s = dev->sensor;
  const char *agent_sender, *agent_path;
  const char *method = NULL;
  GVariant *params = NULL;
  const GVariantType *reply_type = NULL;

  dev->connect_source = 0;
  if (!s->in_range || !dev->adapter->powered
      || (s->connected_via != NULL && s->connected_via != dev))
    {
      dev->pairing = NULL;
      pair_finish (dev, pd->inv, "org.bluez.Error.ConnectionAttemptFailed",
                   "Page Timeout");
      pair_data_free (pd);
      return G_SOURCE_REMOVE;
    }
  if (!dev->connected)
    link_up (dev);
  switch (s->passkey_mode)
    {
    case PASSKEY_DISPLAY:
      method = "DisplayPasskey";
      params = g_variant_new ("(ouq)", dev->path, s->passkey, 0);
      break;
    case PASSKEY_CONFIRM:
      method = "RequestConfirmation";
      params = g_variant_new ("(ou)", dev->path, s->passkey);
      break;
    case PASSKEY_KEYBOARD:
      method = "RequestPasskey";
      params = g_variant_new ("(o)", dev->path);
      reply_type = G_VARIANT_TYPE ("(u)");
      break;
    case PASSKEY_NONE:
    default:
      break;
    }
  if (method == NULL)
    {
      dev->pairing = NULL;
      pair_finish (dev, pd->inv, NULL, NULL);
      pair_data_free (pd);
      return G_SOURCE_REMOVE;
    }
  if (!fake_bluez_find_agent (dev->fb,
                              g_dbus_method_invocation_get_sender (pd->inv),
                              &agent_sender, &agent_path))
    {
      g_variant_unref (g_variant_ref_sink (params));
      dev->pairing = NULL;
      pair_finish (dev, pd->inv, "org.bluez.Error.AuthenticationFailed",
                   "Authentication Failed");
      pair_data_free (pd);
      return G_SOURCE_REMOVE;
    }
  pd->agent_sender = g_strdup (agent_sender);
  pd->agent_path = g_strdup (agent_path);
  g_dbus_connection_call (dev->fb->bus, agent_sender, agent_path,
                          "org.bluez.Agent1", method, params, reply_type,
                          G_DBUS_CALL_FLAGS_NONE, AGENT_TIMEOUT_MS, NULL,
                          agent_replied, pd);
  return G_SOURCE_REMOVE;
}

static void
cancel_pairing (FDevice *dev, GDBusMethodInvocation *inv)
{
  PairData *pd = g_steal_pointer (&dev->pairing);

  if (pd == NULL)
    {
      fake_bluez_emit_error (inv, "org.bluez.Error.DoesNotExist",
                             "Does Not Exist");
      return;
    }
  g_message ("%s: pairing cancelled", dev->sensor->address);
  dev->sensor->pairs_cancelled++;
  if (pd->agent_sender == NULL)
    {
      /* Still connecting, as bluetoothd's bonding before the agent. */
      g_clear_handle_id (&dev->connect_source, g_source_remove);
      pair_finish (dev, pd->inv, "org.bluez.Error.AuthenticationCanceled",
                   "Authentication Canceled");
      pair_data_free (pd);
      g_dbus_method_invocation_return_value (inv, NULL);
      return;
    }
  /* The agent's late answer frees pd. */
  pd->answered = TRUE;
  agent_cancel (pd);
  pair_finish (dev, pd->inv, "org.bluez.Error.AuthenticationCanceled",
               "Authentication Canceled");
  g_dbus_method_invocation_return_value (inv, NULL);
}

/* ------------------------------------------------------------ Device1 */

static void
device_method (FObj *obj, const char *iface, const char *method,
               GVariant *params, GDBusMethodInvocation *inv)
{
  FDevice *dev = obj->owner;

  if (g_str_equal (method, "Connect"))
    {
      if (!dev->adapter->powered)
        fake_bluez_emit_error (inv, "org.bluez.Error.NotReady",
                               "Resource Not Ready");
      else if (dev->connect_pending && dev->pending_connect == NULL)
        dev->pending_connect = inv;   /* joins bluetoothd's auto-connect */
      else if (dev->connect_pending)
        /* bluetoothd 5.66 for an LE Connect while its own attempt runs. */
        fake_bluez_emit_error (inv, "org.bluez.Error.Failed",
                               "Operation already in progress");
      else if (dev->pair_pending)
        fake_bluez_emit_error (inv, "org.bluez.Error.InProgress",
                               "In Progress");
      else if (dev->connected)
        /* bluetoothd 5.66 for an LE link that is up. */
        g_dbus_method_invocation_return_value (inv, NULL);
      else
        start_connect (dev, inv);
    }
  else if (g_str_equal (method, "Disconnect"))
    {
      if (fake_sensor_hangs (dev->sensor, "Disconnect", inv, TRUE))
        return;
      if (dev->connect_pending)
        {
          g_clear_handle_id (&dev->connect_source, g_source_remove);
          dev->connect_pending = FALSE;
          /* bluetoothd 5.66's answer to a Connect that a Disconnect
           * cancels. */
          if (dev->pending_connect)
            fake_bluez_emit_error (g_steal_pointer (&dev->pending_connect),
                                   "org.bluez.Error.Failed",
                                   "br-connection-canceled");
        }
      fake_device_drop (dev, TRUE);
      g_dbus_method_invocation_return_value (inv, NULL);
    }
  else if (g_str_equal (method, "Pair"))
    {
      PairData *pd;

      dev->sensor->pair_calls++;
      if (fake_sensor_hangs (dev->sensor, "Pair", inv, TRUE))
        return;
      if (dev->paired)
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.AlreadyExists",
                                 "Already Exists");
          return;
        }
      if (dev->pair_pending || dev->connect_pending)
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.InProgress",
                                 "In Progress");
          return;
        }
      if (!dev->adapter->powered)
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.NotReady",
                                 "Resource Not Ready");
          return;
        }
      dev->pair_pending = TRUE;
      pd = g_new0 (PairData, 1);
      pd->dev = dev;
      pd->inv = inv;
      dev->pairing = pd;
      dev->connect_source = g_timeout_add (
          dev->connected ? 1
          : dev->sensor->in_range ? dev->sensor->connect_delay_ms
          : dev->sensor->fail_delay_ms, pair_connected_cb, pd);
    }
  else
    cancel_pairing (dev, inv);
}

static gboolean
device_set (FObj *obj, const char *iface, const char *prop, GVariant *value,
            GError **error)
{
  FDevice *dev = obj->owner;

  if (g_str_equal (prop, "Trusted"))
    {
      dev->trusted = g_variant_get_boolean (value);
      fake_bluez_save (dev->fb);
    }
  fobj_set (obj, iface, prop, g_variant_ref (value), FALSE);
  return TRUE;
}

FDevice *
fake_device_new (FAdapter *adapter, FSensor *sensor, gboolean paired,
                 gboolean trusted)
{
  FDevice *dev = g_new0 (FDevice, 1);
  g_autofree char *id = g_strdelimit (g_strdup (sensor->address), ":", '_');
  GVariantDict d;

  dev->fb = adapter->fb;
  dev->adapter = adapter;
  dev->sensor = sensor;
  dev->paired = paired;
  dev->trusted = trusted;
  dev->auto_connect = TRUE;
  dev->path = g_strdup_printf ("/org/bluez/%s/dev_%s", adapter->id, id);
  dev->services = g_ptr_array_new_with_free_func ((GDestroyNotify) fobj_destroy);
  dev->chars = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_char_free);
  dev->obj = fobj_new (dev->fb, dev->path, dev, device_method, device_set);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "Address", "s", sensor->address);
  g_variant_dict_insert (&d, "AddressType", "s", "public");
  g_variant_dict_insert (&d, "Name", "s", sensor->name);
  g_variant_dict_insert (&d, "Alias", "s", sensor->name);
  g_variant_dict_insert (&d, "Paired", "b", paired);
  g_variant_dict_insert (&d, "Bonded", "b", paired);
  g_variant_dict_insert (&d, "Trusted", "b", trusted);
  g_variant_dict_insert (&d, "Blocked", "b", FALSE);
  g_variant_dict_insert (&d, "Connected", "b", FALSE);
  g_variant_dict_insert (&d, "ServicesResolved", "b", FALSE);
  g_variant_dict_insert_value (&d, "UUIDs",
                               g_variant_new_strv ((const char * const *) sensor->uuids, -1));
  g_variant_dict_insert (&d, "Adapter", "o", adapter->obj->path);
  if (!paired)
    g_variant_dict_insert (&d, "RSSI", "n", (gint16) -60);
  fobj_add_iface (dev->obj, DEVICE1, g_variant_dict_end (&d));
  fobj_export (dev->obj);
  g_hash_table_insert (adapter->devices, sensor->address, dev);
  return dev;
}

void
fake_device_forget_uuids (FDevice *dev)
{
  fobj_set (dev->obj, DEVICE1, "UUIDs", g_variant_new_strv (NULL, 0), FALSE);
}

void
fake_device_free (FDevice *dev)
{
  g_clear_handle_id (&dev->connect_source, g_source_remove);
  if (dev->pairing != NULL)
    {
      PairData *pd = g_steal_pointer (&dev->pairing);
      fake_bluez_emit_error (pd->inv, "org.bluez.Error.DoesNotExist",
                             "Does Not Exist");
      /* Connecting: nothing else holds it; else the agent's answer frees
       * it. */
      if (pd->agent_sender == NULL)
        pair_data_free (pd);
      else
        pd->answered = TRUE;
    }
  if (dev->connect_pending)
    {
      if (dev->pending_connect)
        fake_bluez_emit_error (g_steal_pointer (&dev->pending_connect),
                               "org.bluez.Error.Failed",
                               "le-connection-abort-by-local");
    }
  fake_device_drop (dev, TRUE);
  fake_device_unexport_gatt (dev);
  g_ptr_array_unref (dev->chars);
  g_ptr_array_unref (dev->services);
  fobj_destroy (dev->obj);
  g_free (dev->path);
  g_free (dev);
}

/* ------------------------------------------------------------ Adapter1 */

static gboolean
discovery_tick (gpointer data)
{
  FAdapter *adapter = data;
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, adapter->fb->sensors);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      FSensor *s = v;
      FDevice *dev;

      /* A connected peripheral does not advertise. */
      if (!s->in_range || s->connected_via != NULL)
        continue;
      dev = g_hash_table_lookup (adapter->devices, s->address);
      if (dev == NULL)
        {
          fake_device_new (adapter, s, FALSE, FALSE);
          continue;
        }
      fobj_set (dev->obj, DEVICE1, "RSSI",
                g_variant_new_int16 ((gint16) g_random_int_range (-75, -45)),
                FALSE);
      /* An active scan hears the advertised services. */
      if (g_variant_n_children (fobj_get (dev->obj, DEVICE1, "UUIDs")) == 0)
        fobj_set (dev->obj, DEVICE1, "UUIDs",
                  g_variant_new_strv ((const char * const *) s->uuids, -1),
                  FALSE);
    }
  return G_SOURCE_CONTINUE;
}

static void
set_discovering (FAdapter *adapter, gboolean on)
{
  if (on && adapter->discovery_source == 0)
    adapter->discovery_source = g_timeout_add (150, discovery_tick, adapter);
  else if (!on)
    {
      g_clear_handle_id (&adapter->discovery_source, g_source_remove);
      g_ptr_array_set_size (adapter->discovery_clients, 0);
    }
  fobj_set (adapter->obj, ADAPTER1, "Discovering", g_variant_new_boolean (on),
            FALSE);
}

void
fake_bluez_client_vanished (FakeBluez *fb, const char *sender)
{
  GHashTableIter it, dit;
  gpointer v, dv;

  g_hash_table_iter_init (&it, fb->adapters);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      FAdapter *adapter = v;
      if (fake_str_array_remove (adapter->discovery_clients, sender)
          && adapter->discovery_clients->len == 0)
        set_discovering (adapter, FALSE);
      g_hash_table_iter_init (&dit, adapter->devices);
      while (g_hash_table_iter_next (&dit, NULL, &dv))
        {
          FDevice *dev = dv;
          for (guint i = 0; i < dev->chars->len; i++)
            {
              FChar *ch = dev->chars->pdata[i];
              if (fake_str_array_remove (ch->notify_clients, sender)
                  && ch->notify_clients->len == 0)
                fobj_set (ch->obj, CHAR1, "Notifying",
                          g_variant_new_boolean (FALSE), FALSE);
            }
        }
    }
}

static void
adapter_method (FObj *obj, const char *iface, const char *method,
                GVariant *params, GDBusMethodInvocation *inv)
{
  FAdapter *adapter = obj->owner;
  const char *sender = g_dbus_method_invocation_get_sender (inv);

  if (!g_str_equal (iface, ADAPTER1))
    {
      fake_bluez_adapter_manager_call (adapter, iface, method, params, inv);
      return;
    }
  if (g_str_equal (method, "StartDiscovery"))
    {
      if (!adapter->powered)
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.NotReady",
                                 "Resource Not Ready");
          return;
        }
      if (!fake_str_array_has (adapter->discovery_clients, sender))
        g_ptr_array_add (adapter->discovery_clients, g_strdup (sender));
      set_discovering (adapter, TRUE);
    }
  else if (g_str_equal (method, "StopDiscovery"))
    {
      if (!fake_str_array_remove (adapter->discovery_clients, sender))
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.Failed",
                                 "No discovery started");
          return;
        }
      if (adapter->discovery_clients->len == 0)
        set_discovering (adapter, FALSE);
    }
  else if (g_str_equal (method, "RemoveDevice"))
    {
      const char *path;
      GHashTableIter it;
      gpointer v;
      FDevice *found = NULL;

      g_variant_get (params, "(&o)", &path);
      g_hash_table_iter_init (&it, adapter->devices);
      while (g_hash_table_iter_next (&it, NULL, &v))
        if (g_str_equal (((FDevice *) v)->path, path))
          found = v;
      if (found == NULL)
        {
          fake_bluez_emit_error (inv, "org.bluez.Error.DoesNotExist",
                                 "Does Not Exist");
          return;
        }
      g_hash_table_remove (adapter->devices, found->sensor->address);
      fake_bluez_save (adapter->fb);
    }
  else if (g_str_equal (method, "GetDiscoveryFilters"))
    {
      const char *filters[] = { "UUIDs", "RSSI", "Pathloss", "Transport",
                                "DuplicateData", "Discoverable", "Pattern",
                                NULL };
      g_dbus_method_invocation_return_value (
          inv, g_variant_new ("(^as)", filters));
      return;
    }
  /* SetDiscoveryFilter: every fake sensor is an LE LSP sensor. */
  g_dbus_method_invocation_return_value (inv, NULL);
}

void
fake_adapter_set_powered (FAdapter *adapter, gboolean powered)
{
  GHashTableIter it;
  gpointer v;

  if (adapter->powered == powered)
    return;
  adapter->powered = powered;
  if (!powered)
    {
      set_discovering (adapter, FALSE);
      g_hash_table_iter_init (&it, adapter->devices);
      while (g_hash_table_iter_next (&it, NULL, &v))
        fake_device_drop (v, FALSE);
    }
  fobj_set (adapter->obj, ADAPTER1, "Powered", g_variant_new_boolean (powered),
            FALSE);
  g_message ("%s powered %s", adapter->id, powered ? "on" : "off");
  fake_bluez_save (adapter->fb);
}

static gboolean
adapter_set (FObj *obj, const char *iface, const char *prop, GVariant *value,
             GError **error)
{
  FAdapter *adapter = obj->owner;

  if (g_str_equal (prop, "Powered"))
    fake_adapter_set_powered (adapter, g_variant_get_boolean (value));
  else
    fobj_set (obj, iface, prop, g_variant_ref (value), FALSE);
  return TRUE;
}

FAdapter *
fake_adapter_new (FakeBluez *fb, const char *id, gboolean powered)
{
  FAdapter *adapter = g_new0 (FAdapter, 1);
  g_autofree char *path = g_strdup_printf ("/org/bluez/%s", id);
  guint index = (guint) g_ascii_strtoull (id + strspn (id, "hci"), NULL, 10);
  GVariantDict d;
  const char *uuids[] = { NULL };

  adapter->fb = fb;
  adapter->id = g_strdup (id);
  adapter->address = g_strdup_printf ("00:1A:7D:DA:71:%02X", index & 0xff);
  adapter->powered = powered;
  adapter->devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) fake_device_free);
  adapter->discovery_clients = g_ptr_array_new_with_free_func (g_free);
  adapter->obj = fobj_new (fb, path, adapter, adapter_method, adapter_set);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "Address", "s", adapter->address);
  g_variant_dict_insert (&d, "AddressType", "s", "public");
  g_variant_dict_insert (&d, "Name", "s", "fake");
  g_variant_dict_insert (&d, "Alias", "s", "fake");
  g_variant_dict_insert (&d, "Powered", "b", powered);
  g_variant_dict_insert (&d, "Discoverable", "b", FALSE);
  g_variant_dict_insert (&d, "Pairable", "b", TRUE);
  g_variant_dict_insert (&d, "Discovering", "b", FALSE);
  g_variant_dict_insert_value (&d, "UUIDs", g_variant_new_strv (uuids, 0));
  fobj_add_iface (adapter->obj, ADAPTER1, g_variant_dict_end (&d));
  fobj_add_iface (adapter->obj, "org.bluez.GattManager1",
                  g_variant_new ("a{sv}", NULL));
  fobj_export (adapter->obj);
  return adapter;
}

void
fake_adapter_free (FAdapter *adapter)
{
  g_clear_handle_id (&adapter->discovery_source, g_source_remove);
  /* Devices go first, so InterfacesRemoved comes child before parent. */
  g_hash_table_unref (adapter->devices);
  fobj_destroy (adapter->obj);
  g_ptr_array_unref (adapter->discovery_clients);
  g_free (adapter->address);
  g_free (adapter->id);
  g_free (adapter);
}
