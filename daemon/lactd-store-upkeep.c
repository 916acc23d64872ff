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

/* One take-over, from the first refused open to the second open. */
typedef struct {
  char *path;
  GDBusConnection *bus;
  char *bus_name;
  GError *locked;             /* the first open's answer */
  char *owner;                /* unique name owning bus_name */
  guint watch_id;
  guint timeout_id;
  GSource *cancelled;         /* the task's cancellable, as a source */
} Replace;

static void
replace_free (Replace *replace)
{
  g_clear_handle_id (&replace->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&replace->timeout_id, g_source_remove);
  if (replace->cancelled != NULL)
    g_source_destroy (replace->cancelled);
  g_clear_pointer (&replace->cancelled, g_source_unref);
  g_clear_error (&replace->locked);
  g_clear_object (&replace->bus);
  g_free (replace->path);
  g_free (replace->bus_name);
  g_free (replace->owner);
  g_free (replace);
}

/* Opens the store again (the old lactd has left, or will not) and ends
 * the task. */
static void
replace_finish (GTask *task)
{
  Replace *replace = g_task_get_task_data (task);
  GError *error = NULL;
  LactdStore *store;

  g_clear_handle_id (&replace->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&replace->timeout_id, g_source_remove);
  if (replace->cancelled != NULL)
    g_source_destroy (replace->cancelled);
  if (g_task_return_error_if_cancelled (task))
    return;
  store = lactd_store_open (replace->path, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, (GDestroyNotify) lactd_store_free);
}

/* Not a lactd this one may replace: the first open's answer stands. */
static void
replace_refused (GTask *task)
{
  Replace *replace = g_task_get_task_data (task);

  g_task_return_error (task, g_steal_pointer (&replace->locked));
}

/* The three ends of the wait (each holds a reference on the task that its
 * destroy notify drops). */
static void
on_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  GTask *task = user_data;

  g_debug ("%s has left the bus", name);
  replace_finish (task);
}

static gboolean
on_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Replace *replace = g_task_get_task_data (task);

  replace->timeout_id = 0;
  g_message ("%s did not leave the bus within %u ms", replace->owner,
             REPLACE_TIMEOUT_MS);
  replace_finish (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;

  replace_finish (task);
  return G_SOURCE_REMOVE;
}

/* Whichever comes first ends the wait; replace_finish() removes the
 * others. */
static void
wait_for_owner_to_leave (GTask *task)
{
  Replace *replace = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  replace->watch_id = g_bus_watch_name_on_connection (
      replace->bus, replace->owner, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
      on_vanished, g_object_ref (task), g_object_unref);
  replace->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                            REPLACE_TIMEOUT_MS, on_timeout,
                                            g_object_ref (task),
                                            g_object_unref);
  if (cancellable != NULL)
    {
      replace->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (replace->cancelled, G_SOURCE_FUNC (on_cancelled),
                             g_object_ref (task), g_object_unref);
      g_source_attach (replace->cancelled, g_task_get_context (task));
    }
}

/* The pid of the name's owner, as the bus knows it: only the lactd that
 * both owns the name here and holds the store is stopped. */
static void
got_owner_pid (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Replace *replace = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  guint32 pid = 0;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                         NULL);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (reply != NULL)
    g_variant_get (reply, "(u)", &pid);
  if (pid == 0 || pid != lactd_store_get_lock_holder (replace->path))
    {
      replace_refused (task);
      return;
    }
  g_message ("%s: replacing it (%s on the bus)", replace->locked->message,
             replace->owner);
  if (kill ((pid_t) pid, SIGTERM) != 0)
    {
      g_message ("Cannot stop pid %u: %s", pid, g_strerror (errno));
      replace_finish (task);
      return;
    }
  wait_for_owner_to_leave (task);
}

static void
got_owner (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Replace *replace = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                         NULL);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (reply == NULL)
    {
      replace_refused (task);
      return;
    }
  g_variant_get (reply, "(s)", &replace->owner);
  g_dbus_connection_call (replace->bus, "org.freedesktop.DBus",
                          "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "GetConnectionUnixProcessID",
                          g_variant_new ("(s)", replace->owner),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          cancellable, got_owner_pid,
                          g_steal_pointer (&task));
}

void
lactd_store_open_replacing_async (const char *path, GDBusConnection *bus,
                                  const char *bus_name,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  LactdStore *store;
  Replace *replace;

  g_task_set_source_tag (task, lactd_store_open_replacing_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  store = lactd_store_open (path, &error);
  if (store != NULL)
    {
      g_task_return_pointer (task, store, (GDestroyNotify) lactd_store_free);
      return;
    }
  if (bus == NULL ||
      !g_error_matches (error, LACTD_STORE_ERROR, LACTD_STORE_ERROR_LOCKED))
    {
      g_task_return_error (task, error);
      return;
    }
  replace = g_new0 (Replace, 1);
  replace->path = g_strdup (path);
  replace->bus = g_object_ref (bus);
  replace->bus_name = g_strdup (bus_name);
  replace->locked = error;
  g_task_set_task_data (task, replace, (GDestroyNotify) replace_free);
  g_dbus_connection_call (bus, "org.freedesktop.DBus",
                          "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "GetNameOwner", g_variant_new ("(s)", bus_name),
                          G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          cancellable, got_owner, g_steal_pointer (&task));
}

LactdStore *
lactd_store_open_replacing_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
