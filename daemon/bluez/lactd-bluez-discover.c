/* lactd-bluez-discover.c — Manager1.Discover on top of BlueZ: scans with
 * an LSP UUID filter on every powered adapter (discovery counted per
 * adapter, so that a Discover and a Pair's scan share it), and which
 * devices are LSP sensors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include "lactd-bluez-pairing-private.h"
#include "lactd-model.h"
#include "lsp.h"

/* ----------------------------------------------------------- discovery */

static void
call_logged (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;

  /* data is a static string: nothing of the pairing is touched. */
  if (!lactd_bluez_call_finish (source, res, &error))
    g_debug ("%s: %s", (const char *) data, error->message);
}

static void
adapter_call (LactdBluezPairing *pairing, const char *path,
              const char *method, GVariant *params)
{
  g_dbus_connection_call (lactd_bluez_get_connection (pairing->bluez),
                          BLUEZ_NAME, path, BLUEZ_ADAPTER, method, params,
                          NULL, G_DBUS_CALL_FLAGS_NONE, 10000,
                          pairing->cancellable, call_logged,
                          (gpointer) method);
}

static void
discovery_ref (LactdBluezPairing *pairing, const char *adapter)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (pairing->discovering,
                                                   adapter));

  g_hash_table_insert (pairing->discovering, g_strdup (adapter),
                       GUINT_TO_POINTER (n + 1));
  if (n == 0)
    {
      GVariantBuilder filter;
      const char *uuids[] = { LSP_UUID_SERVICE, NULL };

      g_variant_builder_init (&filter, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&filter, "{sv}", "UUIDs",
                             g_variant_new_strv (uuids, -1));
      g_variant_builder_add (&filter, "{sv}", "Transport",
                             g_variant_new_string ("le"));
      /* Calls on one connection are handled in order: the filter is in
       * place before discovery starts. */
      adapter_call (pairing, adapter, "SetDiscoveryFilter",
                    g_variant_new ("(a{sv})", &filter));
      adapter_call (pairing, adapter, "StartDiscovery", NULL);
      g_debug ("discovery started on %s", adapter);
    }
}

static void
discovery_unref (LactdBluezPairing *pairing, const char *adapter)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (pairing->discovering,
                                                   adapter));

  if (n > 1)
    {
      g_hash_table_insert (pairing->discovering, g_strdup (adapter),
                           GUINT_TO_POINTER (n - 1));
      return;
    }
  g_hash_table_remove (pairing->discovering, adapter);
  if (n == 1 && lactd_bluez_is_present (pairing->bluez))
    {
      adapter_call (pairing, adapter, "StopDiscovery", NULL);
      g_debug ("discovery stopped on %s", adapter);
    }
}

typedef enum {
  UUIDS_NONE,     /* BlueZ knows no service of the device yet */
  UUIDS_LSP,      /* the LSP service is among them */
  UUIDS_OTHER,    /* services are known, the LSP service is not one */
} UuidsVerdict;

static UuidsVerdict
device_uuids (LactdBluez *bluez, const char *path)
{
  GVariant *uuids = lactd_bluez_get_prop (bluez, path, BLUEZ_DEVICE, "UUIDs");
  g_autofree const char **list = NULL;

  if (uuids == NULL || !g_variant_is_of_type (uuids, G_VARIANT_TYPE_STRING_ARRAY))
    return UUIDS_NONE;
  list = g_variant_get_strv (uuids, NULL);
  for (guint i = 0; list[i]; i++)
    if (g_ascii_strcasecmp (list[i], LSP_UUID_SERVICE) == 0)
      return UUIDS_LSP;
  return list[0] != NULL ? UUIDS_OTHER : UUIDS_NONE;
}

static gboolean
offers_lsp (LactdBluez *bluez, const char *path)
{
  return device_uuids (bluez, path) == UUIDS_LSP;
}

