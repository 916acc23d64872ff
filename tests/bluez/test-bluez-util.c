/* test-bluez-util.c — the fixture and helpers of the bluez tests: a fake
 * bluetoothd per test on the private bus, waiting on the main loop for
 * conditions with a deadline, and calls into the fake's control interface.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "test-bluez.h"

/* ------------------------------------------------------------ helpers */


gboolean
wake (gpointer data)
{
  return G_SOURCE_REMOVE;
}

gboolean
wait_for (Cond cond, gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      /* Wake at least every 50 ms to re-check the deadline. */
      {
        GSource *t = g_timeout_source_new (50);
        g_source_set_callback (t, wake, NULL, NULL);
        g_source_attach (t, NULL);
        g_main_context_iteration (NULL, TRUE);
        g_source_destroy (t);
        g_source_unref (t);
      }
    }
  return TRUE;
}

void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      GSource *t = g_timeout_source_new (10);
      g_source_set_callback (t, wake, NULL, NULL);
      g_source_attach (t, NULL);
      g_main_context_iteration (NULL, TRUE);
      g_source_destroy (t);
      g_source_unref (t);
    }
}

GVariant *
control (Fixture *f, const char *method, GVariant *params)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (f->bus, "org.bluez", "/",
                                       "org.lactd.FakeBluez1", method, params,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, &error);
  g_assert_no_error (error);
  return reply;
}

void
control_void (Fixture *f, const char *method, GVariant *params)
{
  g_variant_unref (control (f, method, params));
}

guint32
sensor_u (Fixture *f, const char *address, const char *key)
{
  g_autoptr(GVariant) reply = control (f, "GetSensor",
                                       g_variant_new ("(s)", address));
  g_autoptr(GVariant) dict = g_variant_get_child_value (reply, 0);
  guint32 v = 0;

  g_assert_true (g_variant_lookup (dict, key, "u", &v));
  return v;
}

gboolean
sensor_b (Fixture *f, const char *address, const char *key)
{
  g_autoptr(GVariant) reply = control (f, "GetSensor",
                                       g_variant_new ("(s)", address));
  g_autoptr(GVariant) dict = g_variant_get_child_value (reply, 0);
  gboolean v = FALSE;

  g_assert_true (g_variant_lookup (dict, key, "b", &v));
  return v;
}

gboolean
name_owned (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GVariant) r = g_dbus_connection_call_sync (
      f->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
      "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", "org.bluez"),
      G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
  gboolean owned = FALSE;

  if (r)
    g_variant_get (r, "(b)", &owned);
  return owned;
}

gboolean
name_free (gpointer data)
{
  return !name_owned (data);
}

void
fake_start (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  const char *path = g_getenv ("FAKE_BLUETOOTHD");

  g_assert_nonnull (path);
  f->fake = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, path,
                              "--state", f->state_file, NULL);
  g_assert_no_error (error);
  g_assert_true (wait_for (name_owned, f, 5000));
}

void
fake_stop (Fixture *f)
{
  if (f->fake == NULL)
    return;
  g_subprocess_send_signal (f->fake, SIGTERM);
  g_subprocess_wait (f->fake, NULL, NULL);
  g_clear_object (&f->fake);
  g_assert_true (wait_for (name_free, f, 5000));
}

void
new_done (GObject *source, GAsyncResult *res, gpointer data)
{
  LactdBluez **out = data;
  g_autoptr(GError) error = NULL;

  *out = lactd_bluez_new_finish (res, &error);
  g_assert_no_error (error);
}

gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

gboolean
nonnull (gpointer data)
{
  return *(gpointer *) data != NULL;
}

LactdBluez *
bluez_new (void)
{
  LactdBluez *bluez = NULL;

  lactd_bluez_new_async (NULL, new_done, &bluez);
  g_assert_true (wait_for (nonnull, &bluez, 3000));
  return bluez;
}

gboolean
state_is (gpointer data)
{
  StateWait *w = data;

  return g_str_equal (lactd_bluez_get_state (w->bluez), w->state);
}

void
assert_state (Fixture *f, const char *state)
{
  StateWait w = { f->bluez, state };

  if (!wait_for (state_is, &w, 3000))
    g_error ("state is %s, expected %s", lactd_bluez_get_state (f->bluez),
             state);
}

void
add_sensor (Fixture *f, const char *address, const char *kind,
            const char *passkey_mode, guint backlog)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "backlog", "u", backlog);
  g_variant_dict_insert (&d, "passkey_mode", "s", passkey_mode);
  g_variant_dict_insert (&d, "passkey", "u", 123456);
  control_void (f, "AddSensor",
                g_variant_new ("(sss@a{sv})", address,
                               g_str_equal (kind, "sns") ? "SNS Flow" : "Pump",
                               kind, g_variant_dict_end (&d)));
}

void
pair_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Async *a = data;

  a->ok = lactd_bluez_pair_finish (LACTD_BLUEZ (source), res, &a->error);
  a->done = TRUE;
}

