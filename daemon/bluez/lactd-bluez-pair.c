/* lactd-bluez-pair.c — Manager1.Pair on top of BlueZ: pairing one LSP
 * sensor at a time (Pair unless Paired, Trusted = true, Connect), with a
 * scan first when BlueZ does not know it yet (lactd-bluez-discover.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include "lactd-bluez-pairing-private.h"
#include "lactd-model.h"
#include "lsp.h"

#define PAIR_SCAN_S 10
#define PAIR_TIMEOUT_MS 90000
#define WAIT_PAIRED_S 60

const char *
lactd_bluez_pairing_address (LactdBluez *self)
{
  return lactd_bluez_get_pairing (self)->pair_address;
}

void
lactd_bluez_note_passkey_refused (LactdBluez *self)
{
  lactd_bluez_get_pairing (self)->passkey_refused = TRUE;
}

LactdBluezConfirm *
lactd_bluez_get_confirm (LactdBluez *self)
{
  return lactd_bluez_get_pairing (self)->confirm;
}

gboolean
lactd_bluez_confirm_pairing (LactdBluez *self, const char *address,
                             gboolean accept, GError **error)
{
  return lactd_bluez_confirm_answer (lactd_bluez_get_confirm (self), address,
                                     accept, error);
}

void
lactd_bluez_refuse_confirmations (LactdBluez *self, const char *why)
{
  LactdBluezPairing *pairing = lactd_bluez_get_pairing (self);

  /* Only the pairing running now: the next one has a caller of its own. */
  if (pairing->pair_task != NULL)
    lactd_bluez_confirm_refuse (pairing->confirm, why);
}

static char *
bluez_message (const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);
  g_autoptr(GError) copy = g_error_copy (error);

  g_dbus_error_strip_remote_error (copy);
  return remote ? g_strdup_printf ("%s (%s)", copy->message, remote)
                : g_strdup (copy->message);
}

gboolean
lactd_bluez_is_error (const GError *error, const char *name)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);

  return g_strcmp0 (remote, name) == 0;
}

gboolean
lactd_bluez_call_finish (GObject *source, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, error);

  return reply != NULL;
}

/* The call's reply, FALSE when it failed. A cancelled call is TRUE in
 * *cancelled: its receiver may be gone, the reply must not be used. */
