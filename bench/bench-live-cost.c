/* bench-live-cost.c — what one Live Progress packet costs the daemon, in
 * instructions, against a minimal decode-and-emit loop. Run it under
 * callgrind through bench/live-cost.sh, which does the arithmetic; run
 * alone it only prints wall-clock figures (noisy, for a quick look).
 *
 *   bench-live-cost [--n1 N] [--n2 N]
 *
 * Everything happens in one process and one run, on a real
 * GDBusConnection to a private session bus (GTestDBus):
 *
 * daemon   The daemon's own code, from its modules' libraries: a
 *          LactdManager (Manager1, exported on /org/lactd, its object
 *          manager on the bus) holding a LactdSimLink around an empty
 *          simulated pump (lactd_manager_add_link(): its LactdSync and
 *          LactdSensor, exported as /org/lactd/sensor/<ID>), exactly as
 *          lactd-daemon.c wires them. Each packet enters where every
 *          transport hands it over, lactd_link_emit_value() on the
 *          live-progress characteristic, and takes the daemon's path:
 *          LactdSync decodes it, LactdSensor builds the live dictionary,
 *          sets Sensor1.Live (PropertiesChanged, emitted from an idle) and
 *          hands it to the manager, which emits Manager1.Progress. The
 *          main context is run dry after each packet so that idle
 *          emission is part of the packet.
 * minimal  lsp_live_decode(), the same a{sv} built by hand,
 *          g_dbus_connection_emit_signal(Progress): the least any
 *          implementation of the contract's Progress could do.
 * minimal+props  minimal plus the PropertiesChanged(Live) the contract
 *          also requires, emitted the same bare way: shows how much of
 *          the gap is the second message rather than the daemon's code.
 *
 * Each path runs a warm-up (the first packet of a session also emits
 * SessionStarted), then N1 and then N2 packets; after each block the
 * connection is flushed and CALLGRIND_DUMP_STATS_AT(label) writes the
 * block's instructions (all threads, so GDBus's worker writing the
 * messages counts too) and zeroes the counters. Per packet:
 * (Ir(N2) - Ir(N1)) / (N2 - N1), which cancels the per-block costs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#ifdef HAVE_CALLGRIND_H
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#pragma GCC diagnostic ignored "-Wcast-align"
#include <valgrind/callgrind.h>
#pragma GCC diagnostic pop
#else
/* Without valgrind's headers the harness still runs (wall clock only). */
#define CALLGRIND_DUMP_STATS_AT(label) ((void) (label))
#define RUNNING_ON_VALGRIND 0
#endif

#include "lactd-dbus-values.h"
#include "lactd-dbus.h"
#include "lactd-manager.h"
#include "lactd-sim-link.h"
#include "lactd-sim-transport.h"
#include "lactd-store.h"
#include "lsp.h"

#define SIM_ADDRESS LACTD_SIMULATED_ADDRESS
#define OBJECT_PATH "/org/lactd"
#define WARMUP 200u

/* The whole run's state; owned by main(). */
typedef struct {
  guint n1, n2;
  GDBusConnection *bus;
  char *dir;
  LactdStore *store;
  LactdManager *manager;
  LactdSimLink *link;
  guint32 elapsed;           /* keeps every packet (and Live) different */
} Harness;

/* One packet of a running double-pump session, second `elapsed`. */
static GBytes *
encode_packet (guint32 elapsed)
{
  lsp_live live;
  guint8 buf[LSP_LIVE_LEN];

  memset (&live, 0, sizeof live);
  live.side = LSP_SIDE_BOTH;
  live.phase = elapsed < 120 ? LSP_PHASE_STIMULATION : LSP_PHASE_EXPRESSION;
  live.active = TRUE;
  live.seq = 42;
  live.elapsed_s = (guint16) (elapsed % 14400);
  live.volume_left = (lsp_volume) { TRUE, (uint16_t) (elapsed % 10000) };
  live.volume_right = (lsp_volume) { TRUE, (uint16_t) ((elapsed * 3) % 10000) };
  live.has_suction = TRUE;
  live.suction = 7;
  live.has_battery = TRUE;
  live.battery_percent = 80;
  if (lsp_live_encode (&live, buf) != LSP_OK)
    g_error ("lsp_live_encode failed");
  return g_bytes_new (buf, sizeof buf);
}

