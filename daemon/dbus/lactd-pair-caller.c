/* lactd-pair-caller.c — who may answer a pairing's passkey comparison.
 *
 * A numeric comparison protects the bond only if the person who started
 * the pairing compares the numbers: any other client on the session bus
 * (a widget, a script) is refused, and a caller that left cannot answer,
 * so its comparison is rejected at once instead of after 60 s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "lactd-pair-caller.h"

#include "lactd-error.h"

struct _LactdPairCaller {
  LactdTransport *transport;
  char *unique_name;
  guint watch_id;
};

static void
caller_vanished (GDBusConnection *bus, const char *name, gpointer data)
{
  LactdPairCaller *caller = data;

  g_message ("%s, which called Pair, left the bus", name);
  lactd_transport_refuse_confirmations (caller->transport,
                                    "the client that called Pair left the "
                                    "bus before confirming the passkey");
}

LactdPairCaller *
lactd_pair_caller_new (GDBusConnection *bus, LactdTransport *transport,
                       const char *unique_name)
{
  LactdPairCaller *caller = g_new0 (LactdPairCaller, 1);

  caller->transport = g_object_ref (transport);
  caller->unique_name = g_strdup (unique_name);
  if (unique_name != NULL)
    caller->watch_id = g_bus_watch_name_on_connection (
        bus, unique_name, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
        caller_vanished, caller, NULL);
  return caller;
}

void
lactd_pair_caller_free (LactdPairCaller *caller)
{
  if (caller == NULL)
    return;
  g_clear_handle_id (&caller->watch_id, g_bus_unwatch_name);
  g_clear_object (&caller->transport);
  g_free (caller->unique_name);
  g_free (caller);
}

gboolean
lactd_pair_caller_confirm (LactdPairCaller *caller, const char *sender,
                           const char *address, gboolean accept,
                           GError **error)
{
  if (caller->unique_name == NULL
      || g_strcmp0 (sender, caller->unique_name) != 0)
    {
      g_set_error (error, LACTD_ERROR, LACTD_ERROR_NOT_AUTHORIZED,
                   "only the client that called Pair may confirm the "
                   "passkey of %s", address);
      return FALSE;
    }
  if (lactd_transport_confirm_pairing (caller->transport, address, accept,
                                       error))
    return TRUE;
  lactd_error_from_transport (error);
  return FALSE;
}
