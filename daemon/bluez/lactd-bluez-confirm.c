/* lactd-bluez-confirm.c — a numeric comparison held for the user.
 *
 * bluetoothd's Agent1.RequestConfirmation is not answered by the agent on
 * its own: its reply waits for Manager1.ConfirmPairing from the client
 * that called Pair. It is rejected (org.bluez.Error.Rejected) when that
 * client declines, after LACTD_CONFIRM_TIMEOUT_S without an answer, when
 * the client leaves the bus, when bluetoothd sends Agent1.Cancel, or when
 * the pairing ends; the reason is kept so that Pair can say why it failed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-bluez"

#include "lactd-bluez-pair.h"

/* Tests shorten the 60 s of the contract; nothing else should. */
#define TIMEOUT_ENV "LACTD_TEST_CONFIRM_TIMEOUT_MS"

struct _LactdBluezConfirm {
  LactdBluez *bluez;              /* owns the pairing that owns us */
  GDBusMethodInvocation *pending; /* the held RequestConfirmation */
  char *address;                  /* of the pending one */
  guint timeout_id;
  guint timeout_ms;
  char *refuse_reason;            /* set: reject every request at once */
  char *rejection;                /* why the last one was rejected */
};

static void
reject_pending (LactdBluezConfirm *confirm, const char *why)
{
  g_autoptr(GDBusMethodInvocation) inv = g_steal_pointer (&confirm->pending);

  g_clear_handle_id (&confirm->timeout_id, g_source_remove);
  if (inv == NULL)
    return;
  g_message ("pairing %s: passkey comparison rejected: %s", confirm->address,
             why);
  g_free (confirm->rejection);
  confirm->rejection = g_strdup (why);
  g_dbus_method_invocation_return_dbus_error (g_steal_pointer (&inv),
                                              "org.bluez.Error.Rejected", why);
  g_clear_pointer (&confirm->address, g_free);
}

static gboolean
timeout_cb (gpointer data)
{
  LactdBluezConfirm *confirm = data;
  g_autofree char *why = g_strdup_printf (
      "nobody confirmed the passkey within %u s",
      (confirm->timeout_ms + 999) / 1000);

  confirm->timeout_id = 0;
  reject_pending (confirm, why);
  return G_SOURCE_REMOVE;
}

void
lactd_bluez_confirm_hold (LactdBluezConfirm *confirm, const char *address,
                          guint32 passkey, GDBusMethodInvocation *inv)
{
  /* A second request replaces the first: bluetoothd asks once per pairing,
   * so the first one is stale. */
  reject_pending (confirm, "bluetoothd asked again");
  if (confirm->refuse_reason != NULL)
    {
      confirm->pending = inv;
      confirm->address = g_strdup (address);
      reject_pending (confirm, confirm->refuse_reason);
      return;
    }
  confirm->pending = inv;
  confirm->address = g_strdup (address);
  confirm->timeout_id = g_timeout_add (confirm->timeout_ms, timeout_cb,
                                       confirm);
  lactd_bluez_emit_pairing_passkey (confirm->bluez, address, passkey, TRUE);
}

gboolean
lactd_bluez_confirm_answer (LactdBluezConfirm *confirm, const char *address,
                            gboolean accept, GError **error)
{
  if (confirm->pending == NULL
      || g_ascii_strcasecmp (confirm->address, address) != 0)
    {
      g_set_error (error, LACTD_TRANSPORT_ERROR,
                   LACTD_TRANSPORT_ERROR_NOT_FOUND,
                   "no pairing confirmation is pending for %s", address);
      return FALSE;
    }
  if (!accept)
    {
      reject_pending (confirm, "the passkey comparison was declined");
      return TRUE;
    }
  g_message ("pairing %s: passkey comparison accepted", confirm->address);
  g_clear_handle_id (&confirm->timeout_id, g_source_remove);
  g_dbus_method_invocation_return_value (g_steal_pointer (&confirm->pending),
                                         NULL);
  g_clear_pointer (&confirm->address, g_free);
  return TRUE;
}

void
lactd_bluez_confirm_cancel (LactdBluezConfirm *confirm, const char *why)
{
  reject_pending (confirm, why);
}

void
lactd_bluez_confirm_refuse (LactdBluezConfirm *confirm, const char *why)
{
  g_free (confirm->refuse_reason);
  confirm->refuse_reason = g_strdup (why);
  reject_pending (confirm, why);
}

void
lactd_bluez_confirm_reset (LactdBluezConfirm *confirm)
{
  reject_pending (confirm, "the pairing ended");
  g_clear_pointer (&confirm->refuse_reason, g_free);
  g_clear_pointer (&confirm->rejection, g_free);
}

const char *
lactd_bluez_confirm_get_rejection (LactdBluezConfirm *confirm)
{
  return confirm->rejection;
}

LactdBluezConfirm *
lactd_bluez_confirm_new (LactdBluez *bluez)
{
  LactdBluezConfirm *confirm = g_new0 (LactdBluezConfirm, 1);
  const char *override = g_getenv (TIMEOUT_ENV);
  guint64 ms = LACTD_CONFIRM_TIMEOUT_S * 1000;

  if (override != NULL
      && !g_ascii_string_to_unsigned (override, 10, 1, G_MAXUINT, &ms, NULL))
    {
      g_warning ("%s=%s is not a number of milliseconds; using %u s",
                 TIMEOUT_ENV, override, LACTD_CONFIRM_TIMEOUT_S);
      ms = LACTD_CONFIRM_TIMEOUT_S * 1000;
    }
  confirm->bluez = bluez;
  confirm->timeout_ms = (guint) ms;
  return confirm;
}

void
lactd_bluez_confirm_free (LactdBluezConfirm *confirm)
{
  if (confirm == NULL)
    return;
  lactd_bluez_confirm_reset (confirm);
  g_free (confirm);
}