static GPtrArray *
encode_block (Harness *h, guint n)
{
  GPtrArray *packets = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (packets, encode_packet (++h->elapsed));
  return packets;
}

static void
run_dry (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ------------------------------------------------------ daemon path */

static void
setup_daemon (Harness *h)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LspSimSensor) pump = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, 64);
  g_autofree char *path = g_build_filename (h->dir, "live.db", NULL);
  g_autoptr(LactdSimTransport) transport = NULL;
  gint64 deadline;

  h->store = lactd_store_open (path, &error);
  if (h->store == NULL ||
      !lactd_store_remember_sensor (h->store, SIM_ADDRESS, "bench pump",
                                    "pump", &error))
    g_error ("store: %s", error->message);

  transport = lactd_sim_transport_new ("demo", &error);
  if (transport == NULL)
    g_error ("transport: %s", error->message);
  h->manager = lactd_manager_new (h->store, LACTD_TRANSPORT (transport));
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (h->manager),
                                         h->bus, OBJECT_PATH, &error))
    g_error ("export: %s", error->message);

  h->link = lactd_sim_link_new_for_sensor (SIM_ADDRESS, pump);
  lactd_manager_add_link (h->manager, LACTD_LINK (h->link));
  g_dbus_object_manager_server_set_connection (
      lactd_manager_get_object_manager (h->manager), h->bus);

  /* Connected and synced (nothing stored): the state a live session
   * finds in the daemon. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline &&
         !(lactd_link_get_ready (LACTD_LINK (h->link)) &&
           lactd_link_get_name (LACTD_LINK (h->link)) != NULL))
    g_main_context_iteration (NULL, TRUE);
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  if (!lactd_link_get_ready (LACTD_LINK (h->link)))
    g_error ("the simulated link never became ready");
}

static void
block_daemon (Harness *h, guint n)
{
  g_autoptr(GPtrArray) packets = encode_block (h, n);

  for (guint i = 0; i < packets->len; i++)
    {
      lactd_link_emit_value (LACTD_LINK (h->link), LACTD_CHAR_LIVE_PROGRESS,
                             g_ptr_array_index (packets, i));
      run_dry ();
    }
}

/* ----------------------------------------------------- minimal path */

static GVariant *
minimal_dict (const lsp_live *live)
{
  static const char *const sides[] = { "none", "left", "right", "both" };
  static const char *const phases[] = { "idle", "stimulation", "expression",
                                        "paused" };
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "seq", g_variant_new_uint32 (live->seq));
  g_variant_builder_add (&b, "{sv}", "elapsed",
                         g_variant_new_uint32 (live->elapsed_s));
  g_variant_builder_add (&b, "{sv}", "side",
                         g_variant_new_string (sides[live->side & 3]));
  g_variant_builder_add (&b, "{sv}", "phase",
                         g_variant_new_string (phases[live->phase & 3]));
  g_variant_builder_add (&b, "{sv}", "active",
                         g_variant_new_boolean (live->active));
  if (live->volume_left.measured)
    g_variant_builder_add (&b, "{sv}", "volume_left_ml",
        g_variant_new_double (live->volume_left.tenths / 10.0));
  if (live->volume_right.measured)
    g_variant_builder_add (&b, "{sv}", "volume_right_ml",
        g_variant_new_double (live->volume_right.tenths / 10.0));
  if (live->supplement.measured)
    g_variant_builder_add (&b, "{sv}", "supplement_ml",
        g_variant_new_double (live->supplement.tenths / 10.0));
  if (live->has_suction)
    g_variant_builder_add (&b, "{sv}", "suction",
                           g_variant_new_byte (live->suction));
  if (live->has_battery)
    g_variant_builder_add (&b, "{sv}", "battery",
                           g_variant_new_byte (live->battery_percent));
  return g_variant_builder_end (&b);
}

