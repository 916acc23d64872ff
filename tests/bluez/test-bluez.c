/* test-bluez.c — LactdBluez and LactdBluezLink against the fake
 * bluetoothd on a private bus that stands in for the system bus.
 *
 * Run: meson test -C BUILD --suite bluez (FAKE_BLUETOOTHD is set by meson).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "lactd-text.h"
#include "lsp.h"
#include "test-bluez.h"

/* -------------------------------------------------------------- cases */

static void
test_state (Fixture *f, gconstpointer data)
{
  gint64 start = g_get_monotonic_time ();

  /* No org.bluez at all: known within the 2 s budget. */
  f->bluez = bluez_new ();
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2600 * 1000);
  g_assert_cmpstr (lactd_bluez_get_state (f->bluez), ==, "no-bluez");
  fake_start (f);
  assert_state (f, "no-adapter");
  control_void (f, "AddAdapter", g_variant_new ("(sb)", "hci0", FALSE));
  assert_state (f, "off");
  control_void (f, "SetPowered", g_variant_new ("(sb)", "hci0", TRUE));
  assert_state (f, "ready");
  control_void (f, "RemoveAdapter", g_variant_new ("(s)", "hci0"));
  assert_state (f, "no-adapter");
  fake_stop (f);
  assert_state (f, "no-bluez");
}

static gboolean
registered_on (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  const char *adapter = ((gpointer *) data)[1];
  g_autoptr(GVariant) apps = control (f, "GetApplications", NULL);
  g_autoptr(GVariant) agents = control (f, "GetAgents", NULL);
  g_autofree char *a = g_variant_print (apps, FALSE);
  g_autofree char *g = g_variant_print (agents, FALSE);
  g_autofree char *want = g_strdup_printf ("('%s', ['%s'])", adapter,
                                           LSP_UUID_SERVICE);

  return strstr (a, want) != NULL
         && strstr (g, "('/org/lactd/bluez/agent', 'KeyboardDisplay', "
                       "'')") != NULL;
}

static void
call_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Async *a = data;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res,
                                         &a->error);
  a->done = TRUE;
}

static void
test_registration (Fixture *f, gconstpointer data)
{
  gpointer args[2] = { f, (gpointer) "hci0" };

  g_assert_true (wait_for (registered_on, args, 3000));
  {
    /* Nobody but bluetoothd may drive the agent (this call comes from our
     * own unique name). */
    Async a = { 0 };
    g_autofree char *remote = NULL;

    g_dbus_connection_call (f->bus, g_dbus_connection_get_unique_name (f->bus),
                            "/org/lactd/bluez/agent", "org.bluez.Agent1",
                            "RequestConfirmation",
                            g_variant_new ("(ou)", DEV_PUMP, 1234), NULL,
                            G_DBUS_CALL_FLAGS_NONE, 2000, NULL, call_done, &a);
    g_assert_true (wait_for (async_done, &a, 3000));
    g_assert_nonnull (a.error);
    remote = g_dbus_error_get_remote_error (a.error);
    g_assert_cmpstr (remote, ==, "org.bluez.Error.Rejected");
    g_clear_error (&a.error);
  }
  control_void (f, "AddAdapter", g_variant_new ("(sb)", "hci1", TRUE));
  args[1] = (gpointer) "hci1";
  g_assert_true (wait_for (registered_on, args, 3000));
  /* A restarted bluetoothd knows nothing of us. */
  fake_stop (f);
  assert_state (f, "no-bluez");
  fake_start (f);
  assert_state (f, "ready");
  args[1] = (gpointer) "hci0";
  g_assert_true (wait_for (registered_on, args, 3000));
  args[1] = (gpointer) "hci1";
  g_assert_true (wait_for (registered_on, args, 3000));
}

