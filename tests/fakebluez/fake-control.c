/* fake-control.c — org.lactd.FakeBluez1, the tests' handle on the fake
 * bluetoothd (adapters, sensors, faults), and the state file that lets a
 * restarted fake come back with its adapters, bonds and sensor stores, as
 * bluetoothd does from /var/lib/bluetooth.
 *
 * org.lactd.FakeBluez1 on "/" (address arguments are "XX:XX:...:XX"):
 *   AddAdapter(s id, b powered)     hciN appears (with its old bonds)
 *   RemoveAdapter(s id)             hciN unplugged (bonds kept for later)
 *   SetPowered(s id, b powered)     like Adapter1.Powered
 *   AddSensor(s address, s name, s kind "pump"|"sns", a{sv} options)
 *     options: passkey_mode s ("none", "display", "confirm", "keyboard"),
 *     passkey u, backlog u, capacity u, epoch u, in_range b, late_gatt b
 *     (GATT objects trail ServicesResolved), no_autoconnect b,
 *     connect_delay_ms u, fail_delay_ms u, resolve_delay_ms u (Connected
 *     to ServicesResolved, default 100), records_per_tick u (report
 *     pace, records per 1 ms tick; default 16), uuids as (the services it
 *     advertises; default the LSP service), known_without_uuids b (every
 *     adapter knows the device already, from a passive scan: no UUIDs
 *     until the next discovery tick)
 *   Device1.CancelPairing           as bluetoothd: Agent1.Cancel to the
 *                                   agent, Pair fails with
 *                                   AuthenticationCanceled (so does an
 *                                   agent that is silent for 60 s)
 *   SetInRange(s, b)                away: Connect fails with
 *                                   le-connection-abort-by-local, a link
 *                                   drops; back: auto-connect resumes
 *   DropLink(s)                     the sensor drops the link now
 *   DropAfterRecords(s, u k)        drop after k records of the next report
 *   DropAfterResolved(s, u n)       the next n links drop right after
 *                                   ServicesResolved, before any GATT call
 *   HangCalls(s, s method, u n)     the next n calls of method ("Connect",
 *                                   "ReadValue", "WriteValue",
 *                                   "StartNotify", "Pair", "Disconnect")
 *                                   are never answered; a Connect stays
 *                                   pending (no link) until a Disconnect
 *                                   cancels it, as bluetoothd's
 *   AnswerHungCalls(s) -> u n       the calls left unanswered are answered
 *                                   now (org.bluez.Error.Failed "answered
 *                                   late"): a reply that reaches a client
 *                                   after it dropped the call
 *   LinkUpSilently(s)               the link comes up and resolves without
 *                                   PropertiesChanged (a client's cache
 *                                   goes stale)
 *   DropLinkSilently(s)             the link drops without PropertiesChanged
 *                                   (bluetoothd 5.66 when a Connect's late
 *                                   L2CAP completion set its state behind
 *                                   the signals)
 *   BreakAtt(s)                     the ATT bearer closes but the LE link
 *                                   stays: GATT calls answer "Not
 *                                   connected" while Connected and
 *                                   ServicesResolved stay true, until the
 *                                   link drops
 *   ForgetBond(s)                   the sensor lost its keys
 *   ResetEpoch(s, u epoch, u backlog)  store erased, numbering restarts
 *   AddRecords(s, u n)              n more stored sessions
 *   StartSession(s, u seconds) -> u seq  a live session (0.1 s a second)
 *   InjectMalformed(s, s kind, u n) n malformed records ("kind", "short",
 *                                   "long", "volume", "future")
 *   NotifyRaw(s, s characteristic, ay value, u n) -> b sent
 *                                   value notified n times as is on
 *                                   "live", "record", "racp" or "battery";
 *                                   FALSE if nobody is subscribed
 *   InjectFault(s, s event, u n, s action, u delay_ms)
 *                                   arms one fault (fake-faults.c): on the
 *                                   n-th "read", "write", "record",
 *                                   "delete" or "response", "drop" the
 *                                   link, "kill" the client or "lose" the
 *                                   packet
 *   ClearFault(s)                   disarms it
 *   GetSensor(s) -> a{sv}           epoch, low, high, stored,
 *                                   highest_delete, deletes,
 *                                   connect_attempts, records_sent,
 *                                   connected, in_range, bond_lost, live,
 *                                   deleted_unsent (deleted before ever
 *                                   being notified: the ground truth of
 *                                   a loss), faults_fired, fault_armed,
 *                                   procedure_running
 *                                   hung_calls (calls left unanswered),
 *                                   drop_after_resolved (drops still to do),
 *                                   pair_calls, pairs_cancelled (by
 *                                   CancelPairing)
 *   HangObjectManager(u n)          the next n GetManagedObjects calls are
 *                                   never answered
 *   GetApplications() -> a(sas)     (adapter, GattProfile1 UUIDs)
 *   GetAgents() -> a(sss)           (path, capability, "default" or "")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fake-bluetoothd"

#include <stdlib.h>
#include <string.h>

#include "fake-bluetoothd.h"

static FSensor *
lookup_sensor (FakeBluez *fb, GVariant *params, GDBusMethodInvocation *inv)
{
  const char *address;
  g_autofree char *up = NULL;
  FSensor *s;

  g_variant_get_child (params, 0, "&s", &address);
  up = g_ascii_strup (address, -1);
  s = g_hash_table_lookup (fb->sensors, up);
  if (s == NULL)
    fake_bluez_emit_error (inv, "org.lactd.FakeBluez.Error.NotFound",
                           "no such sensor");
  return s;
}

static void
each_device (FakeBluez *fb, FSensor *s, void (*fn) (FDevice *dev))
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, fb->adapters);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      FDevice *dev = g_hash_table_lookup (((FAdapter *) v)->devices,
                                          s->address);
      if (dev)
        fn (dev);
    }
}

static void
drop_remote (FDevice *dev)
{
  fake_device_drop (dev, FALSE);
}

static PasskeyMode
parse_passkey_mode (const char *s)
{
  if (g_strcmp0 (s, "display") == 0)
    return PASSKEY_DISPLAY;
  if (g_strcmp0 (s, "confirm") == 0)
    return PASSKEY_CONFIRM;
  if (g_strcmp0 (s, "keyboard") == 0)
    return PASSKEY_KEYBOARD;
  return PASSKEY_NONE;
}

static const char *
passkey_mode_name (PasskeyMode m)
{
  const char *names[] = { "none", "display", "confirm", "keyboard" };
  return names[m];
}

static void
known_without_uuids (FakeBluez *fb, FSensor *s)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, fb->adapters);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (g_hash_table_lookup (((FAdapter *) v)->devices, s->address) == NULL)
      fake_device_forget_uuids (fake_device_new (v, s, FALSE, FALSE));
}

static void
add_sensor (FakeBluez *fb, GVariant *params, GDBusMethodInvocation *inv)
{
  const char *address, *name, *kind;
  g_autoptr(GVariant) options = NULL;
  FSensor *s;
  guint32 u;
  gboolean b;
  const char *str;
  const char **uuids;

  g_variant_get (params, "(&s&s&s@a{sv})", &address, &name, &kind, &options);
  s = fake_sensor_new (fb, address);
  g_free (s->name);
  s->name = g_strdup (name);
  s->kind = g_str_equal (kind, "sns") ? LSP_SENSOR_KIND_SNS
                                      : LSP_SENSOR_KIND_PUMP;
  if (g_variant_lookup (options, "passkey_mode", "&s", &str))
    s->passkey_mode = parse_passkey_mode (str);
  if (g_variant_lookup (options, "passkey", "u", &u))
    s->passkey = u;
  if (g_variant_lookup (options, "capacity", "u", &u))
    s->capacity = (guint16) CLAMP (u, 1, 65535);
  if (g_variant_lookup (options, "epoch", "u", &u))
    s->epoch = u;
  if (g_variant_lookup (options, "in_range", "b", &b))
    s->in_range = b;
  if (g_variant_lookup (options, "late_gatt", "b", &b))
    s->late_gatt = b;
  if (g_variant_lookup (options, "no_autoconnect", "b", &b))
    s->no_autoconnect = b;
  if (g_variant_lookup (options, "connect_delay_ms", "u", &u))
    s->connect_delay_ms = u;
  if (g_variant_lookup (options, "records_per_tick", "u", &u))
    s->records_per_tick = CLAMP (u, 1, 1000);
  if (g_variant_lookup (options, "fail_delay_ms", "u", &u))
    s->fail_delay_ms = u;
  if (g_variant_lookup (options, "uuids", "^a&s", &uuids))
    {
      g_strfreev (s->uuids);
      s->uuids = g_strdupv ((char **) uuids);
      g_free (uuids);
    }
  if (g_variant_lookup (options, "resolve_delay_ms", "u", &u))
    s->resolve_delay_ms = u;
  g_hash_table_replace (fb->sensors, s->address, s);
  if (g_variant_lookup (options, "known_without_uuids", "b", &b) && b)
    known_without_uuids (fb, s);
  if (g_variant_lookup (options, "backlog", "u", &u))
    fake_sensor_add_records (s, u);
  fake_bluez_save (fb);
  g_dbus_method_invocation_return_value (inv, NULL);
}

static void
set_in_range (FakeBluez *fb, FSensor *s, gboolean in_range)
{
  s->in_range = in_range;
  if (!in_range)
    each_device (fb, s, drop_remote);
  fake_bluez_save (fb);
}

void
fake_control_call (FakeBluez *fb, const char *method, GVariant *params,
                   GDBusMethodInvocation *inv)
{
  FSensor *s = NULL;
  GVariant *reply = NULL;

  if (g_str_equal (method, "AddAdapter"))
    {
      const char *id;
      gboolean powered;
      g_variant_get (params, "(&sb)", &id, &powered);
      if (!g_hash_table_contains (fb->adapters, id))
        {
          FAdapter *a = fake_adapter_new (fb, id, powered);
          GStrv bonds = g_hash_table_lookup (fb->unplugged, id);
          g_hash_table_insert (fb->adapters, a->id, a);
          /* A re-plugged adapter comes back with its bonds. */
          for (guint i = 0; bonds && bonds[i]; i++)
            {
              FSensor *bonded = g_hash_table_lookup (fb->sensors, bonds[i]);
              if (bonded)
                fake_device_new (a, bonded, TRUE, TRUE);
            }
          g_hash_table_remove (fb->unplugged, id);
        }
      fake_bluez_save (fb);
    }
  else if (g_str_equal (method, "RemoveAdapter"))
    {
      const char *id;
      FAdapter *a;
      g_variant_get (params, "(&s)", &id);
      a = g_hash_table_lookup (fb->adapters, id);
      if (a)
        {
          GPtrArray *bonds = g_ptr_array_new ();
          GHashTableIter it;
          gpointer v;
          g_hash_table_iter_init (&it, a->devices);
          while (g_hash_table_iter_next (&it, NULL, &v))
            if (((FDevice *) v)->paired)
              g_ptr_array_add (bonds, g_strdup (((FDevice *) v)->sensor->address));
          g_ptr_array_add (bonds, NULL);
          g_hash_table_replace (fb->unplugged, g_strdup (id),
                                g_ptr_array_free (bonds, FALSE));
        }
      /* An unplugged adapter takes its registrations with it; the bonds
       * stay on disk for when it comes back. */
      for (guint i = fb->apps->len; i > 0; i--)
        if (g_str_equal (((FApp *) fb->apps->pdata[i - 1])->adapter_id, id))
          g_ptr_array_remove_index (fb->apps, i - 1);
      g_hash_table_remove (fb->adapters, id);
    }
  else if (g_str_equal (method, "SetPowered"))
    {
      const char *id;
      gboolean on;
      FAdapter *a;
      g_variant_get (params, "(&sb)", &id, &on);
      a = g_hash_table_lookup (fb->adapters, id);
      if (a == NULL)
        {
          fake_bluez_emit_error (inv, "org.lactd.FakeBluez.Error.NotFound",
                                 "no such adapter");
          return;
        }
      fake_adapter_set_powered (a, on);
    }
  else if (g_str_equal (method, "AddSensor"))
    {
      add_sensor (fb, params, inv);
      return;
    }
  else if (g_str_equal (method, "HangObjectManager"))
    g_variant_get (params, "(u)", &fb->hang_objects);
  else if (g_str_equal (method, "GetApplications"))
    {
      GVariantBuilder b;
      g_variant_builder_init (&b, G_VARIANT_TYPE ("a(sas)"));
      for (guint i = 0; i < fb->apps->len; i++)
        {
          FApp *a = fb->apps->pdata[i];
          g_variant_builder_add (&b, "(s^as)", a->adapter_id, a->uuids);
        }
      reply = g_variant_new ("(a(sas))", &b);
    }
  else if (g_str_equal (method, "GetAgents"))
    {
      GVariantBuilder b;
      g_variant_builder_init (&b, G_VARIANT_TYPE ("a(sss)"));
      for (guint i = 0; i < fb->agents->len; i++)
        {
          FAgent *a = fb->agents->pdata[i];
          gboolean def = g_strcmp0 (a->sender, fb->default_agent_sender) == 0
                         && g_strcmp0 (a->path, fb->default_agent_path) == 0;
          g_variant_builder_add (&b, "(sss)", a->path, a->capability,
                                 def ? "default" : "");
        }
      reply = g_variant_new ("(a(sss))", &b);
    }
  else if ((s = lookup_sensor (fb, params, inv)) == NULL)
    return;
  else if (g_str_equal (method, "SetInRange"))
    {
      gboolean on;
      g_variant_get (params, "(&sb)", NULL, &on);
      set_in_range (fb, s, on);
    }
  else if (g_str_equal (method, "DropLink"))
    each_device (fb, s, drop_remote);
  else if (g_str_equal (method, "DropAfterRecords"))
    g_variant_get (params, "(&su)", NULL, &s->drop_after);
  else if (g_str_equal (method, "DropAfterResolved"))
    g_variant_get (params, "(&su)", NULL, &s->drop_after_resolved);
  else if (g_str_equal (method, "AnswerHungCalls"))
    {
      guint n = s->hung->len;

      for (guint i = 0; i < n; i++)
        fake_bluez_emit_error (g_object_ref (s->hung->pdata[i]),
                               "org.bluez.Error.Failed", "answered late");
      g_ptr_array_set_size (s->hung, 0);
      reply = g_variant_new ("(u)", n);
    }
  else if (g_str_equal (method, "HangCalls"))
    {
      const char *name;
      guint32 count;

      g_variant_get (params, "(&s&su)", NULL, &name, &count);
      g_hash_table_replace (s->hang, g_strdup (name),
                            GUINT_TO_POINTER (count));
    }
  else if (g_str_equal (method, "LinkUpSilently"))
    each_device (fb, s, fake_device_link_up_silently);
  else if (g_str_equal (method, "DropLinkSilently"))
    {
      fb->silent = TRUE;
      each_device (fb, s, drop_remote);
      fb->silent = FALSE;
    }
  else if (g_str_equal (method, "BreakAtt"))
    s->att_broken = s->connected_via != NULL;
  else if (g_str_equal (method, "ForgetBond"))
    {
      s->bond_lost = TRUE;
      fake_bluez_save (fb);
    }
  else if (g_str_equal (method, "ResetEpoch"))
    {
      guint32 epoch, backlog;
      g_variant_get (params, "(&suu)", NULL, &epoch, &backlog);
      fake_sensor_reset_epoch (s, epoch, backlog);
    }
  else if (g_str_equal (method, "AddRecords"))
    {
      guint32 n;
      g_variant_get (params, "(&su)", NULL, &n);
      fake_sensor_add_records (s, n);
    }
  else if (g_str_equal (method, "StartSession"))
    {
      guint32 seconds;
      g_variant_get (params, "(&su)", NULL, &seconds);
      reply = g_variant_new ("(u)", fake_sensor_start_session (s, seconds));
    }
  else if (g_str_equal (method, "InjectMalformed"))
    {
      const char *kind;
      guint32 count;
      g_variant_get (params, "(&s&su)", NULL, &kind, &count);
      for (guint32 i = 1; i <= count; i++)
        g_hash_table_replace (s->malformed, GUINT_TO_POINTER (s->high + i),
                              g_strdup (kind));
      fake_sensor_add_records (s, count);
    }
  else if (g_str_equal (method, "NotifyRaw"))
    {
      const char *name;
      g_autoptr(GVariant) value = NULL;
      guint32 count;
      gsize len;
      const guint8 *data;
      gboolean sent = TRUE;

      g_variant_get (params, "(&s&s@ayu)", NULL, &name, &value, &count);
      data = g_variant_get_fixed_array (value, &len, 1);
      for (guint32 i = 0; i < count && sent; i++)
        sent = fake_sensor_notify_raw (s, name, data, len);
      reply = g_variant_new ("(b)", sent);
    }
  else if (g_str_equal (method, "InjectFault"))
    {
      const char *event, *action;
      guint32 n, delay_ms;
      g_autofree char *message = NULL;

      g_variant_get (params, "(&s&su&su)", NULL, &event, &n, &action,
                     &delay_ms);
      if (!fake_fault_arm (s, event, n, action, delay_ms, &message))
        {
          fake_bluez_emit_error (inv, "org.lactd.FakeBluez.Error.Invalid",
                                 message);
          return;
        }
    }
  else if (g_str_equal (method, "ClearFault"))
    fake_fault_clear (s);
  else if (g_str_equal (method, "GetSensor"))
    reply = g_variant_new ("(@a{sv})", fake_sensor_describe (s));
  g_dbus_method_invocation_return_value (inv, reply);
}

