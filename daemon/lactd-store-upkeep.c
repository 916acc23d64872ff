/* lactd-store-upkeep.c — Manager1.StoreRecovery, the weekly integrity
 * check and opening a store that --replace takes over.
 *
 * The full PRAGMA integrity_check reads every page and index entry: on a
 * 10-year store it takes longer than the whole start-up budget, so it
 * never runs at start-up. Once org.lactd is owned, a low-priority idle
 * looks whether a week has passed since the last one and, if so, runs it
 * in a GTask worker thread on a read-only connection of its own (the
 * store's connection stays the main thread's). A damaged file cannot be
 * swapped under a running daemon: the store is marked for a full check at
 * its next open, which moves it aside and salvages it, and clients are
 * told now through StoreRecovery.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "config.h"

#include "lactd-store-upkeep.h"

#include <errno.h>
#include <signal.h>

struct _LactdStoreUpkeep {
  GObject parent_instance;

  LactdStore *store;          /* not owned; NULL once stopped */
  LactdManager1 *manager;
  char *path;                 /* the store's path, for the worker */
  guint idle_id;
  gint stop;                  /* atomic: the worker gives up when set */
  gboolean checking;
};

G_DEFINE_TYPE (LactdStoreUpkeep, lactd_store_upkeep, G_TYPE_OBJECT)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Worker thread: touches only the path and the stop flag. */
static void
check_in_thread (GTask *task, gpointer source, gpointer task_data,
                 GCancellable *cancellable)
{
  LactdStoreUpkeep *self = source;
  GError *error = NULL;
  char *problem = NULL;

  if (!lactd_store_verify_integrity (self->path, &self->stop, &problem,
                                     &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, problem != NULL ? problem : g_strdup (""),
                           g_free);
}

static void
check_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LactdStoreUpkeep *self = LACTD_STORE_UPKEEP (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = g_task_propagate_pointer (G_TASK (result),
                                                       &error);
  g_autofree char *note = NULL;

  self->checking = FALSE;
  if (self->store == NULL)
    return;   /* stopped meanwhile */
  if (problem == NULL)
    {
      g_message ("%s; trying again at the next start", error->message);
      return;
    }
  if (!lactd_store_record_integrity (self->store, now_seconds (),
                                     *problem != '\0' ? problem : NULL,
                                     &error))
    g_warning ("%s", error->message);
  if (*problem == '\0')
    return;
  note = g_strdup_printf ("The weekly integrity check found the database "
                          "%s damaged (%s); at lactd's next start it will be "
                          "moved aside and its sessions salvaged into a new "
                          "database.", self->path, problem);
  lactd_manager1_set_store_recovery (self->manager, note);
}

static gboolean
check_if_due (gpointer user_data)
{
  LactdStoreUpkeep *self = user_data;
  g_autoptr(GTask) task = NULL;

  self->idle_id = 0;
  if (self->store == NULL ||
      !lactd_store_integrity_check_due (self->store, now_seconds ()))
    return G_SOURCE_REMOVE;
  g_debug ("Store %s: weekly integrity check", self->path);
  self->checking = TRUE;
  task = g_task_new (self, NULL, check_done, NULL);
  g_task_set_source_tag (task, check_if_due);
  g_task_run_in_thread (task, check_in_thread);
  return G_SOURCE_REMOVE;
}

void
lactd_store_upkeep_start (LactdStoreUpkeep *self)
{
  g_return_if_fail (LACTD_IS_STORE_UPKEEP (self));
  if (self->store == NULL || self->idle_id != 0 || self->checking)
    return;
  self->idle_id = g_idle_add_full (G_PRIORITY_LOW, check_if_due, self, NULL);
}

void
lactd_store_upkeep_stop (LactdStoreUpkeep *self)
{
  g_return_if_fail (LACTD_IS_STORE_UPKEEP (self));
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_atomic_int_set (&self->stop, 1);
  self->store = NULL;
}

static void
lactd_store_upkeep_dispose (GObject *object)
{
  LactdStoreUpkeep *self = LACTD_STORE_UPKEEP (object);

  lactd_store_upkeep_stop (self);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (lactd_store_upkeep_parent_class)->dispose (object);
}

static void
lactd_store_upkeep_finalize (GObject *object)
{
  g_free (LACTD_STORE_UPKEEP (object)->path);
  G_OBJECT_CLASS (lactd_store_upkeep_parent_class)->finalize (object);
}

static void
lactd_store_upkeep_class_init (LactdStoreUpkeepClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lactd_store_upkeep_dispose;
  G_OBJECT_CLASS (klass)->finalize = lactd_store_upkeep_finalize;
}

static void
lactd_store_upkeep_init (LactdStoreUpkeep *self)
{
}

LactdStoreUpkeep *
lactd_store_upkeep_new (LactdStore *store, LactdManager1 *manager)
{
  LactdStoreUpkeep *self = g_object_new (LACTD_TYPE_STORE_UPKEEP, NULL);
  const char *note = lactd_store_get_recovery_note (store);

  self->store = store;
  self->manager = g_object_ref (manager);
  self->path = g_strdup (lactd_store_get_path (store));
  lactd_manager1_set_store_recovery (manager, note);
  if (*note != '\0')
    g_message ("%s", note);
  return self;
}

/* ------------------------------------------------ --replace take-over */

/* How long --replace waits for the lactd it replaces to leave. */
#define REPLACE_TIMEOUT_MS 10000

static char *
dup_name_owner (GDBusConnection *bus, const char *name)
{
  g_autoptr(GVariant) reply = NULL;
  char *owner = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner",
                                       g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(s)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(s)", &owner);
  return owner;
}

static void
on_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  gboolean *gone = user_data;
  g_debug ("%s has left the bus", name);
  *gone = TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;
  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context until unique_name has left bus, at most
 * timeout_ms. FALSE on timeout. */
static gboolean
wait_name_vanished (GDBusConnection *bus, const char *unique_name,
                    guint timeout_ms)
{
  gboolean gone = FALSE, timed_out = FALSE;
  guint watch_id, timeout_id;

  watch_id = g_bus_watch_name_on_connection (bus, unique_name,
                                             G_BUS_NAME_WATCHER_FLAGS_NONE,
                                             NULL, on_vanished, &gone, NULL);
  timeout_id = g_timeout_add (timeout_ms, on_timeout, &timed_out);
  while (!gone && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_bus_unwatch_name (watch_id);
  if (!timed_out)
    g_source_remove (timeout_id);
  return gone;
}

/* The pid of a bus peer, as the bus knows it; 0 when it cannot say. */
static guint32
peer_pid (GDBusConnection *bus, const char *unique_name)
{
  g_autoptr(GVariant) reply = NULL;
  guint32 pid = 0;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus",
                                       "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", unique_name),
                                       G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(u)", &pid);
  return pid;
}

LactdStore *
lactd_store_open_replacing (const char *path, GDBusConnection *bus,
                            const char *bus_name, GError **error)
{
  GError *local_error = NULL;
  LactdStore *store = lactd_store_open (path, &local_error);
  g_autofree char *owner = NULL;
  guint32 pid = 0;

  if (store == NULL && bus != NULL &&
      g_error_matches (local_error, LACTD_STORE_ERROR,
                       LACTD_STORE_ERROR_LOCKED) &&
      (owner = dup_name_owner (bus, bus_name)) != NULL)
    pid = peer_pid (bus, owner);
  /* Only the lactd that both owns the name here and holds the store. */
  if (pid == 0 || pid != lactd_store_get_lock_holder (path))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      return store;
    }
  g_message ("%s: replacing it (%s on the bus)", local_error->message, owner);
  g_error_free (local_error);
  if (kill ((pid_t) pid, SIGTERM) != 0)
    g_message ("Cannot stop pid %u: %s", pid, g_strerror (errno));
  else if (!wait_name_vanished (bus, owner, REPLACE_TIMEOUT_MS))
    g_message ("%s did not leave the bus within %u ms", owner,
               REPLACE_TIMEOUT_MS);
  return lactd_store_open (path, error);
}