static void
test_discover (Fixture *f, gconstpointer data)
{
  Async a = { 0 };
  GPtrArray *found;
  gboolean pump = FALSE, sns = FALSE;

  add_sensor (f, PUMP, "pump", "none", 0);
  add_sensor (f, SNS, "sns", "none", 0);
  lactd_bluez_discover_async (f->bluez, 1, NULL, discover_done, &a);
  g_assert_true (wait_for (async_done, &a, 3000));
  g_assert_no_error (a.error);
  found = a.result;
  g_assert_cmpuint (found->len, ==, 2);
  for (guint i = 0; i < found->len; i++)
    {
      LactdFoundSensor *s = found->pdata[i];
      g_assert_cmpint (s->rssi, <, 0);
      if (g_str_equal (s->address, PUMP))
        {
          pump = TRUE;
          g_assert_cmpstr (s->name, ==, "Pump");
          g_assert_cmpstr (s->path, ==, DEV_PUMP);
        }
      else if (g_str_equal (s->address, SNS))
        sns = TRUE;
    }
  g_assert_true (pump && sns);
  g_ptr_array_unref (found);

  /* Discovery was stopped: the fake's adapter is no longer scanning. */
  spin (100);
  control_void (f, "SetPowered", g_variant_new ("(sb)", "hci0", FALSE));
  assert_state (f, "off");
  memset (&a, 0, sizeof a);
  lactd_bluez_discover_async (f->bluez, 1, NULL, discover_done, &a);
  g_assert_true (wait_for (async_done, &a, 3000));
  g_assert_error (a.error, LACTD_TRANSPORT_ERROR,
                  LACTD_TRANSPORT_ERROR_NO_ADAPTER);
  g_clear_error (&a.error);
}

static void
on_passkey (LactdBluez *bluez, const char *address, guint passkey,
            gboolean confirm, gpointer data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (f->passkeys, g_strdup_printf ("%s %06u %s", address,
                                                 passkey,
                                                 confirm ? "confirm"
                                                 : "display"));
  if (confirm)
    {
      /* Nothing is pending for another address. */
      g_assert_false (lactd_bluez_confirm_pairing (bluez, SNS, TRUE, &error));
      g_assert_error (error, LACTD_TRANSPORT_ERROR,
                      LACTD_TRANSPORT_ERROR_NOT_FOUND);
      g_clear_error (&error);
      g_assert_true (lactd_bluez_confirm_pairing (bluez, address, !f->decline,
                                                  &error));
      g_assert_no_error (error);
    }
}

static void
test_pair (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) trusted = NULL;
  Async a = { 0 }, b = { 0 };

  add_sensor (f, PUMP, "pump", "confirm", 0);
  g_signal_connect (f->bluez, "pairing-passkey", G_CALLBACK (on_passkey), f);
  /* Not yet known to BlueZ: Pair scans for it first. One at a time. */
  lactd_bluez_pair_async (f->bluez, PUMP, NULL, pair_done, &a);
  lactd_bluez_pair_async (f->bluez, PUMP, NULL, pair_done, &b);
  g_assert_true (wait_for (async_done, &b, 1000));
  g_assert_error (b.error, LACTD_TRANSPORT_ERROR, LACTD_TRANSPORT_ERROR_BUSY);
  g_clear_error (&b.error);
  g_assert_true (wait_for (async_done, &a, 15000));
  g_assert_no_error (a.error);
  g_assert_cmpuint (f->passkeys->len, ==, 1);
  g_assert_cmpstr (f->passkeys->pdata[0], ==, PUMP " 123456 confirm");
  g_assert_true (sensor_b (f, PUMP, "connected"));
  trusted = g_dbus_connection_call_sync (
      f->bus, "org.bluez", DEV_PUMP, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", "org.bluez.Device1", "Trusted"), NULL,
      G_DBUS_CALL_FLAGS_NONE, 1000, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *text = g_variant_print (trusted, FALSE);
    g_assert_cmpstr (text, ==, "(<true>,)");
  }
  /* Pairing a paired sensor succeeds. */
  pair (f, PUMP, &error);
  g_assert_no_error (error);
}

static void
test_pair_keyboard (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  add_sensor (f, PUMP, "pump", "keyboard", 0);
  pair (f, PUMP, &error);
  g_assert_error (error, LACTD_TRANSPORT_ERROR,
                  LACTD_TRANSPORT_ERROR_PAIRING_FAILED);
  g_assert_nonnull (strstr (error->message, "passkey"));
}

static void
test_pair_declined (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) paired = NULL;

  add_sensor (f, PUMP, "pump", "confirm", 0);
  g_signal_connect (f->bluez, "pairing-passkey", G_CALLBACK (on_passkey), f);
  f->decline = TRUE;
  pair (f, PUMP, &error);
  g_assert_error (error, LACTD_TRANSPORT_ERROR,
                  LACTD_TRANSPORT_ERROR_PAIRING_FAILED);
  g_assert_nonnull (strstr (error->message, "declined"));
  paired = g_dbus_connection_call_sync (
      f->bus, "org.bluez", DEV_PUMP, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", "org.bluez.Device1", "Paired"), NULL,
      G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
  g_assert_nonnull (paired);
  {
    g_autofree char *text = g_variant_print (paired, FALSE);
    g_assert_cmpstr (text, ==, "(<false>,)");
  }
  /* No comparison is pending any more. */
  g_clear_error (&error);
  g_assert_false (lactd_bluez_confirm_pairing (f->bluez, PUMP, TRUE, &error));
  g_assert_error (error, LACTD_TRANSPORT_ERROR,
                  LACTD_TRANSPORT_ERROR_NOT_FOUND);
}

