/* test-bluez-lifetimes.c — BlueZ calls still pending when their receiver
 * goes: a 90 s Pair whose caller leaves (and BlueZ's pairing cancelled
 * with it), a Connect or a GATT call under a
 * link that is dropped, a Forget whose caller leaves. The receiver ends at
 * once (not when bluetoothd answers), is freed, and the late answer that
 * bluetoothd sends afterwards (the fake's AnswerHungCalls) lands nowhere:
 * under ASan, a reply reaching freed memory fails the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-bluez.h"

/* Long enough that only a cancellation ends a call within a test. */
#define LONG_TIMEOUT_MS 60000

static void
hang (Fixture *f, const char *method, guint n)
{
  control_void (f, "HangCalls", g_variant_new ("(ssu)", PUMP, method, n));
}

typedef struct {
  Fixture *f;
  guint n;
} HungWait;

static gboolean
calls_hung (gpointer data)
{
  HungWait *w = data;

  return sensor_u (w->f, PUMP, "hung_calls") >= w->n;
}

static void
wait_hung (Fixture *f, guint n)
{
  HungWait w = { f, n };

  g_assert_true (wait_for (calls_hung, &w, 10000));
}

/* bluetoothd answers the calls it left pending, then everything already
 * received is dispatched: a reply for a receiver that is gone would run
 * now. */
static void
answer_late (Fixture *f, guint expected)
{
  g_autoptr(GVariant) reply = control (f, "AnswerHungCalls",
                                       g_variant_new ("(s)", PUMP));
  guint n;

  g_variant_get (reply, "(u)", &n);
  g_assert_cmpuint (n, ==, expected);
  /* The late replies came before the control call's answer. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
drop_and_wait_freed (gpointer object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  g_assert_true (wait_for (is_null, &weak, 2000));
}

static gboolean
device_paired (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;

  reply = g_dbus_connection_call_sync (
      f->bus, "org.bluez", DEV_PUMP, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", "org.bluez.Device1", "Paired"),
      G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return g_variant_get_boolean (value);
}

/* Manager1's caller leaves during a Pair that bluetoothd never answers
 * (it may take 90 s): the pairing ends at once with CANCELLED, the
 * LactdBluez is freed, and Pair's late answer reaches nothing. */
static void
test_pair_outlived (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Async a = { 0 };

  add_sensor (f, PUMP, "pump", "none", 0);
  hang (f, "Pair", 1);
  lactd_bluez_pair_async (f->bluez, PUMP, cancellable, pair_done, &a);
  wait_hung (f, 1);
  g_assert_false (a.done);
  g_cancellable_cancel (cancellable);
  g_assert_true (wait_for (async_done, &a, 2000));
  g_assert_error (a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&a.error);
  drop_and_wait_freed (g_steal_pointer (&f->bluez));
  answer_late (f, 1);
}

typedef struct {
  Fixture *f;
  const char *key;
  guint n;
} CountWait;

static gboolean
sensor_count_reached (gpointer data)
{
  CountWait *w = data;

  return sensor_u (w->f, PUMP, w->key) >= w->n;
}

/* Manager1's caller leaves while BlueZ is still connecting for a Pair:
 * lactd cancels BlueZ's pairing too (Device1.CancelPairing), so no bond
 * is made behind the user's back and the next Pair does not meet "In
 * Progress". */
static void
test_pair_cancelled_cancels_bluez (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CountWait sent = { f, "pair_calls", 1 };
  CountWait cancelled = { f, "pairs_cancelled", 1 };
  GVariantDict d;
  Async a = { 0 };
  g_autoptr(GError) error = NULL;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "connect_delay_ms", "u", 1500);
  control_void (f, "AddSensor",
                g_variant_new ("(sss@a{sv})", PUMP, "Pump", "pump",
                               g_variant_dict_end (&d)));
  lactd_bluez_pair_async (f->bluez, PUMP, cancellable, pair_done, &a);
  g_assert_true (wait_for (sensor_count_reached, &sent, 10000));
  g_cancellable_cancel (cancellable);
  g_assert_true (wait_for (async_done, &a, 2000));
  g_assert_error (a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&a.error);
  g_assert_true (wait_for (sensor_count_reached, &cancelled, 5000));
  g_assert_false (device_paired (f));

  pair (f, PUMP, &error);
  g_assert_no_error (error);
  g_assert_true (device_paired (f));
  g_assert_cmpuint (sensor_u (f, PUMP, "pair_calls"), ==, 2);
}

