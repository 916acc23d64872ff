/* lactd-bluez-reconnect.c — how LactdBluezLink gets its link back: the
 * backup Device1.Connect loop (exponential backoff with jitter, besides
 * bluetoothd's own auto-connect), and the clean-up after a call bluetoothd
 * never answers: a Connect past its timeout is cancelled with a
 * Disconnect; a link whose GATT call timed out, or that has no GATT client
 * although BlueZ shows it connected, is marked stale (not ready),
 * disconnected, and reconnected through the same loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include <string.h>

#include "lactd-bluez-link-private.h"

#define BACKOFF_MAX_S 300
/* bluetoothd answers a Disconnect once the link is down (after 2 s). */
#define DISCONNECT_TIMEOUT_MS 10000

static void request_disconnect (LactdBluezLink *self);

static gboolean
device_connected (LactdBluezLink *self)
{
  return self->device_path != NULL
         && lactd_bluez_get_bool (self->bluez, self->device_path,
                                  BLUEZ_DEVICE, "Connected");
}

static gboolean
retry_cb (gpointer data)
{
  LactdBluezLink *self = data;

  self->retry_id = 0;
  /* A broken link that is still up is taken down first. */
  if (self->stale && self->stale_timer_id == 0 && device_connected (self))
    request_disconnect (self);
  else if (!self->stale)
    lactd_bluez_link_connect (self);
  return G_SOURCE_REMOVE;
}

void
lactd_bluez_link_schedule_retry (LactdBluezLink *self)
{
  guint delay_ms;

  if (self->retry_id)
    return;
  /* ±25 % jitter keeps several daemons (or sensors) from marching in
   * step. */
  delay_ms = (guint) (self->backoff_s * 1000 * g_random_double_range (0.75,
                                                                     1.25));
  g_debug ("%s: next connection attempt in %u ms", link_address (self),
           delay_ms);
  self->retry_id = g_timeout_add (delay_ms, retry_cb, self);
}

static void
back_off (LactdBluezLink *self)
{
  self->backoff_s = MIN (self->backoff_s * 2, BACKOFF_MAX_S);
}

/* The broken link is gone: the next one (already up, or still to come)
 * may be used. */
static gboolean
stale_over_cb (gpointer data)
{
  LactdBluezLink *self = data;

  self->stale_timer_id = 0;
  self->stale = FALSE;
  lactd_bluez_link_evaluate (self);
  return G_SOURCE_REMOVE;
}

