/* bench-bluez-objects.c — LactdBluez's own object cache against
 * GDBusObjectManagerClient, on the fake bluetoothd (docs/architecture.md,
 * "BlueZ's objects"). Two figures:
 *
 *   load     N discovered devices: time until every Device1 is known, heap
 *            it takes (mallinfo2, run with G_SLICE=always-malloc), and the
 *            longest the main loop went without running (a 5 ms tick);
 *   restart  bluetoothd comes back (with its adapter already there) and
 *            does not answer its first GetManagedObjects: the longest
 *            main-loop stall in the 30 s after, then a discovery of 10
 *            sensors, and what is known 5 s later: the adapter? the 10
 *            devices?
 *
 * Usage: bench-bluez-objects FAKE_BLUETOOTHD [N...]   (default 10 100 1000)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lactd-bluez-private.h"

#define RESTART_WINDOW_S 30

typedef struct {
  const char *fake_path;
  char *state_file;         /* the fake's adapters and sensors */
  GSubprocess *fake;
  GDBusConnection *bus;
  gint64 last_tick;
  gint64 max_gap;           /* µs */
} Bench;

typedef gboolean (*Cond) (Bench *b, gpointer data);

static gboolean
tick (gpointer data)
{
  Bench *b = data;
  gint64 now = g_get_monotonic_time ();

  b->max_gap = MAX (b->max_gap, now - b->last_tick);
  b->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
stall_reset (Bench *b)
{
  b->last_tick = g_get_monotonic_time ();
  b->max_gap = 0;
}

/* Runs the main loop until cond holds; FALSE after timeout_s. */
static gboolean
run_until (Bench *b, Cond cond, gpointer data, guint timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (cond == NULL || !cond (b, data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static GVariant *
call (Bench *b, const char *path, const char *iface, const char *method,
      GVariant *params)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (b->bus, "org.bluez", path,
                                                 iface, method, params, NULL,
                                                 G_DBUS_CALL_FLAGS_NONE,
                                                 30000, NULL, &error);

  if (reply == NULL)
    g_error ("%s.%s: %s", iface, method, error->message);
  return reply;
}

static gboolean
name_owned (Bench *b, gpointer data)
{
  g_autoptr(GVariant) r = g_dbus_connection_call_sync (
      b->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
      "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", "org.bluez"),
      G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
  gboolean owned = FALSE;

  if (r != NULL)
    g_variant_get (r, "(b)", &owned);
  return owned == GPOINTER_TO_INT (data);
}

/* The fake with what its state file holds (nothing: a fresh one, with
 * one powered adapter). */
static void
fake_start (Bench *b, gboolean fresh, gboolean hang_objects)
{
  g_autoptr(GError) error = NULL;

  if (fresh)
    g_unlink (b->state_file);
  b->fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              b->fake_path, "--state", b->state_file,
                              "--hang-object-manager",
                              hang_objects ? "1" : "0", NULL);
  if (b->fake == NULL)
    g_error ("%s: %s", b->fake_path, error->message);
  if (!run_until (b, name_owned, GINT_TO_POINTER (TRUE), 10))
    g_error ("the fake bluetoothd did not take org.bluez");
  if (fresh)
    g_variant_unref (call (b, "/", "org.lactd.FakeBluez1", "AddAdapter",
                           g_variant_new ("(sb)", "hci0", TRUE)));
}

static void
fake_stop (Bench *b)
{
  g_subprocess_send_signal (b->fake, SIGTERM);
  g_subprocess_wait (b->fake, NULL, NULL);
  g_clear_object (&b->fake);
  run_until (b, name_owned, GINT_TO_POINTER (FALSE), 10);
}

static guint
fake_device_count (Bench *b)
{
  g_autoptr(GVariant) reply = call (b, "/",
                                    "org.freedesktop.DBus.ObjectManager",
                                    "GetManagedObjects", NULL);
  g_autoptr(GVariant) objects = g_variant_get_child_value (reply, 0);
  GVariantIter it;
  GVariant *ifaces;
  guint n = 0;

  g_variant_iter_init (&it, objects);
  while (g_variant_iter_next (&it, "{&o@a{sa{sv}}}", NULL, &ifaces))
    {
      n += g_variant_lookup_value (ifaces, "org.bluez.Device1", NULL) != NULL;
      g_variant_unref (ifaces);
    }
  return n;
}

static gboolean
fake_has_devices (Bench *b, gpointer data)
{
  return fake_device_count (b) >= GPOINTER_TO_UINT (data);
}

static void
fake_add_sensors (Bench *b, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *address = g_strdup_printf ("C0:FF:EE:00:%02X:%02X",
                                                  i / 256, i % 256);
      g_variant_unref (call (b, "/", "org.lactd.FakeBluez1", "AddSensor",
                             g_variant_new ("(sss@a{sv})", address, "Pump",
                                            "pump",
                                            g_variant_new ("a{sv}", NULL))));
    }
}

static void
fake_discover (Bench *b)
{
  g_variant_unref (call (b, "/org/bluez/hci0", "org.bluez.Adapter1",
                         "StartDiscovery", NULL));
}

/* n sensors in range, discovered once: n Device1 objects. */
static void
fake_add_devices (Bench *b, guint n)
{
  fake_add_sensors (b, n);
  fake_discover (b);
  if (!run_until (b, fake_has_devices, GUINT_TO_POINTER (n), 60))
    g_error ("the fake did not discover %u devices", n);
}

/* ------------------------------------------- the two implementations */

typedef struct {
  const char *name;
  gpointer (*start) (Bench *b);
  guint (*devices) (gpointer impl);
  guint (*adapters) (gpointer impl);
} Impl;

static void
got_object (GObject *source, GAsyncResult *res, gpointer data)
{
  GObject **out = data;
  g_autoptr(GError) error = NULL;

  if (source == NULL)
    *out = G_OBJECT (lactd_bluez_new_finish (res, &error));
  else
    *out = G_OBJECT (g_async_initable_new_finish (G_ASYNC_INITABLE (source),
                                                  res, &error));
  if (*out == NULL)
    g_error ("%s", error->message);
}

static gboolean
is_set (Bench *b, gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gpointer
cache_start (Bench *b)
{
  GObject *bluez = NULL;

  lactd_bluez_new_async (NULL, got_object, &bluez);
  run_until (b, is_set, &bluez, 30);
  return bluez;
}

static guint
cache_devices (gpointer impl)
{
  g_autoptr(GPtrArray) devices = lactd_bluez_list_devices (impl);

  return devices->len;
}

static guint
cache_adapters (gpointer impl)
{
  g_autoptr(GPtrArray) adapters = lactd_bluez_list_adapters (impl, FALSE);

  return adapters->len;
}

static gpointer
manager_start (Bench *b)
{
  GObject *manager = NULL;

  g_dbus_object_manager_client_new (
      b->bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
      "org.bluez", "/", NULL, NULL, NULL, NULL, got_object, &manager);
  run_until (b, is_set, &manager, 30);
  return manager;
}

static guint
manager_count (gpointer impl, const char *iface)
{
  GList *objects = g_dbus_object_manager_get_objects (impl);
  guint n = 0;

  for (GList *l = objects; l != NULL; l = l->next)
    {
      GDBusInterface *i = g_dbus_object_get_interface (l->data, iface);

      n += i != NULL;
      g_clear_object (&i);
    }
  g_list_free_full (objects, g_object_unref);
  return n;
}

static guint
manager_devices (gpointer impl)
{
  return manager_count (impl, "org.bluez.Device1");
}

static guint
manager_adapters (gpointer impl)
{
  return manager_count (impl, "org.bluez.Adapter1");
}

static const Impl impls[] = {
  { "LactdBluez cache", cache_start, cache_devices, cache_adapters },
  { "GDBusObjectManagerClient", manager_start, manager_devices,
    manager_adapters },
};

/* -------------------------------------------------------------- runs */

typedef struct {
  const Impl *impl;
  gpointer object;
  guint n;
} Loaded;

static gboolean
all_loaded (Bench *b, gpointer data)
{
  Loaded *l = data;

  return l->impl->devices (l->object) >= l->n;
}

static void
drain (Bench *b)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
bench_load (Bench *b, const Impl *impl, guint n)
{
  Loaded l = { impl, NULL, n };
  size_t heap_before, heap_after;
  gint64 t0;

  drain (b);
  malloc_trim (0);
  heap_before = mallinfo2 ().uordblks;
  t0 = g_get_monotonic_time ();
  stall_reset (b);
  l.object = impl->start (b);
  if (!run_until (b, all_loaded, &l, 60))
    g_error ("%s: %u of %u devices", impl->name, impl->devices (l.object), n);
  heap_after = mallinfo2 ().uordblks;
  g_print ("load     %-26s %5u devices  %8.1f ms  %8.1f KiB heap  "
           "longest stall %6.1f ms\n", impl->name, n,
           (g_get_monotonic_time () - t0) / 1000.0,
           ((double) heap_after - (double) heap_before) / 1024.0,
           b->max_gap / 1000.0);
  g_object_unref (l.object);
  drain (b);
}

#define RESTART_SENSORS 10

static void
bench_restart (Bench *b, const Impl *impl)
{
  gpointer object;

  fake_start (b, TRUE, FALSE);
  fake_add_sensors (b, RESTART_SENSORS);
  object = impl->start (b);
  fake_stop (b);
  drain (b);
  stall_reset (b);
  fake_start (b, FALSE, TRUE);
  run_until (b, NULL, NULL, RESTART_WINDOW_S);
  fake_discover (b);
  run_until (b, fake_has_devices, GUINT_TO_POINTER (RESTART_SENSORS), 10);
  run_until (b, NULL, NULL, 5);
  g_print ("restart  %-26s GetManagedObjects unanswered: longest stall "
           "%6.1f ms; then known: %u adapter(s) of 1, %u device(s) of %u\n",
           impl->name, b->max_gap / 1000.0, impl->adapters (object),
           impl->devices (object), RESTART_SENSORS);
  g_object_unref (object);
  drain (b);
  fake_stop (b);
}

int
main (int argc, char **argv)
{
  g_autoptr(GTestDBus) dbus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  Bench b = { 0 };
  guint sizes[8] = { 10, 100, 1000 };
  guint n_sizes = 3;

  if (argc < 2)
    {
      g_printerr ("usage: %s FAKE_BLUETOOTHD [N...]\n", argv[0]);
      return 2;
    }
  b.fake_path = argv[1];
  dir = g_dir_make_tmp ("bench-bluez-objects-XXXXXX", &error);
  g_assert_no_error (error);
  b.state_file = g_build_filename (dir, "fake.ini", NULL);
  if (argc > 2)
    for (n_sizes = 0; n_sizes < G_N_ELEMENTS (sizes) && n_sizes + 2 < (guint) argc;
         n_sizes++)
      sizes[n_sizes] = (guint) atoi (argv[n_sizes + 2]);

  dbus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (dbus);
  /* The private bus plays the system bus for LactdBluez and the fake. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (dbus),
            TRUE);
  b.bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  g_timeout_add (5, tick, &b);

  for (guint s = 0; s < n_sizes; s++)
    {
      fake_start (&b, TRUE, FALSE);
      fake_add_devices (&b, sizes[s]);
      for (guint i = 0; i < G_N_ELEMENTS (impls); i++)
        bench_load (&b, &impls[i], sizes[s]);
      fake_stop (&b);
    }
  for (guint i = 0; i < G_N_ELEMENTS (impls); i++)
    bench_restart (&b, &impls[i]);
  g_clear_object (&b.bus);
  g_test_dbus_down (dbus);
  g_unlink (b.state_file);
  g_rmdir (dir);
  g_free (b.state_file);
  return 0;
}
