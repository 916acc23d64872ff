/* lactd-daemon.c — composition: the store, the transport, Manager1,
 * History1 and Goals1 wired together in the order the contract asks for
 * (store open and sensors loaded before the bus name is taken). It names
 * no concrete transport and implements no D-Bus interface.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd"

#include "config.h"

#include "lactd-daemon.h"

#include "lactd-clock.h"
#include "lactd-goals.h"
#include "lactd-history.h"
#include "lactd-manager.h"
#include "lactd-store-upkeep.h"
#include "lactd-transports.h"

#define LACTD_BUS_NAME "org.lactd"

struct _LactdDaemon {
  GObject parent_instance;

  char *db_path;
  char *simulate;                     /* the transport's option */
  gboolean replace;

  LactdStore *store;
  LactdStoreUpkeep *store_upkeep;
  GDBusConnection *bus;
  GDBusConnection *system_bus;        /* NULL when there is none */
  guint sleep_subscription;
  guint name_id;

  LactdTransport *transport;
  LactdManager *manager;
  LactdHistory *history;
  LactdClock *clock;
  LactdGoalTracker *tracker;
  LactdGoals *goals;
  guint goals_refresh_id;             /* idle: sessions were stored */
};

G_DEFINE_TYPE (LactdDaemon, lactd_daemon, G_TYPE_OBJECT)