static void
disconnect_done (GObject *source, GAsyncResult *res, gpointer data)
{
  LactdBluezLink *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  /* Cancelled on dispose (self may be gone) or when BlueZ went away. */
  if (error && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->disconnecting = FALSE;
  if (error && self->stale)
    {
      /* A link bluetoothd could not take down: again after a backoff. */
      g_message ("%s: Disconnect: %s", link_address (self), error->message);
      back_off (self);
      lactd_bluez_link_schedule_retry (self);
    }
  else if (error)
    g_message ("%s: Disconnect: %s", link_address (self), error->message);
  else if (self->stale && self->stale_timer_id == 0)
    {
      /* bluetoothd answers once the link is down, or at once when it has
       * none. A Connected=false may never reach us (a link down and up
       * again before bluetoothd sends its changes, or 5.66 marking a link
       * up on a Connect's late completion without a signal): read the
       * device again, and end the broken link's stale state after a
       * backoff that grows with each fault in a row. */
      lactd_bluez_refresh (self->bluez, self->device_path, BLUEZ_DEVICE);
      self->stale_timer_id = g_timeout_add (
          (guint) (self->fault_backoff_s * 1000
                   * g_random_double_range (0.75, 1.25)),
          stale_over_cb, self);
    }
  lactd_bluez_link_evaluate (self);
}

/* Device1.Disconnect also cancels a Connect that bluetoothd is still
 * running (its connection attempt and its pending reply). */
static void
request_disconnect (LactdBluezLink *self)
{
  if (self->disconnecting || self->device_path == NULL)
    return;
  self->disconnecting = TRUE;
  g_dbus_connection_call (lactd_bluez_get_connection (self->bluez),
                          BLUEZ_NAME, self->device_path, BLUEZ_DEVICE,
                          "Disconnect", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                          DISCONNECT_TIMEOUT_MS, self->cancellable,
                          disconnect_done, self);
}

/* A GATT call on the ready link timed out, or bluetoothd had no GATT
 * client for it: the link is not used again. It counts as down until
 * BlueZ says so, is disconnected (in case BlueZ still shows it up) and
 * reconnected through the usual loop. */
void
lactd_bluez_link_fault (LactdBluezLink *self, const char *why)
{
  if (self->stale || !lactd_link_get_ready (LACTD_LINK (self)))
    return;
  g_message ("%s: the link failed (%s): disconnecting to start over",
             link_address (self), why);
  self->stale = TRUE;
  self->fault_backoff_s = self->fault_backoff_s == 0
                              ? BACKOFF_MIN_S
                              : MIN (self->fault_backoff_s * 2, BACKOFF_MAX_S);
  lactd_bluez_link_evaluate (self);
  request_disconnect (self);
}

static void
connect_failed (LactdBluezLink *self, const GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);

  g_debug ("%s: Connect: %s", link_address (self), error->message);
  if (g_strcmp0 (remote, "org.bluez.Error.AlreadyConnected") == 0)
    return;
  if (g_strcmp0 (remote, "org.bluez.Error.NotReady") == 0)
    return;   /* adapter off: evaluate() resumes when it is powered */
  back_off (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* bluetoothd never answered: cancel its attempt, so that the next
       * Connect is not refused as "already in progress" forever. */
      g_message ("%s: Connect did not answer within %u ms: cancelling it",
                 link_address (self), self->connect_timeout_ms);
      request_disconnect (self);
    }
  else if (lactd_bluez_means_bond_lost (error))
    lactd_bluez_link_set_bond_lost (self);
  /* After le-connection-abort-by-local, BlueZ may still show the link as
   * up: wait for Connected=false before the next try. InProgress (or
   * bluetoothd 5.66's "Operation already in progress"): someone else's
   * attempt runs; the retry after the backoff is only a safety net. */
  else if (strstr (error->message, "le-connection-abort-by-local")
           && device_connected (self))
    {
      self->wait_disconnect = TRUE;
      return;
    }
  lactd_bluez_link_schedule_retry (self);
}

static void
connect_done (GObject *source, GAsyncResult *res, gpointer data)
{
  LactdBluezLink *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &error);
  /* Cancelled when the link is disposed (or BlueZ went away): self may be
   * gone, the call holds no reference so that a 60 s Connect does not
   * keep a dropped link alive. */
  if (error && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->connecting = FALSE;
  if (error)
    connect_failed (self, error);
  else if (!device_connected (self))
    {
      /* bluetoothd answers a Connect at once when its link is up, so our
       * cache may be stale (a new bluetoothd adopting a link the kernel
       * kept): read the device again. If there really is no link, the
       * next try waits for the backoff, not the shortest interval. */
      g_message ("%s: Connect returned, but no link is known: "
                 "reading the device again", link_address (self));
      lactd_bluez_refresh (self->bluez, self->device_path, BLUEZ_DEVICE);
      back_off (self);
      lactd_bluez_link_schedule_retry (self);
    }
  lactd_bluez_link_evaluate (self);
}

void
lactd_bluez_link_connect (LactdBluezLink *self)
{
  if (self->connecting || self->disconnecting || self->device_path == NULL
      || !lactd_bluez_device_adapter_powered (self->bluez, self->device_path)
      || device_connected (self))
    return;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->connecting = TRUE;
  g_debug ("%s: connecting (backoff %u s)", link_address (self),
           self->backoff_s);
  g_dbus_connection_call (lactd_bluez_get_connection (self->bluez),
                          BLUEZ_NAME, self->device_path, BLUEZ_DEVICE,
                          "Connect", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                          self->connect_timeout_ms, self->cancellable,
                          connect_done, self);
}

gboolean
lactd_bluez_link_resolve_timeout_cb (gpointer data)
{
  LactdBluezLink *self = data;

  self->resolve_timeout_id = 0;
  if (self->device_path == NULL)
    return G_SOURCE_REMOVE;
  g_message ("%s: connected for %u s without resolved services: "
             "disconnecting to start over", link_address (self),
             RESOLVE_TIMEOUT_S);
  request_disconnect (self);
  return G_SOURCE_REMOVE;
}