/* A paired, ready link to the pump, with calls that never time out. */
static LactdLink *
long_link (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  LactdLink *link;

  add_sensor (f, PUMP, "pump", "none", 0);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  link = ready_link (f, PUMP);
  lactd_bluez_link_set_timeouts (LACTD_BLUEZ_LINK (link), LONG_TIMEOUT_MS,
                                 LONG_TIMEOUT_MS);
  return link;
}

static gboolean
link_not_ready (gpointer data)
{
  return !lactd_link_get_ready (data);
}

static gboolean
connect_attempted (gpointer data)
{
  HungWait *w = data;

  return sensor_u (w->f, PUMP, "connect_attempts") >= w->n;
}

/* The link is dropped while its Connect is pending: it is freed at once
 * (the Connect holds no reference), and the Connect's answer (bluetoothd
 * answers it when someone disconnects the device) reaches nothing. */
static void
test_link_dropped_during_connect (Fixture *f, gconstpointer data)
{
  LactdLink *link = long_link (f);
  HungWait w = { f, sensor_u (f, PUMP, "connect_attempts") + 1 };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  hang (f, "Connect", 1);
  control_void (f, "DropLink", g_variant_new ("(s)", PUMP));
  g_assert_true (wait_for (link_not_ready, link, 3000));
  g_assert_true (wait_for (connect_attempted, &w, 10000));
  drop_and_wait_freed (link);
  /* Another client's Disconnect makes bluetoothd answer the Connect. */
  reply = g_dbus_connection_call_sync (f->bus, "org.bluez", DEV_PUMP,
                                       "org.bluez.Device1", "Disconnect",
                                       NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       5000, NULL, &error);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The sync (the GATT call's caller) and then the link go while a read is
 * pending: the read ends at once with CANCELLED, the link is freed, and
 * the read's late answer reaches nothing. */
static void
test_link_dropped_during_read (Fixture *f, gconstpointer data)
{
  LactdLink *link = long_link (f);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Async a = { "read", 0 };

  hang (f, "ReadValue", 1);
  lactd_link_read_async (link, LACTD_CHAR_FEATURES, cancellable, bool_done,
                         &a);
  wait_hung (f, 1);
  g_cancellable_cancel (cancellable);
  drop_and_wait_freed (link);
  g_assert_true (a.done);
  g_assert_error (a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&a.error);
  answer_late (f, 1);
}

/* Forget's caller leaves while bluetoothd does not answer the
 * Disconnect: Forget ends at once with CANCELLED, the bond is kept (no
 * RemoveDevice), the LactdBluez is freed, the late answer reaches
 * nothing. */
static void
test_forget_outlived (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Async a = { "forget", 0 };

  add_sensor (f, PUMP, "pump", "none", 0);
  pair (f, PUMP, &error);
  g_assert_no_error (error);
  hang (f, "Disconnect", 1);
  lactd_bluez_forget_async (f->bluez, PUMP, cancellable, bool_done, &a);
  wait_hung (f, 1);
  g_assert_false (a.done);
  g_cancellable_cancel (cancellable);
  g_assert_true (wait_for (async_done, &a, 2000));
  g_assert_error (a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&a.error);
  g_assert_true (device_paired (f));
  drop_and_wait_freed (g_steal_pointer (&f->bluez));
  answer_late (f, 1);
}

void
add_lifetime_tests (void)
{
#define ADD(name, fn) \
  g_test_add ("/bluez/lifetimes/" name, Fixture, NULL, setup, fn, teardown)
  ADD ("pair-outlived", test_pair_outlived);
  ADD ("pair-cancelled-cancels-bluez", test_pair_cancelled_cancels_bluez);
  ADD ("link-dropped-during-connect", test_link_dropped_during_connect);
  ADD ("link-dropped-during-read", test_link_dropped_during_read);
  ADD ("forget-outlived", test_forget_outlived);
#undef ADD
}