static void
test_pair_not_lsp (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *battery_only[] = { "0000180f-0000-1000-8000-00805f9b34fb", NULL };
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert_value (&d, "uuids",
                               g_variant_new_strv (battery_only, -1));
  control_void (f, "AddSensor",
                g_variant_new ("(sss@a{sv})", PUMP, "Headphones", "pump",
                               g_variant_dict_end (&d)));
  pair (f, PUMP, &error);
  g_assert_error (error, LACTD_TRANSPORT_ERROR,
                  LACTD_TRANSPORT_ERROR_NOT_A_SENSOR);
  g_assert_nonnull (strstr (error->message, "LSP service"));
}

static void
test_clean_name (void)
{
  const struct { const char *raw; const char *clean; } cases[] = {
    { "Mom & Baby", "Mom & Baby" },
    { "Pump\x1b]0;pwned\x07 One", "Pump One" },
    { "\x1b[2JPump\x1b[0m", "Pump" },
    { "Pump\x1b]2;title\x1b\\!", "Pump!" },
    { "A\tB\nC\r", "A B C" },
    { "Bell\x07\x7f\x01", "Bell" },
    { "C1\xc2\x9b" "31mred\xc2\x9d" "0;x\xc2\x9c.", "C1red." },
    { "bad\xff\xfeutf8", "bad\xef\xbf\xbd\xef\xbf\xbdutf8" },
    { "caf\xc3\xa9 \xf0\x9f\x8d\xbc", "caf\xc3\xa9 \xf0\x9f\x8d\xbc" },
    { "\xe2\x80\xae" "evil", "evil" },
    { "\x1b", "" },
    { NULL, "" },
  };
  g_autofree char *long_raw = g_strnfill (300, 'x');
  g_autofree char *long_clean = lactd_text_clean_name (long_raw);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clean = lactd_text_clean_name (cases[i].raw);
      g_assert_cmpstr (clean, ==, cases[i].clean);
    }
  g_assert_cmpuint (strlen (long_clean), ==, LACTD_NAME_MAX_BYTES);
}

static void
test_link_sync (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  g_autoptr(GBytes) features = NULL;
  lsp_features feat;
  const guint8 count[] = { 0x04, 0x01 };
  const guint8 report[] = { 0x01, 0x01 };
  const guint8 del[] = { 0x02, 0x02, 0x01, 30, 0, 0, 0 };
  const guint8 *b;

  add_sensor (f, PUMP, "pump", "none", 30);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  g_assert_cmpstr (lactd_link_get_name (link), ==, "Pump");
  link_call (link, LACTD_CHAR_FEATURES, "read", NULL, &features, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lsp_features_decode (g_bytes_get_data (features, NULL),
                                        g_bytes_get_size (features), &feat),
                   ==, LSP_OK);
  g_assert_cmpint (feat.kind, ==, LSP_SENSOR_KIND_PUMP);

  racp_write (link, count, sizeof count);
  wait_values (f, 1);
  b = g_bytes_get_data (f->values->pdata[0], NULL);
  g_assert_cmpint (b[0], ==, 0x05);
  g_assert_cmpint (b[2], ==, 30);
  racp_write (link, report, sizeof report);
  wait_values (f, 2);
  g_assert_cmpuint (f->records->len, ==, 30);
  racp_write (link, del, sizeof del);
  wait_values (f, 3);
  b = g_bytes_get_data (f->values->pdata[2], NULL);
  g_assert_cmpint (b[2], ==, 0x02);
  g_assert_cmpint (b[3], ==, 0x01);
  g_assert_cmpuint (sensor_u (f, PUMP, "stored"), ==, 0);
  g_assert_cmpuint (sensor_u (f, PUMP, "highest_delete"), ==, 30);
}

static gboolean
link_not_ready (gpointer data)
{
  return !lactd_link_get_ready (data);
}

