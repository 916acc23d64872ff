/* minimal-gatt-client.c — the smallest GDBus client that receives an LSP
 * sensor's stored records through BlueZ, as the floor lactd's CPU per
 * record is compared with (bench/bench-bluez-sync.py).
 *
 * On the system bus (DBUS_SYSTEM_BUS_ADDRESS): finds the Session Record and
 * RACP characteristics by UUID through org.bluez's ObjectManager,
 * subscribes to their PropertiesChanged, StartNotify on both, writes the
 * RACP request "report all" (01 01) and counts Session Record Value
 * changes until N arrived. It decodes nothing and stores nothing. With
 * --delete it then writes "delete <= h" (02 02 01 h), h the highest
 * sequence number that arrived, at once, and waits for its 0x06: a bare
 * sync, the floor of lactd's whole interval (bench/e2e-sync-rate.sh).
 * With --device only characteristics under that object path count (the
 * VM has more than one device).
 *
 *   minimal-gatt-client [--records N] [--timeout SECONDS] [--delete]
 *                       [--device PATH]
 *
 * Prints one line:
 *   MINIMAL records=N wall_s=W cpu_us=C cpu_total_us=T first_at=F last_at=L
 * where C is the process's CPU time (every thread) from the first call to
 * org.bluez up to the N-th record (with --delete: up to the delete's
 * 0x06), T since main() began, F and L the Unix times (µs precision) at
 * which the first and the N-th record arrived. Exits 0 when N records
 * arrived (and the delete succeeded), 1 otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <time.h>

#include <gio/gio.h>

#include "lsp.h"

#define BLUEZ "org.bluez"
#define GATT_CHAR "org.bluez.GattCharacteristic1"

typedef struct {
  GMainLoop *loop;
  GDBusConnection *bus;
  const char *racp_path;
  guint target;
  guint received;
  guint32 highest_seq;
  gboolean delete;
  gboolean deleting;
  gboolean failed;
  gint64 cpu_end_ns;
  gint64 wall_end_us;
  guint straggler_source;        /* 0x06 seen before N records */
  guint8 report_code;
  gint64 first_at_us;            /* Unix time, first record */
  gint64 last_at_us;             /* Unix time, N-th record */
} Client;

static gint64
cpu_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
finish (Client *client, gboolean failed)
{
  g_clear_handle_id (&client->straggler_source, g_source_remove);
  client->failed = failed;
  client->cpu_end_ns = cpu_now_ns ();
  client->wall_end_us = g_get_monotonic_time ();
  g_main_loop_quit (client->loop);
}

static void
delete_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Client *client = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source),
                                                             result, &error);

  if (reply == NULL)
    {
      g_printerr ("minimal-gatt-client: delete refused: %s\n", error->message);
      finish (client, TRUE);
    }
}

/* Deletes what arrived, as a sync would once it is stored: at once. */
static void
write_delete (Client *client)
{
  lsp_racp_request delete = { LSP_RACP_DELETE, LSP_RACP_OP_LESS_EQUAL,
                              client->highest_seq };
  guint8 request[LSP_RACP_REQUEST_MAX_LEN];
  size_t len = 0;

  lsp_racp_request_encode (&delete, request, &len);
  client->deleting = TRUE;
  g_dbus_connection_call (client->bus, BLUEZ, client->racp_path, GATT_CHAR,
                          "WriteValue",
                          g_variant_new ("(@aya{sv})",
                                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                    request,
                                                                    len, 1),
                                         NULL),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                          delete_written_cb, client);
}

/* A Value change of the Session Record characteristic: one record. */
static void
on_record (GDBusConnection *bus, const char *sender, const char *path,
           const char *iface, const char *signal, GVariant *params,
           gpointer user_data)
{
  Client *client = user_data;
  g_autoptr(GVariant) changed = g_variant_get_child_value (params, 1);
  g_autoptr(GVariant) value = g_variant_lookup_value (changed, "Value",
                                                      G_VARIANT_TYPE_BYTESTRING);
  gsize len = 0;
  const guint8 *data;
  uint32_t seq;

  if (value == NULL || g_variant_n_children (value) == 0)
    return;
  data = g_variant_get_fixed_array (value, &len, 1);
  if (lsp_record_peek_seq (data, len, &seq))
    client->highest_seq = MAX (client->highest_seq, seq);
  if (client->received == 0)
    client->first_at_us = g_get_real_time ();
  if (++client->received != client->target)
    return;
  client->last_at_us = g_get_real_time ();
  if (client->delete)
    write_delete (client);
  else
    finish (client, FALSE);
}

