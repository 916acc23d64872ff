/* test-bluez-faults.c — LactdBluezLink against a bluetoothd that does not
 * answer (a Connect or a GATT call that never replies), a link that drops
 * right after ServicesResolved, and an ATT bearer gone under a link that
 * BlueZ still shows connected. Each must end in a working link again:
 * time out, clean up (disconnect), reconnect with backoff.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lsp.h"
#include "test-bluez.h"

/* Short enough for a test, long enough for the fake's answers. */
#define CALL_TIMEOUT_MS 400
#define CONNECT_TIMEOUT_MS 600

static void
add_pump (Fixture *f, gboolean autoconnect)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "no_autoconnect", "b", !autoconnect);
  control_void (f, "AddSensor", g_variant_new ("(sss@a{sv})", PUMP, "Pump",
                                               "pump",
                                               g_variant_dict_end (&d)));
}

static LactdLink *
paired_link (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  LactdLink *link;

  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  lactd_bluez_link_set_timeouts (LACTD_BLUEZ_LINK (link), CALL_TIMEOUT_MS,
                                 CONNECT_TIMEOUT_MS);
  return link;
}

static void
hang (Fixture *f, const char *method, guint n)
{
  control_void (f, "HangCalls", g_variant_new ("(ssu)", PUMP, method, n));
}

static gboolean
link_not_ready (gpointer data)
{
  return !lactd_link_get_ready (data);
}

/* The features can be read: the link works end to end. */
static void
assert_reads (LactdLink *link)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) value = NULL;
  lsp_features feat;

  link_call (link, LACTD_CHAR_FEATURES, "read", NULL, &value, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lsp_features_decode (g_bytes_get_data (value, NULL),
                                        g_bytes_get_size (value), &feat),
                   ==, LSP_OK);
}

static void
assert_recovers (Fixture *f, LactdLink *link, guint timeout_ms)
{
  g_assert_true (wait_for (link_not_ready, link, 3000));
  g_assert_true (wait_for (link_ready, link, timeout_ms));
  assert_reads (link);
}

/* ReadValue, WriteValue and StartNotify that bluetoothd never answers:
 * each fails with G_IO_ERROR_TIMED_OUT, and the link is taken down and
 * brought up again (the fake's sensor does not auto-connect, so it is the
 * link's own Disconnect and Connect). */
static void
test_gatt_call_hangs (Fixture *f, gconstpointer data)
{
  static const char *const methods[] = { "ReadValue", "WriteValue",
                                         "StartNotify" };
  g_autoptr(LactdLink) link = NULL;
  const guint8 count[] = { 0x04, 0x01 };
  g_autoptr(GBytes) racp = g_bytes_new (count, sizeof count);

  add_pump (f, FALSE);
  link = paired_link (f);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(GError) error = NULL;
      guint attempts = sensor_u (f, PUMP, "connect_attempts");

      hang (f, methods[i], 1);
      if (i == 0)
        link_call (link, LACTD_CHAR_FEATURES, "read", NULL, NULL, &error);
      else if (i == 1)
        link_call (link, LACTD_CHAR_RACP, "write", racp, NULL, &error);
      else
        link_call (link, LACTD_CHAR_BATTERY_LEVEL, "notify", NULL, NULL,
                   &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
      assert_recovers (f, link, 5000);
      g_assert_cmpuint (sensor_u (f, PUMP, "hung_calls"), ==, i + 1);
      g_assert_cmpuint (sensor_u (f, PUMP, "connect_attempts"), >, attempts);
    }
  /* The RACP subscription came back with the new link. */
  racp_write (link, count, sizeof count);
  wait_values (f, 1);
}

/* A Device1.Connect that bluetoothd never answers is given up after the
 * timeout and cancelled with a Disconnect (else bluetoothd refuses every
 * later Connect as "already in progress"); the next try connects. */
static void
test_connect_hangs (Fixture *f, gconstpointer data)
{
  g_autoptr(LactdLink) link = NULL;
  guint attempts;

  add_pump (f, FALSE);
  link = paired_link (f);
  attempts = sensor_u (f, PUMP, "connect_attempts");
  hang (f, "Connect", 1);
  control_void (f, "DropLink", g_variant_new ("(s)", PUMP));
  assert_recovers (f, link, 8000);
  /* The hung one, then one after the backoff. */
  g_assert_cmpuint (sensor_u (f, PUMP, "connect_attempts"), ==, attempts + 2);
}

/* Both faults of a Connect sequence are done, whatever their order. */
static gboolean
faults_done (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  guint attempts = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return sensor_u (f, PUMP, "drop_after_resolved") == 0
         && sensor_u (f, PUMP, "connect_attempts") >= attempts;
}

/* What the VM tier saw: a reconnected link drops right after its services
 * resolved, before the first read, and a Connect never answers. */