void
discover_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Async *a = data;

  a->result = lactd_bluez_discover_finish (LACTD_BLUEZ (source), res,
                                           &a->error);
  a->done = TRUE;
}

void
bool_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Async *a = data;

  if (LACTD_IS_BLUEZ (source))
    a->ok = lactd_bluez_forget_finish (LACTD_BLUEZ (source), res, &a->error);
  else if (g_str_equal (a->what, "read"))
    a->result = lactd_link_read_finish (LACTD_LINK (source), res, &a->error);
  else if (g_str_equal (a->what, "write"))
    a->ok = lactd_link_write_finish (LACTD_LINK (source), res, &a->error);
  else
    a->ok = lactd_link_start_notify_finish (LACTD_LINK (source), res,
                                            &a->error);
  a->done = TRUE;
}

gboolean
async_done (gpointer data)
{
  return ((Async *) data)->done;
}

void
pair (Fixture *f, const char *address, GError **error)
{
  Async a = { 0 };

  lactd_bluez_pair_async (f->bluez, address, NULL, pair_done, &a);
  g_assert_true (wait_for (async_done, &a, 20000));
  if (a.error)
    g_propagate_error (error, a.error);
}

gboolean
link_ready (gpointer data)
{
  return lactd_link_get_ready (data);
}

void
on_value (LactdLink *link, LactdChar ch, GBytes *value, gpointer data)
{
  Fixture *f = data;

  if (ch == LACTD_CHAR_RACP)
    g_ptr_array_add (f->values, g_bytes_ref (value));
  else if (ch == LACTD_CHAR_SESSION_RECORD)
    g_ptr_array_add (f->records, g_bytes_ref (value));
}

gboolean
link_call (LactdLink *link, LactdChar ch, const char *what, GBytes *value,
           GBytes **out, GError **error)
{
  Async a = { 0 };

  a.what = what;
  if (g_str_equal (what, "read"))
    lactd_link_read_async (link, ch, NULL, bool_done, &a);
  else if (g_str_equal (what, "write"))
    lactd_link_write_async (link, ch, value, NULL, bool_done, &a);
  else
    lactd_link_start_notify_async (link, ch, NULL, bool_done, &a);
  g_assert_true (wait_for (async_done, &a, 10000));
  if (out)
    *out = a.result;
  if (a.error)
    {
      g_propagate_error (error, a.error);
      return FALSE;
    }
  return TRUE;
}

void
racp_write (LactdLink *link, const guint8 *bytes, gsize len)
{
  g_autoptr(GBytes) value = g_bytes_new (bytes, len);
  g_autoptr(GError) error = NULL;

  link_call (link, LACTD_CHAR_RACP, "write", value, NULL, &error);
  g_assert_no_error (error);
}

gboolean
values_at_least (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return f->values->len >= n;
}

void
wait_values (Fixture *f, guint n)
{
  gpointer args[2] = { f, GUINT_TO_POINTER (n) };

  g_assert_true (wait_for (values_at_least, args, 5000));
}

/* A paired, connected, ready link with RACP and records subscribed. */
LactdLink *
ready_link (Fixture *f, const char *address)
{
  LactdLink *link = LACTD_LINK (lactd_bluez_link_new (f->bluez, address));
  g_autoptr(GError) error = NULL;

  g_signal_connect (link, "value-received", G_CALLBACK (on_value), f);
  g_assert_true (wait_for (link_ready, link, 10000));
  link_call (link, LACTD_CHAR_RACP, "notify", NULL, NULL, &error);
  g_assert_no_error (error);
  link_call (link, LACTD_CHAR_SESSION_RECORD, "notify", NULL, NULL, &error);
  g_assert_no_error (error);
  return link;
}

/* ------------------------------------------------------------ fixture */

void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lactd-bluez-XXXXXX", &error);

  g_assert_no_error (error);
  f->state_file = g_build_filename (dir, "fake.ini", NULL);
  f->bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  f->values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  f->records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  f->passkeys = g_ptr_array_new_with_free_func (g_free);
  if (data == NULL)
    {
      fake_start (f);
      control_void (f, "AddAdapter", g_variant_new ("(sb)", "hci0", TRUE));
      f->bluez = bluez_new ();
      assert_state (f, "ready");
    }
}

void
teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_path_get_dirname (f->state_file);

  if (f->bluez)
    {
      g_object_add_weak_pointer (G_OBJECT (f->bluez), (gpointer *) &f->bluez);
      g_object_unref (f->bluez);
      g_assert_true (wait_for (is_null, &f->bluez, 5000));
    }
  fake_stop (f);
  g_unlink (f->state_file);
  g_rmdir (dir);
  g_free (f->state_file);
  g_ptr_array_unref (f->values);
  g_ptr_array_unref (f->records);
  g_ptr_array_unref (f->passkeys);
  g_clear_object (&f->bus);
}