static void
block_minimal (Harness *h, guint n, gboolean with_props)
{
  g_autoptr(GPtrArray) packets = encode_block (h, n);
  g_autofree char *sensor_path = lactd_sensor_object_path (SIM_ADDRESS);

  for (guint i = 0; i < packets->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (packets, i),
                                             &len);
      lsp_live live;
      g_autoptr(GVariant) dict = NULL;

      if (lsp_live_decode (data, len, &live) != LSP_OK)
        g_error ("lsp_live_decode failed");
      dict = g_variant_ref_sink (minimal_dict (&live));
      g_dbus_connection_emit_signal (h->bus, NULL, OBJECT_PATH,
          "org.lactd.Manager1", "Progress",
          g_variant_new ("(o@a{sv})", sensor_path, dict), NULL);
      if (with_props)
        {
          GVariantBuilder changed;

          g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
          g_variant_builder_add (&changed, "{sv}", "Live", dict);
          g_dbus_connection_emit_signal (h->bus, NULL, sensor_path,
              "org.freedesktop.DBus.Properties", "PropertiesChanged",
              g_variant_new ("(sa{sv}as)", "org.lactd.Sensor1", &changed,
                             NULL), NULL);
        }
    }
}

/* ------------------------------------------------------------- runs */

typedef enum { PATH_DAEMON, PATH_MINIMAL, PATH_MINIMAL_PROPS } Path;

static const char *const path_names[] = { "daemon", "minimal",
                                          "minimal+props" };

/* One block, then its dump. Returns wall-clock µs per packet. */
static double
run_block (Harness *h, Path path, const char *what, guint n)
{
  g_autofree char *label = g_strdup_printf ("%s-%s-%u", path_names[path],
                                            what, n);
  gint64 start = g_get_monotonic_time ();

  if (path == PATH_DAEMON)
    block_daemon (h, n);
  else
    block_minimal (h, n, path == PATH_MINIMAL_PROPS);
  g_dbus_connection_flush_sync (h->bus, NULL, NULL);
  start = g_get_monotonic_time () - start;
  CALLGRIND_DUMP_STATS_AT (label);
  return (double) start / n;
}

static void
parse_args (int argc, char **argv, Harness *h)
{
  h->n1 = 500;
  h->n2 = 1500;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--n1") && i + 1 < argc)
        h->n1 = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--n2") && i + 1 < argc)
        h->n2 = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else
        {
          g_printerr ("usage: bench-live-cost [--n1 N] [--n2 N]\n");
          exit (2);
        }
    }
  if (h->n1 == 0 || h->n2 <= h->n1)
    {
      g_printerr ("bench-live-cost: need 0 < n1 < n2\n");
      exit (2);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  Harness h = { 0 };
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GError) error = NULL;
  double wall[G_N_ELEMENTS (path_names)][2];

  parse_args (argc, argv, &h);
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
  h.dir = g_dir_make_tmp ("lactd-bench-live-XXXXXX", &error);
  if (h.dir == NULL)
    g_error ("%s", error->message);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  h.bus = g_dbus_connection_new_for_address_sync (
      g_test_dbus_get_bus_address (bus),
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
      G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  if (h.bus == NULL)
    g_error ("private bus: %s", error->message);

  setup_daemon (&h);
  CALLGRIND_DUMP_STATS_AT ("setup");

  for (guint p = 0; p < G_N_ELEMENTS (path_names); p++)
    {
      run_block (&h, (Path) p, "warmup", WARMUP);
      wall[p][0] = run_block (&h, (Path) p, "n1", h.n1);
      wall[p][1] = run_block (&h, (Path) p, "n2", h.n2);
    }

  printf ("bench-live-cost: n1 %u, n2 %u packets per path (running under "
          "valgrind: %s)\n", h.n1, h.n2,
          RUNNING_ON_VALGRIND ? "yes" : "no");
  for (guint p = 0; p < G_N_ELEMENTS (path_names); p++)
    printf ("  %-14s wall %.1f / %.1f us per packet (n1 / n2 blocks)\n",
            path_names[p], wall[p][0], wall[p][1]);

  g_dbus_object_manager_server_set_connection (
      lactd_manager_get_object_manager (h.manager), NULL);
  g_clear_object (&h.link);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (h.manager));
  g_clear_object (&h.manager);
  g_clear_pointer (&h.store, lactd_store_free);
  g_dbus_connection_close_sync (h.bus, NULL, NULL);
  g_clear_object (&h.bus);
  g_test_dbus_down (bus);
  remove_tree (h.dir);
  g_free (h.dir);
  return 0;
}