static void
test_link_drop (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  const guint8 count[] = { 0x04, 0x01 };

  add_sensor (f, PUMP, "pump", "none", 3);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  for (guint i = 0; i < 3; i++)
    {
      control_void (f, "DropLink", g_variant_new ("(s)", PUMP));
      g_assert_true (wait_for (link_not_ready, link, 2000));
      g_assert_true (wait_for (link_ready, link, 5000));
    }
  /* bluetoothd re-arms notify sessions after a reconnect. */
  racp_write (link, count, sizeof count);
  wait_values (f, 1);
}

static void
test_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  const guint8 count[] = { 0x04, 0x01 };

  add_sensor (f, PUMP, "pump", "none", 3);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  fake_stop (f);
  assert_state (f, "no-bluez");
  g_assert_false (lactd_link_get_ready (link));
  fake_start (f);
  assert_state (f, "ready");
  /* Auto-connected through the re-registered profile (or the backup
   * loop), then the notifications are re-armed by the link itself. */
  g_assert_true (wait_for (link_ready, link, 8000));
  spin (200);
  racp_write (link, count, sizeof count);
  wait_values (f, 1);
}

static void
test_power_cycle (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  guint attempts;

  add_sensor (f, PUMP, "pump", "none", 0);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  control_void (f, "SetPowered", g_variant_new ("(sb)", "hci0", FALSE));
  assert_state (f, "off");
  g_assert_true (wait_for (link_not_ready, link, 2000));
  attempts = sensor_u (f, PUMP, "connect_attempts");
  spin (2500);
  /* No attempts while the adapter is off. */
  g_assert_cmpuint (sensor_u (f, PUMP, "connect_attempts"), ==, attempts);
  control_void (f, "SetPowered", g_variant_new ("(sb)", "hci0", TRUE));
  assert_state (f, "ready");
  g_assert_true (wait_for (link_ready, link, 5000));
}

static void
test_out_of_range (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  guint before, during;

  add_sensor (f, PUMP, "pump", "none", 0);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  before = sensor_u (f, PUMP, "connect_attempts");
  control_void (f, "SetInRange", g_variant_new ("(sb)", PUMP, FALSE));
  g_assert_true (wait_for (link_not_ready, link, 2000));
  spin (5000);
  /* Backoff 1, 2, 4 s (±25 %): a handful of tries, not a storm. */
  during = sensor_u (f, PUMP, "connect_attempts") - before;
  g_assert_cmpuint (during, >=, 2);
  g_assert_cmpuint (during, <=, 5);
  control_void (f, "SetInRange", g_variant_new ("(sb)", PUMP, TRUE));
  g_assert_true (wait_for (link_ready, link, 10000));
}

static void
on_last_error (GObject *obj, GParamSpec *pspec, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_bond_lost (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  const guint8 count[] = { 0x04, 0x01 };
  g_autoptr(GBytes) value = g_bytes_new (count, sizeof count);
  gboolean notified = FALSE;

  add_sensor (f, PUMP, "pump", "none", 0);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  g_signal_connect (link, "notify::last-error", G_CALLBACK (on_last_error),
                    &notified);
  control_void (f, "ForgetBond", g_variant_new ("(s)", PUMP));
  control_void (f, "DropLink", g_variant_new ("(s)", PUMP));
  g_assert_true (wait_for (link_not_ready, link, 2000));
  g_assert_true (wait_for (link_ready, link, 5000));
  g_assert_false (link_call (link, LACTD_CHAR_RACP, "write", value, NULL,
                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_true (notified);
  g_assert_cmpstr (lactd_link_get_last_error (link),
                   ==, "bond lost: run `lactctl forget " PUMP
                       "` then `lactctl pair " PUMP "`");
}

static void
test_forget (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  Async a = { 0 };

  add_sensor (f, PUMP, "pump", "none", 0);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  lactd_bluez_forget_async (f->bluez, PUMP, NULL, bool_done, &a);
  g_assert_true (wait_for (async_done, &a, 5000));
  g_assert_no_error (a.error);
  g_assert_true (a.ok);
  g_assert_true (wait_for (link_not_ready, link, 2000));
  g_assert_false (sensor_b (f, PUMP, "connected"));
  /* Paired again after forgetting. */
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (link_ready, link, 5000));
}

static void
test_adapter_replug (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;

  add_sensor (f, PUMP, "pump", "none", 0);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  control_void (f, "RemoveAdapter", g_variant_new ("(s)", "hci0"));
  assert_state (f, "no-adapter");
  g_assert_true (wait_for (link_not_ready, link, 2000));
  control_void (f, "AddAdapter", g_variant_new ("(sb)", "hci0", TRUE));
  assert_state (f, "ready");
  g_assert_true (wait_for (link_ready, link, 5000));
}

static void
test_late_gatt (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "late_gatt", "b", TRUE);
  control_void (f, "AddSensor", g_variant_new ("(sss@a{sv})", PUMP, "Late",
                                               "pump",
                                               g_variant_dict_end (&d)));
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  g_assert_cmpstr (lactd_link_get_last_error (link),
                   ==, "");
}

static void
test_two_sensors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) a = NULL;
  g_autoptr(LactdLink) b = NULL;

  add_sensor (f, PUMP, "pump", "none", 0);
  add_sensor (f, SNS, "sns", "display", 0);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  pair (f, SNS, &error);
  g_assert_no_error (error);
  a = ready_link (f, PUMP);
  b = ready_link (f, SNS);
  control_void (f, "DropLink", g_variant_new ("(s)", SNS));
  g_assert_true (wait_for (link_not_ready, b, 2000));
  g_assert_true (lactd_link_get_ready (a));
  g_assert_true (wait_for (link_ready, b, 5000));
}