enum { SIGNAL_QUIT, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------ wiring */

static gboolean
refresh_goals_cb (gpointer user_data)
{
  LactdDaemon *self = user_data;

  self->goals_refresh_id = 0;
  lactd_goal_tracker_session_stored (self->tracker);
  return G_SOURCE_REMOVE;
}

static void
on_session_stored (LactdManager *manager, const LactdSession *session,
                   LactdDaemon *self)
{
  lactd_history_announce (self->history, session);
  /* A backlog stores thousands of sessions in a burst: goals are
   * re-evaluated once the burst is over, not once per session. */
  if (self->goals_refresh_id == 0)
    self->goals_refresh_id = g_idle_add_full (G_PRIORITY_LOW, refresh_goals_cb,
                                              self, NULL);
}

static void
on_live_changed (LactdManager *manager, gboolean any, LactdDaemon *self)
{
  lactd_goal_tracker_set_live_active (self->tracker, any);
}

static void
on_battery_changed (LactdManager *manager, const char *address,
                    guint percent, LactdDaemon *self)
{
  lactd_goal_tracker_battery_level (self->tracker, address,
                                    (guint8) percent);
}

/* DailySummary counts night sessions by the goal's window. */
static void
on_goal_changed (GObject *tracker, GParamSpec *pspec, LactdDaemon *self)
{
  LactdNightWindow night =
    lactd_goal_night_window (lactd_goal_tracker_get_goal (self->tracker));

  lactd_history_set_night_window (self->history, &night);
}

static void
on_history_changed (LactdHistory *history, LactdDaemon *self)
{
  lactd_goal_tracker_session_stored (self->tracker);
}

static void
on_prepare_for_sleep (GDBusConnection *connection, const char *sender,
                      const char *path, const char *interface,
                      const char *signal, GVariant *parameters,
                      gpointer user_data)
{
  LactdDaemon *self = user_data;
  gboolean going_to_sleep = FALSE;

  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (going_to_sleep)
    return;
  g_message ("Resumed from suspend: re-evaluating reminders and links");
  /* The BlueZ transport watches the same signal for its reconnections. */
  lactd_goal_tracker_resume (self->tracker);
}

static void
wire (LactdDaemon *self)
{
  g_signal_connect_object (self->manager, "session-stored",
                           G_CALLBACK (on_session_stored), self, 0);
  g_signal_connect_object (self->manager, "live-changed",
                           G_CALLBACK (on_live_changed), self, 0);
  g_signal_connect_object (self->manager, "battery-changed",
                           G_CALLBACK (on_battery_changed), self, 0);
  g_signal_connect_object (self->history, "sessions-changed",
                           G_CALLBACK (on_history_changed), self, 0);
  g_signal_connect_object (self->tracker, "notify::goal",
                           G_CALLBACK (on_goal_changed), self, 0);
  /* Suspend and resume come from logind on the system bus; without one
   * (tests, a container) there is simply nothing to watch. */
  if (self->system_bus != NULL)
    self->sleep_subscription = g_dbus_connection_signal_subscribe (
        self->system_bus, "org.freedesktop.login1",
        "org.freedesktop.login1.Manager", "PrepareForSleep",
        "/org/freedesktop/login1", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
        on_prepare_for_sleep, self, NULL);
}

/* ---------------------------------------------------------- bus name */

static void
on_name_acquired (GDBusConnection *connection, const char *name,
                  gpointer user_data)
{
  LactdDaemon *self = user_data;

  g_message ("Owning %s", name);
  /* Reminders and the integrity check only once a client can hear them. */
  lactd_goal_tracker_start (self->tracker);
  lactd_store_upkeep_start (self->store_upkeep);
}

static void
on_name_lost (GDBusConnection *connection, const char *name,
              gpointer user_data)
{
  LactdDaemon *self = user_data;

  if (connection == NULL)
    return;   /* the connection closed: on_bus_closed() says so */
  g_signal_emit (self, signals[SIGNAL_QUIT], 0,
                 "Lost the bus name org.lactd (another lactd replaced this "
                 "one or already runs; use --replace)", FALSE);
}

/* A failure, unlike a lost name: systemd restarts lactd. */
static void
on_bus_closed (GDBusConnection *connection, gboolean remote_peer_vanished,
               GError *error, LactdDaemon *self)
{
  g_signal_emit (self, signals[SIGNAL_QUIT], 0,
                 connection == self->bus ? "Lost the session bus connection"
                 : "Lost the system bus connection", TRUE);
}

/* GDBus's default for a bus connection is to raise SIGTERM when it
 * closes, which ended lactd with status 0 (no restart by systemd):
 * instead the "closed" signal quits with a failure. */
static void
watch_bus (LactdDaemon *self, GDBusConnection *bus)
{
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  g_signal_connect_object (bus, "closed", G_CALLBACK (on_bus_closed), self,
                           0);
}

static void
own_name (LactdDaemon *self)
{
  GBusNameOwnerFlags flags = G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT;

  if (self->replace)
    flags |= G_BUS_NAME_OWNER_FLAGS_REPLACE;
  self->name_id = g_bus_own_name_on_connection (self->bus, LACTD_BUS_NAME,
                                                flags, on_name_acquired,
                                                on_name_lost, self, NULL);
}

/* Every interface on /org/lactd, then the sensors under it. */
static gboolean
export_objects (LactdDaemon *self, GError **error)
{
  GDBusInterfaceSkeleton *skeletons[] = {
    G_DBUS_INTERFACE_SKELETON (self->manager),
    G_DBUS_INTERFACE_SKELETON (self->history),
    G_DBUS_INTERFACE_SKELETON (self->goals),
  };

  for (gsize i = 0; i < G_N_ELEMENTS (skeletons); i++)
    if (!g_dbus_interface_skeleton_export (skeletons[i], self->bus,
                                           LACTD_OBJECT_PATH, error))
      return FALSE;
  g_dbus_object_manager_server_set_connection (
      lactd_manager_get_object_manager (self->manager), self->bus);
  return TRUE;
}

/* ---------------------------------------------------------- start-up */

/* Start-up runs in the main loop, one asynchronous step after the other
 * (session bus, store, system bus, goals and History1, transport, then
 * Manager1 and the name), every step under the caller's cancellable, so
 * that a SIGTERM ends it at once. */

/* The store's dependants: goals and History1. */
static gboolean
start_goals_and_history (LactdDaemon *self, GError **error)
{
  LactdNightWindow night;

  self->clock = lactd_real_clock_new (error);
  if (self->clock == NULL)
    return FALSE;
  self->tracker = lactd_goal_tracker_new (self->store, self->clock, error);
  if (self->tracker == NULL)
    return FALSE;
  self->goals = lactd_goals_new (self->tracker);
  night = lactd_goal_night_window (lactd_goal_tracker_get_goal (self->tracker));
  self->history = lactd_history_new (self->store, &night);
  return TRUE;
}

/* With the transport: the sensors, the exports, and only then the name. */
static gboolean
start_manager (LactdDaemon *self, GError **error)
{
  self->manager = lactd_manager_new (self->store, self->transport);
  self->store_upkeep = lactd_store_upkeep_new (self->store,
                                               LACTD_MANAGER1 (self->manager));
  if (!lactd_manager_load_sensors (self->manager, error))
    return FALSE;
  wire (self);
  if (!export_objects (self, error))
    return FALSE;
  own_name (self);
  return TRUE;
}

static void
transport_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  LactdDaemon *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->transport = lactd_transport_new_for_options_finish (result, &error);
  /* A transport cut short still answers: the name must not be asked for. */
  if (self->transport != NULL && g_task_return_error_if_cancelled (task))
    return;
  if (self->transport == NULL || !start_manager (self, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Suspend and resume come from logind on the system bus; without one
 * (tests, a container) there is simply nothing to watch. */
static void
system_bus_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  LactdDaemon *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  self->system_bus = g_bus_get_finish (result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->system_bus != NULL)
    watch_bus (self, self->system_bus);
  else
    g_debug ("No system bus: %s", error->message);
  g_clear_error (&error);
  if (!start_goals_and_history (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* BlueZ's state is known within the contract's 2 s. */
  lactd_transport_new_for_options_async (self->simulate, cancellable,
                                         transport_ready,
                                         g_steal_pointer (&task));
}

static void
store_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  LactdDaemon *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  self->store = lactd_store_open_replacing_finish (result, &error);
  if (self->store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_message ("Database %s", self->db_path);
  g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, system_bus_ready,
             g_steal_pointer (&task));
}

/* The session bus first (--replace looks there for the lactd holding
 * the store), the name only once everything is ready. */
static void
session_bus_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  LactdDaemon *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  self->bus = g_bus_get_finish (result, &error);
  if (self->bus == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  watch_bus (self, self->bus);
  lactd_store_open_replacing_async (self->db_path,
                                    self->replace ? self->bus : NULL,
                                    LACTD_BUS_NAME, cancellable, store_ready,
                                    g_steal_pointer (&task));
}

void
lactd_daemon_start_async (LactdDaemon *self, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (LACTD_IS_DAEMON (self));
  g_task_set_source_tag (task, lactd_daemon_start_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, session_bus_ready,
             g_steal_pointer (&task));
}

gboolean
lactd_daemon_start_finish (LactdDaemon *self, GAsyncResult *result,
                           GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lactd_daemon_stop (LactdDaemon *self)
{
  if (self->store_upkeep != NULL)
    lactd_store_upkeep_stop (self->store_upkeep);
  if (self->name_id != 0)
    g_bus_unown_name (self->name_id);
  self->name_id = 0;
  if (self->bus != NULL && !g_dbus_connection_is_closed (self->bus))
    g_dbus_connection_flush_sync (self->bus, NULL, NULL);
}

static void
lactd_daemon_dispose (GObject *object)
{
  LactdDaemon *self = LACTD_DAEMON (object);

  lactd_daemon_stop (self);
  g_clear_handle_id (&self->goals_refresh_id, g_source_remove);
  if (self->sleep_subscription != 0 && self->system_bus != NULL)
    g_dbus_connection_signal_unsubscribe (self->system_bus,
                                          self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->store_upkeep);
  g_clear_object (&self->manager);
  g_clear_object (&self->history);
  g_clear_object (&self->goals);
  g_clear_object (&self->tracker);
  g_clear_object (&self->clock);
  g_clear_object (&self->transport);
  /* Closed (and its lock released) while this lactd is still on the bus:
   * a replacing lactd opens the store as soon as this one has left. */
  g_clear_pointer (&self->store, lactd_store_free);
  g_clear_object (&self->system_bus);
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (lactd_daemon_parent_class)->dispose (object);
}

static void
lactd_daemon_finalize (GObject *object)
{
  LactdDaemon *self = LACTD_DAEMON (object);

  g_free (self->db_path);
  g_free (self->simulate);
  G_OBJECT_CLASS (lactd_daemon_parent_class)->finalize (object);
}

static void
lactd_daemon_class_init (LactdDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lactd_daemon_dispose;
  object_class->finalize = lactd_daemon_finalize;

  signals[SIGNAL_QUIT] =
    g_signal_new ("quit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                  G_TYPE_BOOLEAN);
}

static void
lactd_daemon_init (LactdDaemon *self)
{
}

LactdDaemon *
lactd_daemon_new (const char *db_path, const char *simulate, gboolean replace)
{
  LactdDaemon *self = g_object_new (LACTD_TYPE_DAEMON, NULL);

  self->db_path = g_strdup (db_path);
  self->simulate = g_strdup (simulate);
  self->replace = replace;
  return self;
}
