/* bench-sync.c — sync throughput over the in-process simulated link with
 * a real store: N stored records on the sensor, one sync, records/s.
 * The link costs next to nothing here, so this measures the engine
 * (decode, batching, commits, acknowledgement) and the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdlib.h>

#include "lactd-sim-link.h"
#include "lactd-store.h"
#include "lactd-sync.h"

#define ADDRESS "5E:00:00:5E:00:B0"

typedef struct {
  gboolean done;
  GError *error;
} Run;

static void
run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;

  lactd_sync_run_finish (LACTD_SYNC (source), result, &run->error);
  run->done = TRUE;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static double
sync_once (LactdSync *sync, LactdLink *link, GError **error)
{
  Run run = { 0 };
  gint64 t0;

  while (!lactd_link_get_ready (link))
    g_main_context_iteration (NULL, TRUE);
  /* The first sync starts on its own when the link is ready; this call
   * joins it, so time from here. */
  t0 = g_get_monotonic_time ();
  lactd_sync_run_async (sync, NULL, run_done, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return -1.0;
    }
  return (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
}

int
main (int argc, char **argv)
{
  guint64 n_records = 20000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(LactdStore) store = NULL;
  g_autoptr(LspSimSensor) sensor = NULL;
  g_autoptr(LactdSimLink) link = NULL;
  g_autoptr(LactdSync) sync = NULL;
  double seconds;
  GOptionEntry entries[] = {
    { "records", 'n', 0, G_OPTION_ARG_INT64, &n_records,
      "Records on the sensor (at most 65535)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— sync throughput");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  n_records = CLAMP (n_records, 1, G_MAXUINT16);

  dir = g_dir_make_tmp ("lactd-bench-sync-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "lactd.db", NULL);
  store = lactd_store_open (path, &error);
  g_assert_no_error (error);
  lactd_store_remember_sensor (store, ADDRESS, "Bench", "pump", &error);
  g_assert_no_error (error);

  sensor = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, (guint) n_records);
  lsp_sim_sensor_add_backlog (sensor, (guint) n_records, 365);
  link = lactd_sim_link_new_for_sensor (ADDRESS, sensor);
  sync = lactd_sync_new (LACTD_LINK (link), store);

  seconds = sync_once (sync, LACTD_LINK (link), &error);
  if (seconds < 0)
    {
      g_printerr ("sync failed: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (sensor), ==, 0);
  g_print ("sync of %" G_GUINT64_FORMAT " new records: %.3f s, %.0f records/s\n",
           n_records, seconds, (double) n_records / seconds);

  /* Again after an epoch reset and a reconnection (step 1 included),
   * into a store that already holds N sessions. */
  lsp_sim_sensor_reset_epoch (sensor);
  {
    guint32 epoch = lsp_sim_sensor_get_epoch (sensor);

    lsp_sim_sensor_add_backlog (sensor, (guint) n_records, 365);
    lactd_sim_link_set_connected (link, FALSE);
    lactd_sim_link_set_connected (link, TRUE);
    seconds = sync_once (sync, LACTD_LINK (link), &error);
    g_assert_no_error (error);
    g_print ("sync of %" G_GUINT64_FORMAT " records in a new epoch %u: "
             "%.3f s, %.0f records/s\n", n_records, epoch, seconds,
             (double) n_records / seconds);
  }

  g_clear_object (&sync);
  g_clear_object (&link);
  g_clear_pointer (&store, lactd_store_free);
  remove_dir (dir);
  return EXIT_SUCCESS;
}