static gboolean
on_stragglers_late (gpointer user_data)
{
  Client *client = user_data;

  client->straggler_source = 0;
  g_printerr ("minimal-gatt-client: report ended after %u of %u records "
              "(response code 0x%02x)\n", client->received, client->target,
              client->report_code);
  finish (client, TRUE);
  return G_SOURCE_REMOVE;
}

/* A RACP indication: the report's end (0x06) with fewer than N records is
 * a failure unless they follow within 2 s. */
static void
on_racp (GDBusConnection *bus, const char *sender, const char *path,
         const char *iface, const char *signal, GVariant *params,
         gpointer user_data)
{
  Client *client = user_data;
  g_autoptr(GVariant) changed = g_variant_get_child_value (params, 1);
  g_autoptr(GVariant) value = g_variant_lookup_value (changed, "Value",
                                                      G_VARIANT_TYPE_BYTESTRING);
  gsize len = 0;
  const guint8 *data;

  if (value == NULL)
    return;
  data = g_variant_get_fixed_array (value, &len, 1);
  if (client->deleting && len >= 4 && data[0] == LSP_RACP_IND_RESPONSE
      && data[2] == LSP_RACP_DELETE)
    {
      if (data[3] != 0x01)
        g_printerr ("minimal-gatt-client: delete answered with code 0x%02x\n",
                    data[3]);
      finish (client, data[3] != 0x01);
      return;
    }
  if (len >= 1 && data[0] == LSP_RACP_IND_RESPONSE
      && client->received < client->target && client->straggler_source == 0)
    {
      /* Records may trail the 0x06 (BlueZ may deliver notifications and
       * indications on different ATT channels): allow them 2 s, as
       * lsp-v1's step 4 does. */
      client->report_code = len >= 4 ? data[3] : 0;
      client->straggler_source = g_timeout_add (2000, on_stragglers_late,
                                                client);
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  Client *client = user_data;

  g_printerr ("minimal-gatt-client: timed out after %u of %u records\n",
              client->received, client->target);
  finish (client, TRUE);
  return G_SOURCE_REMOVE;
}

/* Finds the object paths of the two characteristics by UUID. */
static gboolean
find_chars (GDBusConnection *bus, const char *device, char **record_path,
            char **racp_path, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) objects = NULL;
  GVariantIter it;
  const char *path;
  GVariant *ifaces;

  reply = g_dbus_connection_call_sync (bus, BLUEZ, "/",
                                       "org.freedesktop.DBus.ObjectManager",
                                       "GetManagedObjects", NULL,
                                       G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                                       G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                                       error);
  if (reply == NULL)
    return FALSE;
  objects = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&it, objects);
  while (g_variant_iter_next (&it, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      g_autoptr(GVariant) props = g_variant_lookup_value (ifaces, GATT_CHAR,
                                                          G_VARIANT_TYPE_VARDICT);
      const char *uuid = NULL;
      gboolean wanted = device == NULL ||
                        (g_str_has_prefix (path, device) &&
                         path[strlen (device)] == '/');

      if (wanted && props != NULL && g_variant_lookup (props, "UUID", "&s", &uuid))
        {
          if (g_ascii_strcasecmp (uuid, LSP_UUID_SESSION_RECORD) == 0)
            *record_path = g_strdup (path);
          else if (g_ascii_strcasecmp (uuid, LSP_UUID_RACP) == 0)
            *racp_path = g_strdup (path);
        }
      g_variant_unref (ifaces);
    }
  if (*record_path == NULL || *racp_path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "no Session Record and RACP characteristics on org.bluez");
      return FALSE;
    }
  return TRUE;
}