/* Whether the device at path may be paired as an LSP sensor: TRUE when it
 * advertises the service; FALSE with *refuse set when it certainly does
 * not; FALSE alone when BlueZ knows none of its services yet (a device
 * seen by a passive scan, or heard before its scan response): the pairing
 * scan, filtered on the LSP service, waits for its advertisement. */
gboolean
lactd_bluez_device_is_lsp (LactdBluez *bluez, const char *path, gboolean *refuse)
{
  UuidsVerdict verdict = device_uuids (bluez, path);

  /* A paired or resolved device's list comes from its GATT database. */
  *refuse = verdict == UUIDS_OTHER
            || (verdict == UUIDS_NONE
                && (lactd_bluez_get_bool (bluez, path, BLUEZ_DEVICE, "Paired")
                    || lactd_bluez_get_bool (bluez, path, BLUEZ_DEVICE,
                                             "ServicesResolved")));
  return verdict == UUIDS_LSP;
}

void
lactd_bluez_scan_consider (Scan *scan, const char *path)
{
  LactdBluez *bluez = scan->pairing->bluez;
  GVariant *rssi = lactd_bluez_get_prop (bluez, path, BLUEZ_DEVICE, "RSSI");
  const char *address = lactd_bluez_address_of (bluez, path);
  LactdFoundSensor *found;

  /* RSSI is present only for a device heard advertising. */
  if (address == NULL || rssi == NULL || !offers_lsp (bluez, path))
    return;
  found = g_hash_table_lookup (scan->found, path);
  if (found == NULL)
    {
      found = g_new0 (LactdFoundSensor, 1);
      found->address = g_ascii_strup (address, -1);
      found->path = g_strdup (path);
      g_hash_table_insert (scan->found, found->path, found);
      g_debug ("discovered %s (%s)", found->address, path);
    }
  g_free (found->name);
  found->name = lactd_bluez_dup_device_name (bluez, address);
  if (found->name == NULL)
    found->name = g_strdup ("");
  if (g_variant_is_of_type (rssi, G_VARIANT_TYPE_INT16))
    found->rssi = g_variant_get_int16 (rssi);
}

static void
scan_stop (Scan *scan)
{
  g_clear_handle_id (&scan->timeout_id, g_source_remove);
  if (scan->cancelled != NULL)
    g_source_destroy (scan->cancelled);
  g_clear_pointer (&scan->cancelled, g_source_unref);
  for (guint i = 0; i < scan->adapters->len; i++)
    discovery_unref (scan->pairing, scan->adapters->pdata[i]);
  g_ptr_array_set_size (scan->adapters, 0);
  g_ptr_array_remove (scan->pairing->scans, scan);
}

void
lactd_bluez_scan_free (Scan *scan)
{
  scan_stop (scan);
  g_ptr_array_unref (scan->adapters);
  g_hash_table_unref (scan->found);
  g_free (scan);
}

static gboolean
scan_timeout_cb (gpointer data)
{
  Scan *scan = data;

  scan->timeout_id = 0;
  scan_stop (scan);
  scan->done (scan);
  return G_SOURCE_REMOVE;
}

void
lactd_bluez_scan_end (Scan *scan)
{
  scan_timeout_cb (scan);
}

static gboolean
scan_cancelled_cb (GCancellable *cancellable, gpointer data)
{
  Scan *scan = data;

  scan_stop (scan);
  scan->done (scan);
  return G_SOURCE_REMOVE;
}

