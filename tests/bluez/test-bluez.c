/* test-bluez.c — LactdBluez and LactdBluezLink against the fake
 * bluetoothd on a private bus that stands in for the system bus.
 *
 * Run: meson test -C BUILD --suite bluez (FAKE_BLUETOOTHD is set by meson).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include <gio/gio.h>

#include "lactd-bluez.h"
#include "lactd-error.h"
#include "lsp.h"

#define PUMP "C0:FF:EE:00:00:01"
#define SNS "C0:FF:EE:00:00:02"
#define DEV_PUMP "/org/bluez/hci0/dev_C0_FF_EE_00_00_01"

typedef struct {
  GSubprocess *fake;
  char *state_file;
  GDBusConnection *bus;
  LactdBluez *bluez;
  GPtrArray *values;        /* GBytes* received on RACP */
  GPtrArray *records;       /* GBytes* received on Session Record */
  GPtrArray *passkeys;
} Fixture;

/* ------------------------------------------------------------ helpers */

typedef gboolean (*Cond) (gpointer data);

static gboolean
wake (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static gboolean
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

static void
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

static GVariant *
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

static void
control_void (Fixture *f, const char *method, GVariant *params)
{
  g_autoptr(GVariant) reply = control (f, method, params);
}

static guint32
sensor_u (Fixture *f, const char *address, const char *key)
{
  g_autoptr(GVariant) reply = control (f, "GetSensor",
                                       g_variant_new ("(s)", address));
  g_autoptr(GVariant) dict = g_variant_get_child_value (reply, 0);
  guint32 v = 0;

  g_assert_true (g_variant_lookup (dict, key, "u", &v));
  return v;
}

static gboolean
sensor_b (Fixture *f, const char *address, const char *key)
{
  g_autoptr(GVariant) reply = control (f, "GetSensor",
                                       g_variant_new ("(s)", address));
  g_autoptr(GVariant) dict = g_variant_get_child_value (reply, 0);
  gboolean v = FALSE;

  g_assert_true (g_variant_lookup (dict, key, "b", &v));
  return v;
}

static gboolean
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

static gboolean
name_free (gpointer data)
{
  return !name_owned (data);
}

static void
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

static void
fake_stop (Fixture *f)
{
  if (f->fake == NULL)
    return;
  g_subprocess_send_signal (f->fake, SIGTERM);
  g_subprocess_wait (f->fake, NULL, NULL);
  g_clear_object (&f->fake);
  g_assert_true (wait_for (name_free, f, 5000));
}

static void
new_done (GObject *source, GAsyncResult *res, gpointer data)
{
  LactdBluez **out = data;
  g_autoptr(GError) error = NULL;

  *out = lactd_bluez_new_finish (res, &error);
  g_assert_no_error (error);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
nonnull (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static LactdBluez *
bluez_new (void)
{
  LactdBluez *bluez = NULL;

  lactd_bluez_new_async (NULL, new_done, &bluez);
  g_assert_true (wait_for (nonnull, &bluez, 3000));
  return bluez;
}

typedef struct {
  LactdBluez *bluez;
  const char *state;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;

  return g_str_equal (lactd_bluez_get_state (w->bluez), w->state);
}

static void
assert_state (Fixture *f, const char *state)
{
  StateWait w = { f->bluez, state };

  if (!wait_for (state_is, &w, 3000))
    g_error ("state is %s, expected %s", lactd_bluez_get_state (f->bluez),
             state);
}

static void
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

typedef struct {
  const char *what;
  gboolean done;
  gboolean ok;
  GError *error;
  gpointer result;
} Async;

static void
pair_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Async *a = data;

  a->ok = lactd_bluez_pair_finish (LACTD_BLUEZ (source), res, &a->error);
  a->done = TRUE;
}

static void
discover_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Async *a = data;

  a->result = lactd_bluez_discover_finish (LACTD_BLUEZ (source), res,
                                           &a->error);
  a->done = TRUE;
}

static void
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

static gboolean
async_done (gpointer data)
{
  return ((Async *) data)->done;
}

static void
pair (Fixture *f, const char *address, GError **error)
{
  Async a = { 0 };

  lactd_bluez_pair_async (f->bluez, address, NULL, pair_done, &a);
  g_assert_true (wait_for (async_done, &a, 20000));
  if (a.error)
    g_propagate_error (error, a.error);
}

static gboolean
link_ready (gpointer data)
{
  return lactd_link_get_ready (data);
}

static void
on_value (LactdLink *link, LactdChar ch, GBytes *value, gpointer data)
{
  Fixture *f = data;

  if (ch == LACTD_CHAR_RACP)
    g_ptr_array_add (f->values, g_bytes_ref (value));
  else if (ch == LACTD_CHAR_SESSION_RECORD)
    g_ptr_array_add (f->records, g_bytes_ref (value));
}

static gboolean
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

static void
racp_write (LactdLink *link, const guint8 *bytes, gsize len)
{
  g_autoptr(GBytes) value = g_bytes_new (bytes, len);
  g_autoptr(GError) error = NULL;

  link_call (link, LACTD_CHAR_RACP, "write", value, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
values_at_least (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return f->values->len >= n;
}

static void
wait_values (Fixture *f, guint n)
{
  gpointer args[2] = { f, GUINT_TO_POINTER (n) };

  g_assert_true (wait_for (values_at_least, args, 5000));
}

/* A paired, connected, ready link with RACP and records subscribed. */
static LactdLink *
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

static void
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

static void
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
                       "'default')") != NULL;
}

static void
test_registration (Fixture *f, gconstpointer data)
{
  gpointer args[2] = { f, (gpointer) "hci0" };

  g_assert_true (wait_for (registered_on, args, 3000));
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
      LactdBluezFound *s = found->pdata[i];
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
  g_assert_error (a.error, LACTD_ERROR, LACTD_ERROR_NO_ADAPTER);
  g_clear_error (&a.error);
}

static void
on_passkey (LactdBluez *bluez, const char *address, guint passkey,
            gpointer data)
{
  Fixture *f = data;

  g_ptr_array_add (f->passkeys, g_strdup_printf ("%s %06u", address,
                                                 passkey));
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
  g_assert_error (b.error, LACTD_ERROR, LACTD_ERROR_BUSY);
  g_clear_error (&b.error);
  g_assert_true (wait_for (async_done, &a, 15000));
  g_assert_no_error (a.error);
  g_assert_cmpuint (f->passkeys->len, ==, 1);
  g_assert_cmpstr (f->passkeys->pdata[0], ==, PUMP " 123456");
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
  g_assert_error (error, LACTD_ERROR, LACTD_ERROR_PAIRING_FAILED);
  g_assert_nonnull (strstr (error->message, "passkey"));
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
  g_assert_cmpstr (lactd_bluez_link_get_last_error (LACTD_BLUEZ_LINK (link)),
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
  g_assert_cmpstr (lactd_bluez_link_get_last_error (LACTD_BLUEZ_LINK (link)),
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
  lactd_error_quark ();
  add_tests ();
  ret = g_test_run ();
  g_test_dbus_down (dbus);
  return ret;
}