static gboolean
call_finish_or_cancelled (GObject *source, GAsyncResult *res,
                          gboolean *cancelled, GError **error)
{
  GError *local_error = NULL;

  *cancelled = FALSE;
  if (lactd_bluez_call_finish (source, res, &local_error))
    return TRUE;
  *cancelled = g_error_matches (local_error, G_IO_ERROR,
                                G_IO_ERROR_CANCELLED);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* ------------------------------------------------------------- pairing */

typedef enum {
  STEP_FIND,
  STEP_PAIR,
  STEP_WAIT_PAIRED,
  STEP_TRUST,
  STEP_CONNECT,
  STEP_BUSY,     /* a call is in flight */
} PairStep;

typedef struct {
  LactdBluezPairing *pairing;
  char *address;
  char *path;
  PairStep step;
  Scan *scan;
  guint timeout_id;
  /* This pairing's BlueZ calls (Pair may take 90 s): cancelled when it
   * ends, so that no late reply reaches a pairing that is over or freed. */
  GCancellable *cancellable;
  GSource *caller_cancelled;  /* the caller's cancellable ends it */
  gboolean pair_sent;         /* Device1.Pair is out, not yet answered */
} PairData;

/* A pairing that ends before BlueZ answered its Pair (its caller left,
 * lactd stops) cancels BlueZ's too: else bluetoothd keeps bonding for up
 * to 90 s and answers the next Pair of that device "In Progress". */
static void
cancel_bluez_pairing (PairData *pd)
{
  if (!pd->pair_sent)
    return;
  pd->pair_sent = FALSE;
  g_message ("cancelling BlueZ's pairing of %s", pd->address);
  g_dbus_connection_call (lactd_bluez_get_connection (pd->pairing->bluez),
                          BLUEZ_NAME, pd->path, BLUEZ_DEVICE, "CancelPairing",
                          NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL,
                          NULL);
}

/* Everything of a pairing that could still call back. */
static void
pair_data_stop (PairData *pd)
{
  cancel_bluez_pairing (pd);
  g_clear_pointer (&pd->scan, lactd_bluez_scan_free);
  g_clear_handle_id (&pd->timeout_id, g_source_remove);
  g_cancellable_cancel (pd->cancellable);
  if (pd->caller_cancelled != NULL)
    g_source_destroy (pd->caller_cancelled);
  g_clear_pointer (&pd->caller_cancelled, g_source_unref);
}

static void
pair_data_free (PairData *pd)
{
  pair_data_stop (pd);
  g_clear_object (&pd->cancellable);
  g_free (pd->address);
  g_free (pd->path);
  g_free (pd);
}

static void pair_advance (LactdBluezPairing *pairing);

static void
pair_end (LactdBluezPairing *pairing, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&pairing->pair_task);

  pair_data_stop (g_task_get_task_data (task));
  if (error)
    g_message ("%s", error->message);
  else
    g_message ("paired %s", pairing->pair_address);
  g_clear_pointer (&pairing->pair_address, g_free);
  pairing->passkey_refused = FALSE;
  lactd_bluez_confirm_reset (pairing->confirm);
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
pair_fail (LactdBluezPairing *pairing, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
pair_fail (LactdBluezPairing *pairing, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  pair_end (pairing, g_error_new (LACTD_TRANSPORT_ERROR,
                                  LACTD_TRANSPORT_ERROR_PAIRING_FAILED,
                                  "pairing %s failed: %s",
                                  pairing->pair_address, message));
}

static void
pair_refuse_not_lsp (LactdBluezPairing *pairing)
{
  pair_end (pairing, g_error_new (LACTD_TRANSPORT_ERROR,
                                  LACTD_TRANSPORT_ERROR_NOT_A_SENSOR,
                                  "%s is not an LSP sensor: it does not "
                                  "advertise the LSP service %s",
                                  pairing->pair_address, LSP_UUID_SERVICE));
}

static void
pair_scan_done (Scan *scan)
{
  LactdBluezPairing *pairing = scan->pairing;
  PairData *pd = g_task_get_task_data (pairing->pair_task);

  pd->scan = NULL;
  lactd_bluez_scan_free (scan);
  if (pd->step != STEP_FIND)
    return;
  if (lactd_bluez_find_device (pairing->bluez, pd->address) != NULL)
    pair_refuse_not_lsp (pairing);
  else
    pair_fail (pairing, "no such sensor in range; is it switched on and "
                        "advertising?");
}

static gboolean
wait_paired_timeout (gpointer data)
{
  LactdBluezPairing *pairing = data;
  PairData *pd = g_task_get_task_data (pairing->pair_task);

  pd->timeout_id = 0;
  pair_fail (pairing, "BlueZ's pairing in progress did not finish");
  return G_SOURCE_REMOVE;
}

/* Pair's failure, said in the words the user can act on. */
static void
pair_refused (LactdBluezPairing *pairing, const GError *error)
{
  g_autofree char *message = NULL;

  if (lactd_bluez_confirm_get_rejection (pairing->confirm) != NULL)
    pair_fail (pairing, "%s",
               lactd_bluez_confirm_get_rejection (pairing->confirm));
  else if (pairing->passkey_refused)
    pair_fail (pairing, "the sensor wants a passkey typed in, which lactd "
                        "v1 cannot do (only Just Works or a displayed "
                        "passkey)");
  else
    {
      message = bluez_message (error);
      pair_fail (pairing, "%s", message);
    }
}

static void
pair_replied (GObject *source, GAsyncResult *res, gpointer data)
{
  LactdBluezPairing *pairing = data;
  g_autoptr(GError) error = NULL;
  gboolean cancelled;
  PairData *pd;

  if (!call_finish_or_cancelled (source, res, &cancelled, &error) &&
      cancelled)
    return;   /* the pairing is over, maybe freed with its LactdBluez */
  pd = g_task_get_task_data (pairing->pair_task);
  pd->pair_sent = FALSE;
  if (error == NULL ||
      lactd_bluez_is_error (error, "org.bluez.Error.AlreadyExists"))
    pd->step = STEP_TRUST;
  else if (lactd_bluez_is_error (error, "org.bluez.Error.InProgress"))
    {
      /* Someone else's pairing runs: wait for Paired. */
      pd->step = STEP_WAIT_PAIRED;
      pd->timeout_id = g_timeout_add_seconds (WAIT_PAIRED_S,
                                              wait_paired_timeout, pairing);
    }
  else
    {
      pair_refused (pairing, error);
      return;
    }
  pair_advance (pairing);
}

static void
trust_replied (GObject *source, GAsyncResult *res, gpointer data)
{
  LactdBluezPairing *pairing = data;
  g_autoptr(GError) error = NULL;
  gboolean cancelled;
  PairData *pd;

  if (!call_finish_or_cancelled (source, res, &cancelled, &error))
    {
      g_autofree char *message = NULL;

      if (cancelled)
        return;
      message = bluez_message (error);
      pair_fail (pairing, "could not mark it trusted: %s", message);
      return;
    }
  pd = g_task_get_task_data (pairing->pair_task);
  pd->step = STEP_CONNECT;
  pair_advance (pairing);
}

static void
connect_replied (GObject *source, GAsyncResult *res, gpointer data)
{
  LactdBluezPairing *pairing = data;
  g_autoptr(GError) error = NULL;
  gboolean cancelled;

  /* Paired and trusted is what Pair promises; the link keeps trying to
   * connect. */
  if (!call_finish_or_cancelled (source, res, &cancelled, &error))
    {
      if (cancelled)
        return;
      g_message ("paired %s but could not connect yet: %s",
                 pairing->pair_address, error->message);
    }
  pair_end (pairing, NULL);
}

/* The device to pair, once BlueZ knows it as an LSP sensor; NULL while the
 * pairing scan looks for it, or when the pairing ended. */
static const char *
pair_find (LactdBluezPairing *pairing, PairData *pd)
{
  const char *path = lactd_bluez_find_device (pairing->bluez, pd->address);
  gboolean refuse = FALSE;

  if (path != NULL && lactd_bluez_device_is_lsp (pairing->bluez, path, &refuse))
    return path;
  if (refuse)
    {
      pair_refuse_not_lsp (pairing);
      return NULL;
    }
  if (pd->scan == NULL)
    pd->scan = lactd_bluez_scan_start (pairing, PAIR_SCAN_S, pair_scan_done, NULL);
  if (pd->scan == NULL)
    pair_fail (pairing, "no powered Bluetooth adapter");
  return NULL;
}

static void
pair_advance (LactdBluezPairing *pairing)
{
  PairData *pd;
  LactdBluez *bluez = pairing->bluez;
  GDBusConnection *bus = lactd_bluez_get_connection (bluez);
  const char *path;

  if (pairing->pair_task == NULL)
    return;
  pd = g_task_get_task_data (pairing->pair_task);
  switch (pd->step)
    {
    case STEP_FIND:
      path = pair_find (pairing, pd);
      if (path == NULL)
        return;
      g_free (pd->path);
      pd->path = g_strdup (path);
      pd->step = STEP_PAIR;
      if (pd->scan)
        g_clear_pointer (&pd->scan, lactd_bluez_scan_free);
      G_GNUC_FALLTHROUGH;
    case STEP_PAIR:
      if (lactd_bluez_get_bool (bluez, pd->path, BLUEZ_DEVICE, "Paired"))
        {
          pd->step = STEP_TRUST;
          pair_advance (pairing);
          return;
        }
      pd->step = STEP_BUSY;
      g_message ("pairing %s", pd->address);
      pd->pair_sent = TRUE;
      g_dbus_connection_call (bus, BLUEZ_NAME, pd->path, BLUEZ_DEVICE, "Pair",
                              NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                              PAIR_TIMEOUT_MS, pd->cancellable, pair_replied,
                              pairing);
      return;
    case STEP_WAIT_PAIRED:
      if (!lactd_bluez_get_bool (bluez, pd->path, BLUEZ_DEVICE, "Paired"))
        return;
      g_clear_handle_id (&pd->timeout_id, g_source_remove);
      G_GNUC_FALLTHROUGH;
    case STEP_TRUST:
      pd->step = STEP_BUSY;
      g_dbus_connection_call (bus, BLUEZ_NAME, pd->path, DBUS_PROPERTIES,
                              "Set",
                              g_variant_new ("(ssv)", BLUEZ_DEVICE, "Trusted",
                                             g_variant_new_boolean (TRUE)),
                              NULL, G_DBUS_CALL_FLAGS_NONE, 10000,
                              pd->cancellable, trust_replied, pairing);
      return;
    case STEP_CONNECT:
      if (lactd_bluez_get_bool (bluez, pd->path, BLUEZ_DEVICE, "Connected"))
        {
          pair_end (pairing, NULL);
          return;
        }
      pd->step = STEP_BUSY;
      g_dbus_connection_call (bus, BLUEZ_NAME, pd->path, BLUEZ_DEVICE,
                              "Connect", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                              30000, pd->cancellable, connect_replied, pairing);
      return;
    case STEP_BUSY:
    default:
      return;
    }
}

/* Manager1's caller went (or lactd stops): the pairing ends now, not when
 * BlueZ answers a Pair that may take 90 s. */
static gboolean
pair_caller_cancelled (GCancellable *cancellable, gpointer data)
{
  LactdBluezPairing *pairing = data;

  pair_end (pairing, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                  "pairing %s cancelled",
                                  pairing->pair_address));
  return G_SOURCE_REMOVE;
}

void
lactd_bluez_pair_async (LactdBluez *self, const char *address,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  LactdBluezPairing *pairing = lactd_bluez_get_pairing (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  PairData *pd;

  g_task_set_source_tag (task, lactd_bluez_pair_async);
  if (pairing->pair_task != NULL)
    {
      g_task_return_new_error (task, LACTD_TRANSPORT_ERROR,
                               LACTD_TRANSPORT_ERROR_BUSY,
                               "another pairing (%s) is in progress",
                               pairing->pair_address);
      return;
    }
  if (lactd_bluez_no_adapter_error (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pd = g_new0 (PairData, 1);
  pd->pairing = pairing;
  pd->address = g_ascii_strup (address, -1);
  pd->step = STEP_FIND;
  pd->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, pd, (GDestroyNotify) pair_data_free);
  if (cancellable != NULL)
    {
      pd->caller_cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (pd->caller_cancelled,
                             G_SOURCE_FUNC (pair_caller_cancelled), pairing,
                             NULL);
      g_source_attach (pd->caller_cancelled, NULL);
    }
  pairing->pair_task = g_steal_pointer (&task);
  pairing->pair_address = g_strdup (pd->address);
  pairing->passkey_refused = FALSE;
  lactd_bluez_confirm_reset (pairing->confirm);
  pair_advance (pairing);
}

gboolean
lactd_bluez_pair_finish (LactdBluez *self, GAsyncResult *result,
                         GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -------------------------------------------------------------- setup */

static void
on_changed (LactdBluez *bluez, const char *path, const char *iface,
            gpointer data)
{
  LactdBluezPairing *pairing = data;

  if (!g_str_equal (iface, BLUEZ_DEVICE))
    return;
  for (guint i = 0; i < pairing->scans->len; i++)
    lactd_bluez_scan_consider (pairing->scans->pdata[i], path);
  pair_advance (pairing);
}

LactdBluezPairing *
lactd_bluez_pairing_new (LactdBluez *bluez)
{
  LactdBluezPairing *pairing = g_new0 (LactdBluezPairing, 1);

  pairing->bluez = bluez;
  pairing->discovering = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                g_free, NULL);
  pairing->scans = g_ptr_array_new ();
  pairing->confirm = lactd_bluez_confirm_new (bluez);
  pairing->cancellable = g_cancellable_new ();
  pairing->changed_id = g_signal_connect (bluez, "changed",
                                          G_CALLBACK (on_changed), pairing);
  return pairing;
}

void
lactd_bluez_pairing_free (LactdBluezPairing *pairing)
{
  g_clear_signal_handler (&pairing->changed_id, pairing->bluez);
  if (pairing->pair_task)
    pair_end (pairing, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                            "shutting down"));
  while (pairing->scans->len > 0)
    {
      Scan *scan = pairing->scans->pdata[0];
      lactd_bluez_scan_end (scan);
    }
  /* After the scans' StopDiscovery went out: their replies are dropped. */
  g_cancellable_cancel (pairing->cancellable);
  g_clear_object (&pairing->cancellable);
  g_ptr_array_unref (pairing->scans);
  g_hash_table_unref (pairing->discovering);
  lactd_bluez_confirm_free (pairing->confirm);
  g_free (pairing);
}
