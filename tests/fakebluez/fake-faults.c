/* fake-faults.c — faults armed at a chosen point of the LSP exchange, for
 * the soak (tests/integration/test_soak.py), and the ground truth it is
 * judged against.
 *
 * One fault is armed per sensor with InjectFault(address, event, n,
 * action, delay_ms): on the n-th `event` from now,
 *   event "read"      a GATT read of one of the sensor's characteristics
 *                     (step 1, and the Features read before each run);
 *         "write"     an RACP write (count, report, delete, abort);
 *         "record"    a Session Record about to be notified in a report
 *                     (to a subscribed client);
 *         "delete"    an RACP delete just applied, before its 0x06;
 *         "response"  an RACP indication (0x05 or 0x06) about to be sent;
 * the sensor does `action`:
 *         "drop"      it drops the link (as DropLink);
 *         "kill"      the client that last used its GATT objects is
 *                     SIGKILLed (a daemon killed at that instant);
 *         "lose"      the notification or indication is not delivered,
 *                     as if lost on the radio ("record", "response" and
 *                     "delete", whose 0x06 then never comes);
 * drop and kill wait delay_ms first (0: at once), so that the instant
 * falls anywhere in what the client does next. A kill whose client has
 * gone already (a daemon restarting) waits for the next such event.
 *
 * Ground truth: every record number notified to a subscribed client is
 * remembered until deleted; a delete that covers a stored number never
 * notified is counted in "deleted_unsent" (GetSensor): a record deleted
 * before anyone saw it, which is the loss lsp-v1 step 4 forbids.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fake-bluetoothd"

#include <signal.h>
#include <sys/types.h>

#include "fake-bluetoothd.h"

static const char *const event_names[] = {
  [FAULT_NONE] = "none", [FAULT_READ] = "read", [FAULT_WRITE] = "write",
  [FAULT_RECORD] = "record", [FAULT_DELETE] = "delete",
  [FAULT_RESPONSE] = "response",
};

static const char *const action_names[] = {
  [FAULT_DROP] = "drop", [FAULT_KILL] = "kill", [FAULT_LOSE] = "lose",
};

gboolean
fake_fault_arm (FSensor *s, const char *event, guint n, const char *action,
                guint delay_ms, char **message)
{
  FaultEvent ev = FAULT_NONE;
  FaultAction act = FAULT_DROP;
  gboolean found = FALSE;

  for (guint i = FAULT_READ; i < G_N_ELEMENTS (event_names); i++)
    if (g_str_equal (event, event_names[i]))
      ev = (FaultEvent) i;
  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    if (g_str_equal (action, action_names[i]))
      {
        act = (FaultAction) i;
        found = TRUE;
      }
  if (ev == FAULT_NONE || !found || n == 0
      || (act == FAULT_LOSE && ev != FAULT_RECORD && ev != FAULT_RESPONSE
          && ev != FAULT_DELETE))
    {
      *message = g_strdup_printf ("no such fault: %s #%u %s", event, n,
                                  action);
      return FALSE;
    }
  s->fault_event = ev;
  s->fault_action = act;
  s->fault_countdown = n;
  s->fault_delay_ms = delay_ms;
  return TRUE;
}

void
fake_fault_clear (FSensor *s)
{
  s->fault_event = FAULT_NONE;
  g_clear_handle_id (&s->fault_source, g_source_remove);
}

/* FALSE when the client is already gone (it has not used the sensor
 * since a restart): nobody to kill yet. */
static gboolean
kill_client (FSensor *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 pid;

  if (s->last_client == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (
      s->fb->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
      "org.freedesktop.DBus", "GetConnectionUnixProcessID",
      g_variant_new ("(s)", s->last_client), G_VARIANT_TYPE ("(u)"),
      G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  if (reply == NULL)
    {
      g_message ("%s: client %s already gone: %s", s->address, s->last_client,
                 error->message);
      return FALSE;
    }
  g_variant_get (reply, "(u)", &pid);
  g_message ("%s: killing client %s (pid %u)", s->address, s->last_client,
             pid);
  kill ((pid_t) pid, SIGKILL);
  return TRUE;
}

static void
perform (FSensor *s, FaultEvent event, FaultAction action)
{
  if (action == FAULT_KILL)
    {
      if (!kill_client (s))
        {
          /* The next such event, once the new client is there. */
          s->fault_event = event;
          s->fault_action = action;
          s->fault_countdown = 1;
          return;
        }
    }
  else if (s->connected_via != NULL)
    {
      g_message ("%s: fault: dropping the link", s->address);
      fake_device_drop (s->connected_via, FALSE);
    }
  s->faults_fired++;
}

static gboolean
perform_later_cb (gpointer data)
{
  FSensor *s = data;

  s->fault_source = 0;
  perform (s, s->fault_pending_event, s->fault_pending_action);
  return G_SOURCE_REMOVE;
}

gboolean
fake_fault_hit (FSensor *s, FaultEvent event)
{
  FaultAction action = s->fault_action;

  if (s->fault_event != event || --s->fault_countdown > 0)
    return FALSE;
  s->fault_event = FAULT_NONE;
  g_message ("%s: fault on %s: %s", s->address, event_names[event],
             action_names[action]);
  if (action == FAULT_LOSE)
    {
      s->faults_fired++;
      return TRUE;
    }
  if (s->fault_delay_ms == 0)
    perform (s, event, action);
  else
    {
      g_clear_handle_id (&s->fault_source, g_source_remove);
      s->fault_pending_event = event;
      s->fault_pending_action = action;
      s->fault_source = g_timeout_add (s->fault_delay_ms, perform_later_cb, s);
    }
  return FALSE;
}

void
fake_fault_delivered (FSensor *s, guint32 seq)
{
  g_hash_table_add (s->delivered, GUINT_TO_POINTER (seq));
}

void
fake_fault_deleting (FSensor *s, guint32 upto)
{
  for (guint32 q = s->low; q <= s->high && q <= upto && s->high > 0; q++)
    if (!g_hash_table_remove (s->delivered, GUINT_TO_POINTER (q)))
      {
        g_message ("%s: record %u deleted without ever being notified",
                   s->address, q);
        s->deleted_unsent++;
      }
}