/* --------------------------------------------------------- state file */

void
fake_bluez_save (FakeBluez *fb)
{
  g_autoptr(GKeyFile) kf = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter it, dit;
  gpointer v, dv;

  if (fb->state_file == NULL)
    return;
  kf = g_key_file_new ();
  g_hash_table_iter_init (&it, fb->sensors);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      FSensor *s = v;
      g_autofree char *group = g_strdup_printf ("sensor %s", s->address);
      g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
      GHashTableIter mit;
      gpointer mk, mv;

      g_key_file_set_string (kf, group, "name", s->name);
      g_key_file_set_string_list (kf, group, "uuids",
                                  (const char * const *) s->uuids,
                                  g_strv_length (s->uuids));
      g_key_file_set_integer (kf, group, "kind", s->kind);
      g_key_file_set_string (kf, group, "passkey_mode",
                             passkey_mode_name (s->passkey_mode));
      g_key_file_set_uint64 (kf, group, "passkey", s->passkey);
      g_key_file_set_boolean (kf, group, "in_range", s->in_range);
      g_key_file_set_boolean (kf, group, "bond_lost", s->bond_lost);
      g_key_file_set_boolean (kf, group, "late_gatt", s->late_gatt);
      g_key_file_set_boolean (kf, group, "no_autoconnect", s->no_autoconnect);
      g_key_file_set_uint64 (kf, group, "connect_delay_ms",
                             s->connect_delay_ms);
      g_key_file_set_uint64 (kf, group, "fail_delay_ms", s->fail_delay_ms);
      g_key_file_set_uint64 (kf, group, "resolve_delay_ms",
                             s->resolve_delay_ms);
      g_key_file_set_uint64 (kf, group, "records_per_tick",
                             s->records_per_tick);
      g_key_file_set_uint64 (kf, group, "epoch", s->epoch);
      g_key_file_set_uint64 (kf, group, "capacity", s->capacity);
      g_key_file_set_uint64 (kf, group, "low", s->low);
      g_key_file_set_uint64 (kf, group, "high", s->high);
      g_key_file_set_int64 (kf, group, "base_time", s->base_time);
      g_key_file_set_uint64 (kf, group, "highest_delete", s->highest_delete);
      g_key_file_set_uint64 (kf, group, "deletes", s->deletes);
      g_hash_table_iter_init (&mit, s->malformed);
      while (g_hash_table_iter_next (&mit, &mk, &mv))
        g_ptr_array_add (bad, g_strdup_printf ("%u=%s", GPOINTER_TO_UINT (mk),
                                               (char *) mv));
      g_key_file_set_string_list (kf, group, "malformed",
                                  (const char * const *) bad->pdata, bad->len);
    }
  g_hash_table_iter_init (&it, fb->adapters);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      FAdapter *a = v;
      g_autofree char *group = g_strdup_printf ("adapter %s", a->id);
      g_autoptr(GPtrArray) bonds = g_ptr_array_new ();
      g_autoptr(GPtrArray) trusted = g_ptr_array_new ();

      g_key_file_set_boolean (kf, group, "powered", a->powered);
      g_hash_table_iter_init (&dit, a->devices);
      while (g_hash_table_iter_next (&dit, NULL, &dv))
        {
          FDevice *d = dv;
          if (d->paired)
            g_ptr_array_add (bonds, d->sensor->address);
          if (d->trusted)
            g_ptr_array_add (trusted, d->sensor->address);
        }
      g_key_file_set_string_list (kf, group, "bonds",
                                  (const char * const *) bonds->pdata,
                                  bonds->len);
      g_key_file_set_string_list (kf, group, "trusted",
                                  (const char * const *) trusted->pdata,
                                  trusted->len);
    }
  if (!g_key_file_save_to_file (kf, fb->state_file, &error))
    g_warning ("saving %s: %s", fb->state_file, error->message);
}