static void
test_resume (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdLink) link = NULL;
  GVariantDict d;
  guint before, owner;
  gint64 start;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "no_autoconnect", "b", TRUE);
  control_void (f, "AddSensor", g_variant_new ("(sss@a{sv})", PUMP, "Pump",
                                               "pump",
                                               g_variant_dict_end (&d)));
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  before = sensor_u (f, PUMP, "connect_attempts");
  control_void (f, "SetInRange", g_variant_new ("(sb)", PUMP, FALSE));
  g_assert_true (wait_for (link_not_ready, link, 2000));
  /* Two failed tries (about 1 + 2 s): the next one is 4 s away. */
  while (sensor_u (f, PUMP, "connect_attempts") - before < 2)
    spin (100);
  spin (400);
  control_void (f, "SetInRange", g_variant_new ("(sb)", PUMP, TRUE));
  /* logind says the system resumed: reconnect now, not in 4 s. */
  owner = g_bus_own_name_on_connection (f->bus, "org.freedesktop.login1",
                                        G_BUS_NAME_OWNER_FLAGS_NONE, NULL,
                                        NULL, NULL, NULL);
  spin (200);
  start = g_get_monotonic_time ();
  g_dbus_connection_emit_signal (f->bus, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager",
                                 "PrepareForSleep",
                                 g_variant_new ("(b)", FALSE), &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (link_ready, link, 5000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500 * 1000);
  g_bus_unown_name (owner);
}

static void
add_tests (void)
{
#define ADD(name, fn, data) \
  g_test_add ("/bluez/" name, Fixture, data, setup, fn, teardown)
  ADD ("state", test_state, "no-fake");
  ADD ("registration", test_registration, NULL);
  ADD ("discover", test_discover, NULL);
  ADD ("pair", test_pair, NULL);
  ADD ("pair-keyboard", test_pair_keyboard, NULL);
  ADD ("pair-declined", test_pair_declined, NULL);
  ADD ("pair-not-lsp", test_pair_not_lsp, NULL);
  ADD ("link-sync", test_link_sync, NULL);
  ADD ("link-drop", test_link_drop, NULL);
  ADD ("restart", test_restart, NULL);
  ADD ("power-cycle", test_power_cycle, NULL);
  ADD ("out-of-range", test_out_of_range, NULL);
  ADD ("bond-lost", test_bond_lost, NULL);
  ADD ("forget", test_forget, NULL);
  ADD ("adapter-replug", test_adapter_replug, NULL);
  ADD ("late-gatt", test_late_gatt, NULL);
  ADD ("two-sensors", test_two_sensors, NULL);
  ADD ("resume", test_resume, NULL);
#undef ADD
  add_fault_tests ();
  add_lifetime_tests ();
}

int
main (int argc, char **argv)
{
  g_autoptr(GTestDBus) dbus = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  dbus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (dbus);
  /* The private bus plays the system bus for LactdBluez and the fake. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (dbus),
            TRUE);
  add_tests ();
  g_test_add_func ("/bluez/clean-name", test_clean_name);
  ret = g_test_run ();
  g_test_dbus_down (dbus);
  return ret;
}