static gboolean
gatt_call (GDBusConnection *bus, const char *path, const char *method,
           GVariant *params, GError **error)
{
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (bus, BLUEZ, path, GATT_CHAR, method,
                                       params, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, error);
  return reply != NULL;
}

int
main (int argc, char **argv)
{
  static const guint8 report_all[] = { LSP_RACP_REPORT, LSP_RACP_OP_ALL };
  gint64 cpu_start_ns = cpu_now_ns ();
  gint64 cpu_first_ns, wall_first_us;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *record_path = NULL;
  g_autofree char *racp_path = NULL;
  g_autofree char *device = NULL;
  gint records = 5000;
  gint timeout_s = 120;
  gboolean delete = FALSE;
  Client client = { 0 };
  guint record_sub, racp_sub;
  const GOptionEntry entries[] = {
    { "records", 'n', 0, G_OPTION_ARG_INT, &records,
      "Records to wait for (default 5000)", "N" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s,
      "Give up after this many seconds (default 120)", "SECONDS" },
    { "delete", 'd', 0, G_OPTION_ARG_NONE, &delete,
      "Then delete what arrived and wait for the answer", NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device,
      "Only characteristics under this BlueZ device object", "PATH" },
    { NULL }
  };

  context = g_option_context_new ("— receive N stored records over BlueZ");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || records < 1)
    {
      g_printerr ("minimal-gatt-client: %s\n",
                  error ? error->message : "--records must be at least 1");
      return 2;
    }

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("minimal-gatt-client: %s\n", error->message);
      return 1;
    }
  client.loop = g_main_loop_new (NULL, FALSE);
  client.bus = bus;
  client.target = (guint) records;
  client.delete = delete;

  cpu_first_ns = cpu_now_ns ();
  wall_first_us = g_get_monotonic_time ();
  if (!find_chars (bus, device, &record_path, &racp_path, &error))
    {
      g_printerr ("minimal-gatt-client: %s\n", error->message);
      return 1;
    }
  record_sub = g_dbus_connection_signal_subscribe (
      bus, BLUEZ, "org.freedesktop.DBus.Properties", "PropertiesChanged",
      record_path, GATT_CHAR, G_DBUS_SIGNAL_FLAGS_NONE, on_record, &client,
      NULL);
  racp_sub = g_dbus_connection_signal_subscribe (
      bus, BLUEZ, "org.freedesktop.DBus.Properties", "PropertiesChanged",
      racp_path, GATT_CHAR, G_DBUS_SIGNAL_FLAGS_NONE, on_racp, &client, NULL);
  client.racp_path = racp_path;
  if (!gatt_call (bus, racp_path, "StartNotify", NULL, &error) ||
      !gatt_call (bus, record_path, "StartNotify", NULL, &error) ||
      !gatt_call (bus, racp_path, "WriteValue",
                  g_variant_new ("(@aya{sv})",
                                 g_variant_new_fixed_array (
                                     G_VARIANT_TYPE_BYTE, report_all,
                                     sizeof report_all, 1),
                                 NULL),
                  &error))
    {
      g_printerr ("minimal-gatt-client: %s\n", error->message);
      return 1;
    }
  g_timeout_add_seconds ((guint) MAX (timeout_s, 1), on_timeout, &client);
  g_main_loop_run (client.loop);

  g_dbus_connection_signal_unsubscribe (bus, record_sub);
  g_dbus_connection_signal_unsubscribe (bus, racp_sub);
  g_main_loop_unref (client.loop);
  if (client.failed)
    return 1;
  g_print ("MINIMAL records=%u wall_s=%.6f cpu_us=%" G_GINT64_FORMAT
           " cpu_total_us=%" G_GINT64_FORMAT " first_at=%.6f last_at=%.6f\n",
           client.received,
           (double) (client.wall_end_us - wall_first_us) / G_USEC_PER_SEC,
           (client.cpu_end_ns - cpu_first_ns) / 1000,
           (client.cpu_end_ns - cpu_start_ns) / 1000,
           (double) client.first_at_us / G_USEC_PER_SEC,
           (double) client.last_at_us / G_USEC_PER_SEC);
  return 0;
}