static void
test_drop_after_resolved (Fixture *f, gconstpointer data)
{
  g_autoptr(LactdLink) link = NULL;
  g_autoptr(GError) error = NULL;
  gpointer args[2] = { f, NULL };

  add_pump (f, FALSE);
  link = paired_link (f);
  /* Three Connects: one hangs and is cancelled, one drops right after
   * resolving, one stays. */
  args[1] = GUINT_TO_POINTER (sensor_u (f, PUMP, "connect_attempts") + 3);
  control_void (f, "DropAfterResolved", g_variant_new ("(su)", PUMP, 1));
  hang (f, "Connect", 1);
  control_void (f, "DropLink", g_variant_new ("(s)", PUMP));
  g_assert_true (wait_for (link_not_ready, link, 3000));
  g_assert_true (wait_for (faults_done, args, 15000));
  g_assert_true (wait_for (link_ready, link, 3000));
  assert_reads (link);
  link_call (link, LACTD_CHAR_RACP, "notify", NULL, NULL, &error);
  g_assert_no_error (error);
}

/* bluetoothd has no GATT client ("Not connected") while Connected and
 * ServicesResolved stay true: the link is disconnected and started over
 * instead of staying "ready" for ever. */
static void
test_att_broken (Fixture *f, gconstpointer data)
{
  g_autoptr(LactdLink) link = NULL;
  g_autoptr(GError) error = NULL;

  add_pump (f, FALSE);
  link = paired_link (f);
  control_void (f, "BreakAtt", g_variant_new ("(s)", PUMP));
  link_call (link, LACTD_CHAR_FEATURES, "read", NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  assert_recovers (f, link, 5000);
}

/* With bluetoothd's auto-connect on, the same faults end the same way. */
static void
test_faults_autoconnect (Fixture *f, gconstpointer data)
{
  g_autoptr(LactdLink) link = NULL;
  g_autoptr(GError) error = NULL;
  gpointer args[2] = { f, NULL };

  add_pump (f, TRUE);
  link = paired_link (f);
  hang (f, "ReadValue", 1);
  link_call (link, LACTD_CHAR_FEATURES, "read", NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  assert_recovers (f, link, 5000);
  args[1] = GUINT_TO_POINTER (sensor_u (f, PUMP, "connect_attempts") + 3);
  control_void (f, "DropAfterResolved", g_variant_new ("(su)", PUMP, 2));
  control_void (f, "DropLink", g_variant_new ("(s)", PUMP));
  g_assert_true (wait_for (link_not_ready, link, 3000));
  g_assert_true (wait_for (faults_done, args, 15000));
  g_assert_true (wait_for (link_ready, link, 3000));
  assert_reads (link);
}

/* The link comes back without a PropertiesChanged reaching us (as with a
 * new bluetoothd adopting a link the kernel kept): bluetoothd answers the
 * next Connect at once, and the link reads the device again instead of
 * backing off for ever on a stale "not connected". */
static void
test_stale_cache (Fixture *f, gconstpointer data)
{
  g_autoptr(LactdLink) link = NULL;

  add_pump (f, FALSE);
  link = paired_link (f);
  control_void (f, "DropLink", g_variant_new ("(s)", PUMP));
  g_assert_true (wait_for (link_not_ready, link, 3000));
  control_void (f, "LinkUpSilently", g_variant_new ("(s)", PUMP));
  g_assert_true (wait_for (link_ready, link, 5000));
  assert_reads (link);
}

/* The link goes without a PropertiesChanged: the cache still shows it up
 * and ready. The first call answers "Not connected"; the link's
 * Disconnect is answered at once (no link), and the link reads the device
 * again instead of disconnecting a link that is not there for ever. */
static void
test_stale_cache_down (Fixture *f, gconstpointer data)
{
  g_autoptr(LactdLink) link = NULL;
  g_autoptr(GError) error = NULL;

  add_pump (f, FALSE);
  link = paired_link (f);
  control_void (f, "DropLinkSilently", g_variant_new ("(s)", PUMP));
  g_assert_true (lactd_link_get_ready (link));
  link_call (link, LACTD_CHAR_FEATURES, "read", NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  assert_recovers (f, link, 5000);
}

/* A GetManagedObjects that bluetoothd never answers (10 s timeout) is
 * asked again: without it no adapter or sensor would ever be known. */
static void
test_objects_hang (Fixture *f, gconstpointer data)
{
  StateWait w = { NULL, "ready" };
  GLogLevelFlags fatal;

  fake_start (f);
  control_void (f, "AddAdapter", g_variant_new ("(sb)", "hci0", TRUE));
  control_void (f, "HangObjectManager", g_variant_new ("(u)", 1));
  /* The timeout is worth its warning, not a test failure. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  f->bluez = bluez_new ();
  g_assert_cmpstr (lactd_bluez_get_state (f->bluez), !=, "ready");
  w.bluez = f->bluez;
  g_assert_true (wait_for (state_is, &w, 20000));
  g_log_set_always_fatal (fatal);
}

void
add_fault_tests (void)
{
#define ADD(name, fn) \
  g_test_add ("/bluez/faults/" name, Fixture, NULL, setup, fn, teardown)
  ADD ("gatt-call-hangs", test_gatt_call_hangs);
  ADD ("connect-hangs", test_connect_hangs);
  ADD ("drop-after-resolved", test_drop_after_resolved);
  ADD ("att-broken", test_att_broken);
  ADD ("autoconnect", test_faults_autoconnect);
  ADD ("stale-cache", test_stale_cache);
  ADD ("stale-cache-down", test_stale_cache_down);
#undef ADD
  g_test_add ("/bluez/faults/objects-hang", Fixture, "no-fake", setup,
              test_objects_hang, teardown);
}