void
fake_control_load_state (FakeBluez *fb)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) groups = NULL;
  char *saved = fb->state_file;

  if (saved == NULL
      || !g_key_file_load_from_file (kf, saved, G_KEY_FILE_NONE, NULL))
    return;
  fb->state_file = NULL;   /* no saving while loading */
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      const char *g = groups[i];
      FSensor *s;
      g_auto(GStrv) bad = NULL;
      g_autofree char *mode = NULL;

      if (!g_str_has_prefix (g, "sensor "))
        continue;
      s = fake_sensor_new (fb, g + 7);
      g_free (s->name);
      s->name = g_key_file_get_string (kf, g, "name", NULL);
      if (g_key_file_has_key (kf, g, "uuids", NULL))
        {
          g_strfreev (s->uuids);
          s->uuids = g_key_file_get_string_list (kf, g, "uuids", NULL, NULL);
          if (s->uuids == NULL)
            s->uuids = g_new0 (char *, 1);
        }
      s->kind = g_key_file_get_integer (kf, g, "kind", NULL);
      mode = g_key_file_get_string (kf, g, "passkey_mode", NULL);
      s->passkey_mode = parse_passkey_mode (mode);
      s->passkey = (guint32) g_key_file_get_uint64 (kf, g, "passkey", NULL);
      s->in_range = g_key_file_get_boolean (kf, g, "in_range", NULL);
      s->bond_lost = g_key_file_get_boolean (kf, g, "bond_lost", NULL);
      s->late_gatt = g_key_file_get_boolean (kf, g, "late_gatt", NULL);
      s->no_autoconnect = g_key_file_get_boolean (kf, g, "no_autoconnect",
                                                  NULL);
      s->connect_delay_ms = (guint) g_key_file_get_uint64 (
          kf, g, "connect_delay_ms", NULL);
      s->fail_delay_ms = (guint) g_key_file_get_uint64 (kf, g,
                                                        "fail_delay_ms", NULL);
      if (g_key_file_has_key (kf, g, "resolve_delay_ms", NULL))
        s->resolve_delay_ms = (guint) g_key_file_get_uint64 (
            kf, g, "resolve_delay_ms", NULL);
      s->records_per_tick = (guint) CLAMP (
          g_key_file_get_uint64 (kf, g, "records_per_tick", NULL), 1, 1000);
      s->epoch = (guint32) g_key_file_get_uint64 (kf, g, "epoch", NULL);
      s->capacity = (guint16) g_key_file_get_uint64 (kf, g, "capacity", NULL);
      s->low = (guint32) g_key_file_get_uint64 (kf, g, "low", NULL);
      s->high = (guint32) g_key_file_get_uint64 (kf, g, "high", NULL);
      s->base_time = g_key_file_get_int64 (kf, g, "base_time", NULL);
      s->highest_delete = (guint32) g_key_file_get_uint64 (
          kf, g, "highest_delete", NULL);
      s->deletes = (guint) g_key_file_get_uint64 (kf, g, "deletes", NULL);
      bad = g_key_file_get_string_list (kf, g, "malformed", NULL, NULL);
      for (guint j = 0; bad && bad[j]; j++)
        {
          char *eq = strchr (bad[j], '=');
          if (eq)
            g_hash_table_replace (s->malformed,
                                  GUINT_TO_POINTER (atoi (bad[j])),
                                  g_strdup (eq + 1));
        }
      g_hash_table_replace (fb->sensors, s->address, s);
    }
  for (guint i = 0; groups[i]; i++)
    {
      const char *g = groups[i];
      FAdapter *a;
      g_auto(GStrv) bonds = NULL;
      g_auto(GStrv) trusted = NULL;

      if (!g_str_has_prefix (g, "adapter "))
        continue;
      a = fake_adapter_new (fb, g + 8,
                            g_key_file_get_boolean (kf, g, "powered", NULL));
      g_hash_table_insert (fb->adapters, a->id, a);
      bonds = g_key_file_get_string_list (kf, g, "bonds", NULL, NULL);
      trusted = g_key_file_get_string_list (kf, g, "trusted", NULL, NULL);
      for (guint j = 0; bonds && bonds[j]; j++)
        {
          FSensor *s = g_hash_table_lookup (fb->sensors, bonds[j]);
          if (s)
            fake_device_new (a, s, TRUE,
                             trusted && g_strv_contains (
                                 (const char * const *) trusted, bonds[j]));
        }
    }
  fb->state_file = saved;
}
