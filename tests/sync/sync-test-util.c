/* sync-test-util.c — fixture and waits for the sync engine tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static void
on_session_stored (LactdSync *sync, gpointer session, SyncFixture *fixture)
{
  fixture->n_session_stored++;
}

static void
on_live (LactdSync *sync, gpointer live_ptr, SyncFixture *fixture)
{
  const lsp_live *live = live_ptr;

  fixture->n_live++;
  fixture->last_live_active = live->active;
}

static void
on_malformed (LactdSync *sync, int ch, const char *reason,
              SyncFixture *fixture)
{
  g_assert_nonnull (reason);
  fixture->n_malformed_signals++;
}

static void
on_state (LactdSync *sync, GParamSpec *pspec, SyncFixture *fixture)
{
  if (g_strcmp0 (lactd_sync_get_state (sync), "syncing") == 0)
    fixture->n_syncing++;
}

void
sync_fixture_setup (SyncFixture *fixture, guint capacity)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  memset (fixture, 0, sizeof *fixture);
  fixture->dir = g_dir_make_tmp ("lactd-sync-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "lactd.db", NULL);
  fixture->store = lactd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (lactd_store_remember_sensor (fixture->store, TEST_ADDRESS,
                                              "Test sensor", "unknown",
                                              &error));
  g_assert_no_error (error);
  fixture->sensor = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, capacity);
  lsp_sim_sensor_set_seed (fixture->sensor, g_test_rand_int ());
}

void
sync_fixture_connect (SyncFixture *fixture, guint procedure_ms,
                      guint straggler_ms)
{
  fixture->link = lactd_sim_link_new_for_sensor (TEST_ADDRESS,
                                                 fixture->sensor);
  lactd_sim_link_set_connect_delay (fixture->link, 5);
  fixture->sync = lactd_sync_new (LACTD_LINK (fixture->link), fixture->store);
  lactd_sync_set_timeouts (fixture->sync, procedure_ms, straggler_ms);
  g_signal_connect (fixture->sync, "session-stored",
                    G_CALLBACK (on_session_stored), fixture);
  g_signal_connect (fixture->sync, "live", G_CALLBACK (on_live), fixture);
  g_signal_connect (fixture->sync, "malformed-packet",
                    G_CALLBACK (on_malformed), fixture);
  g_signal_connect (fixture->sync, "notify::state", G_CALLBACK (on_state),
                    fixture);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

void
sync_fixture_teardown (SyncFixture *fixture)
{
  g_clear_object (&fixture->sync);
  g_clear_object (&fixture->link);
  g_clear_object (&fixture->sensor);
  g_clear_pointer (&fixture->store, lactd_store_free);
  /* Let cancelled operations finish on the loop before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  remove_dir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sync_wait_until (SyncFixture *fixture, SyncCondition cond, gpointer data,
                 guint timeout_ms)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add (timeout_ms, deadline_cb, &expired);

  while (!cond (fixture, data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);
  return cond (fixture, data);
}

gboolean
sync_cond_connected (SyncFixture *fixture, gpointer data)
{
  return lactd_sync_get_connected (fixture->sync);
}

gboolean
sync_cond_disconnected (SyncFixture *fixture, gpointer data)
{
  return !lactd_sync_get_connected (fixture->sync);
}

gboolean
sync_cond_state_error (SyncFixture *fixture, gpointer data)
{
  return g_strcmp0 (lactd_sync_get_state (fixture->sync), "error") == 0;
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError *error;
} RunResult;

static void
run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RunResult *run = user_data;

  run->ok = lactd_sync_run_finish (LACTD_SYNC (source), result, &run->error);
  run->done = TRUE;
}

static gboolean
cond_run_done (SyncFixture *fixture, gpointer data)
{
  return ((RunResult *) data)->done;
}

gboolean
sync_run (SyncFixture *fixture, GError **error)
{
  RunResult run = { 0 };

  g_assert_true (sync_wait_until (fixture, sync_cond_connected, NULL, 5000));
  lactd_sync_run_async (fixture->sync, NULL, run_done, &run);
  g_assert_true (sync_wait_until (fixture, cond_run_done, &run, 60000));
  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.ok;
}

guint
sync_count_sessions (SyncFixture *fixture, guint32 epoch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sessions = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = 0;

  sessions = lactd_store_list_sessions (fixture->store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sessions->len; i++)
    {
      LactdSession *session = &g_array_index (sessions, LactdSession, i);

      if (!session->from_sensor || session->epoch != epoch ||
          g_strcmp0 (session->address, TEST_ADDRESS) != 0)
        continue;
      g_assert_cmpuint (session->seq, >, 0);
      g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (session->seq)));
      g_hash_table_add (seen, GUINT_TO_POINTER (session->seq));
      n++;
    }
  return n;
}

guint32
sync_acknowledged_in (SyncFixture *fixture, guint32 epoch)
{
  g_autoptr(GError) error = NULL;
  guint32 seq = G_MAXUINT32;

  g_assert_true (lactd_store_get_acknowledged (fixture->store, TEST_ADDRESS,
                                               epoch, &seq, &error));
  g_assert_no_error (error);
  return seq;
}

guint32
sync_acknowledged (SyncFixture *fixture)
{
  return sync_acknowledged_in (fixture,
                               lsp_sim_sensor_get_epoch (fixture->sensor));
}

guint32
sync_highest_seq (SyncFixture *fixture, guint32 epoch)
{
  g_autoptr(GError) error = NULL;
  guint32 seq = G_MAXUINT32;

  g_assert_true (lactd_store_highest_seq (fixture->store, TEST_ADDRESS, epoch,
                                          &seq, &error));
  g_assert_no_error (error);
  return seq;
}

guint32
sync_count_unhandled (SyncFixture *fixture, guint32 epoch, guint32 first,
                      guint32 last)
{
  g_autoptr(GError) error = NULL;
  guint32 count = G_MAXUINT32;

  g_assert_true (lactd_store_count_unhandled (fixture->store, TEST_ADDRESS,
                                              epoch, first, last, &count,
                                              &error));
  g_assert_no_error (error);
  return count;
}

/* At the instant the sensor accepts a delete, every number it covers must
 * already be committed. */
void
sync_on_delete_requested (LspSimSensor *sensor, guint upto,
                          DeleteWatch *watch)
{
  guint32 unhandled;

  watch->n_deletes++;
  unhandled = sync_count_unhandled (watch->fixture,
                                    lsp_sim_sensor_get_epoch (sensor), 1,
                                    upto);
  if (unhandled != 0)
    {
      g_test_message ("delete <= %u with %u numbers not committed", upto,
                      unhandled);
      watch->n_violations++;
    }
}
