/* lactd-client-common.c — the D-Bus plumbing lactctl and lactd-notify
 * share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lactd-client-common.h"

gboolean
lactd_client_proxies_new (GDBusConnection *bus, const char *name,
                          LactdManager1 **manager, LactdHistory1 **history,
                          LactdGoals1 **goals, GError **error)
{
  *manager = lactd_manager1_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                            name, LACTD_OBJECT_PATH, NULL, error);
  /* History1 has no properties worth a round trip at start. */
  if (*manager != NULL && history != NULL)
    *history = lactd_history1_proxy_new_sync (bus,
                                              G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START |
                                              G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                              name, LACTD_OBJECT_PATH, NULL, error);
  if (*manager != NULL && (history == NULL || *history != NULL))
    *goals = lactd_goals1_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                          name, LACTD_OBJECT_PATH, NULL, error);
  if (*goals != NULL)
    return TRUE;
  g_clear_object (manager);
  if (history != NULL)
    g_clear_object (history);
  return FALSE;
}

void
lactd_client_proxies_clear (LactdManager1 **manager, LactdHistory1 **history,
                            LactdGoals1 **goals, gpointer handler_data)
{
  if (*manager != NULL)
    g_signal_handlers_disconnect_by_data (*manager, handler_data);
  if (history != NULL && *history != NULL)
    g_signal_handlers_disconnect_by_data (*history, handler_data);
  if (*goals != NULL)
    g_signal_handlers_disconnect_by_data (*goals, handler_data);
  g_clear_object (manager);
  if (history != NULL)
    g_clear_object (history);
  g_clear_object (goals);
}

void
lactd_client_sync_sensors (LactdManager1 *manager, GHashTable *sensors,
                           GCallback properties_changed,
                           LactdClientSensorAdded added,
                           LactdClientSensorRemoved removed,
                           gpointer user_data)
{
  /* dup: get() may hand out a list cached before this change. */
  g_auto(GStrv) paths = lactd_manager1_dup_sensors (manager);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GDBusConnection *bus = g_dbus_proxy_get_connection (G_DBUS_PROXY (manager));
  GHashTableIter iter;
  gpointer key;

  for (gsize i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      LactdSensor1 *sensor;

      g_hash_table_add (wanted, paths[i]);
      if (g_hash_table_contains (sensors, paths[i]))
        continue;
      sensor = lactd_sensor1_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                             LACTD_BUS_NAME, paths[i], NULL, &error);
      if (sensor != NULL)
        {
          g_signal_connect_after (sensor, "g-properties-changed",
                                  properties_changed, user_data);
          g_hash_table_insert (sensors, g_strdup (paths[i]), sensor);
        }
      added (paths[i], sensor, error, user_data);
    }

  g_hash_table_iter_init (&iter, sensors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (g_hash_table_contains (wanted, key))
        continue;
      removed (key, user_data);
      g_hash_table_iter_remove (&iter);
    }
}

gboolean
lactd_client_quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}