/* Starts discovery on every powered adapter; FALSE if there is none. */
Scan *
lactd_bluez_scan_start (LactdBluezPairing *pairing, guint timeout_s, ScanDone done,
            gpointer data)
{
  g_autoptr(GPtrArray) adapters = lactd_bluez_list_adapters (pairing->bluez,
                                                             TRUE);
  Scan *scan;

  if (adapters->len == 0)
    return NULL;
  scan = g_new0 (Scan, 1);
  scan->pairing = pairing;
  scan->found = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) lactd_found_sensor_free);
  scan->adapters = g_ptr_array_new_with_free_func (g_free);
  scan->done = done;
  scan->data = data;
  for (guint i = 0; i < adapters->len; i++)
    {
      g_ptr_array_add (scan->adapters, g_strdup (adapters->pdata[i]));
      discovery_ref (pairing, adapters->pdata[i]);
    }
  g_ptr_array_add (pairing->scans, scan);
  scan->timeout_id = g_timeout_add_seconds (timeout_s, scan_timeout_cb, scan);
  return scan;
}

static gint
by_rssi (gconstpointer a, gconstpointer b)
{
  const LactdFoundSensor *fa = *(LactdFoundSensor * const *) a;
  const LactdFoundSensor *fb = *(LactdFoundSensor * const *) b;

  return (int) fb->rssi - (int) fa->rssi;
}

static void
discover_done (Scan *scan)
{
  g_autoptr(GTask) task = scan->data;
  GPtrArray *result = g_ptr_array_new_with_free_func (
      (GDestroyNotify) lactd_found_sensor_free);
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, scan->found);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      g_hash_table_iter_steal (&it);
      g_ptr_array_add (result, v);
    }
  g_ptr_array_sort (result, by_rssi);
  lactd_bluez_scan_free (scan);
  g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

gboolean
lactd_bluez_no_adapter_error (LactdBluez *bluez, GError **error)
{
  const char *state = lactd_bluez_get_state (bluez);

  if (g_str_equal (state, LACTD_TRANSPORT_STATE_READY))
    return FALSE;
  g_set_error (error, LACTD_TRANSPORT_ERROR,
               LACTD_TRANSPORT_ERROR_NO_ADAPTER, "%s",
               lactd_bluez_get_connection (bluez) == NULL
               ? "Bluetooth is unavailable: no system bus"
               : g_str_equal (state, LACTD_TRANSPORT_STATE_OFF)
               ? "the Bluetooth adapter is powered off"
               : g_str_equal (state, LACTD_TRANSPORT_STATE_NO_ADAPTER)
               ? "there is no Bluetooth adapter"
               : "BlueZ (bluetoothd) is not running");
  return TRUE;
}

void
lactd_bluez_discover_async (LactdBluez *self, guint timeout_s,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  LactdBluezPairing *pairing = lactd_bluez_get_pairing (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  guint scan_s = CLAMP (timeout_s, LACTD_DISCOVER_MIN_S, LACTD_DISCOVER_MAX_S);
  GError *error = NULL;
  Scan *scan;

  g_task_set_source_tag (task, lactd_bluez_discover_async);
  if (lactd_bluez_no_adapter_error (self, &error)
      || (scan = lactd_bluez_scan_start (pairing, scan_s, discover_done, task)) == NULL)
    {
      if (error == NULL)
        g_set_error (&error, LACTD_TRANSPORT_ERROR,
                     LACTD_TRANSPORT_ERROR_NO_ADAPTER,
                     "no powered Bluetooth adapter");
      g_task_return_error (task, error);
      return;
    }
  g_message ("scanning for sensors for %u s", scan_s);
  if (cancellable != NULL)
    {
      /* Ends as the timeout would (the task then answers CANCELLED). */
      scan->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (scan->cancelled, G_SOURCE_FUNC (scan_cancelled_cb),
                             scan, NULL);
      g_source_attach (scan->cancelled, NULL);
    }
  g_steal_pointer (&task);
  /* Devices heard just before the scan count as seen. */
  {
    g_autoptr(GPtrArray) devices = lactd_bluez_list_devices (self);
    for (guint i = 0; i < devices->len; i++)
      lactd_bluez_scan_consider (scan, devices->pdata[i]);
  }
}

GPtrArray *
lactd_bluez_discover_finish (LactdBluez *self, GAsyncResult *result,
                             GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
