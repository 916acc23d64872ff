/* mqtt-bridge.c — following lactd and publishing what it says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include <string.h>

#include "mqtt-bridge-private.h"
#include "mqtt-discovery.h"
#include "mqtt-json.h"
#include "mqtt-mark.h"

#define RATE_LIMIT_US   G_USEC_PER_SEC   /* state and live: one a second */
#define STOP_WAIT_MS    3000

gint64
lactd_mqtt_bridge_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
lactd_is_up (LactdMqttBridge *self)
{
  return self->goals != NULL;
}

static void
publish (LactdMqttBridge *self, const char *topic, const char *text, int qos,
         gboolean retain)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_mqtt_link_publish_text (self->link, topic, text, qos, retain, NULL,
                                     &error))
    g_debug ("Not published on %s: %s", topic, error->message);
}

static void
publish_availability (LactdMqttBridge *self)
{
  const char *value = lactd_is_up (self) ? "online" : "offline";

  /* Before the name watcher's first answer we do not know: saying
   * `offline` then would flap in Home Assistant at every start. */
  if (!lactd_mqtt_link_is_connected (self->link) || !self->lactd_known)
    return;
  g_debug ("Availability: %s", value);
  publish (self, self->topic_availability, value, 1, TRUE);
}

/* ------------------------------------------------------------ state */

static gint
compare_sensor_addresses (gconstpointer a, gconstpointer b)
{
  const LactdMqttSensorState *x = a, *y = b;

  return g_strcmp0 (x->address, y->address);
}

/* The sensors' entries, sorted by address, and the first live
 * dictionary that is not empty (a new reference) in *LIVE. */
static GArray *
collect_sensors (LactdMqttBridge *self, GVariant **live)
{
  GArray *sensors = g_array_new (FALSE, TRUE, sizeof (LactdMqttSensorState));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sensors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LactdSensor1 *proxy = value;
      GVariant *sensor_live = lactd_sensor1_get_live (proxy);
      LactdMqttSensorState entry = {
        .address = lactd_sensor1_get_address (proxy),
        .name = lactd_sensor1_get_name (proxy),
        .kind = lactd_sensor1_get_kind (proxy),
        .connected = lactd_sensor1_get_connected (proxy),
        .battery = lactd_sensor1_get_battery (proxy),
        .last_sync = lactd_sensor1_get_last_sync (proxy),
        .lost_records = lactd_sensor1_get_lost_records (proxy),
      };

      if (entry.address == NULL)
        continue;
      if (entry.name == NULL)
        entry.name = "";
      if (entry.kind == NULL)
        entry.kind = "";
      if (*live == NULL && sensor_live != NULL && g_variant_n_children (sensor_live) > 0)
        *live = g_variant_ref (sensor_live);
      g_array_append_val (sensors, entry);
    }
  g_array_sort (sensors, compare_sensor_addresses);
  return sensors;
}

static void
publish_state (LactdMqttBridge *self)
{
  g_autoptr(GVariant) progress = NULL;
  g_autoptr(GVariant) trend = NULL;
  g_autoptr(GVariant) live = NULL;
  g_autoptr(GArray) sensors = NULL;
  g_autofree char *payload = NULL;
  LactdMqttState state = { 0 };

  g_clear_handle_id (&self->state_timer, g_source_remove);
  if (!lactd_is_up (self) || !lactd_mqtt_link_is_connected (self->link))
    return;
  progress = lactd_goals1_dup_progress (self->goals);
  trend = lactd_goals1_dup_trend (self->goals);
  sensors = collect_sensors (self, &live);
  state.progress = progress;
  state.next_due = lactd_goals1_get_next_due (self->goals);
  state.reminder_kind = self->reminder_kind;
  state.reminder_due = self->reminder_due;
  state.trend = trend;
  state.bluetooth = lactd_manager1_get_bluetooth_state (self->manager);
  state.sensors = sensors->len > 0 ?
                  &g_array_index (sensors, LactdMqttSensorState, 0) : NULL;
  state.n_sensors = sensors->len;
  state.live = live;
  state.now = lactd_mqtt_bridge_now ();
  payload = lactd_mqtt_state_json (&state);
  self->state_sent_at = g_get_monotonic_time ();
  publish (self, self->topic_state, payload, 1, TRUE);
}

static gboolean
state_timer_cb (gpointer user_data)
{
  LactdMqttBridge *self = user_data;

  self->state_timer = 0;
  publish_state (self);
  return G_SOURCE_REMOVE;
}

/* Coalesces changes: the state goes out once the current burst of
 * signals is handled, and at most once a second. */
void
lactd_mqtt_bridge_state_changed (LactdMqttBridge *self)
{
  gint64 wait_us;

  if (self->state_timer != 0 || !lactd_mqtt_link_is_connected (self->link))
    return;
  wait_us = self->state_sent_at + RATE_LIMIT_US - g_get_monotonic_time ();
  self->state_timer = g_timeout_add ((guint) (MAX (wait_us, 0) / 1000),
                                     state_timer_cb, self);
}

void
lactd_mqtt_bridge_clear_reminder (LactdMqttBridge *self)
{
  if (self->reminder_kind == NULL)
    return;
  g_debug ("Reminder %s no longer pending", self->reminder_kind);
  g_clear_pointer (&self->reminder_kind, g_free);
  g_clear_pointer (&self->reminder_unsent, g_free);
  self->reminder_due = 0;
  lactd_mqtt_bridge_state_changed (self);
}

/* ------------------------------------------------------------- live */

static void
publish_live (LactdMqttBridge *self)
{
  g_autofree char *payload = NULL;

  g_clear_handle_id (&self->live_timer, g_source_remove);
  if (self->live_latest == NULL)
    return;
  payload = lactd_mqtt_live_json (self->live_latest);
  g_clear_pointer (&self->live_latest, g_variant_unref);
  self->live_sent_at = g_get_monotonic_time ();
  if (lactd_mqtt_link_is_connected (self->link))
    publish (self, self->topic_live, payload, 0, FALSE);
}

static gboolean
live_timer_cb (gpointer user_data)
{
  LactdMqttBridge *self = user_data;

  self->live_timer = 0;
  publish_live (self);
  return G_SOURCE_REMOVE;
}

static void
on_progress (LactdManager1 *manager, const char *sensor, GVariant *live,
             gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  gint64 wait_us;

  g_clear_pointer (&self->live_latest, g_variant_unref);
  self->live_latest = g_variant_ref (live);
  if (self->live_timer != 0)
    return;
  wait_us = self->live_sent_at + RATE_LIMIT_US - g_get_monotonic_time ();
  if (wait_us <= 0)
    publish_live (self);
  else
    self->live_timer = g_timeout_add ((guint) (wait_us / 1000) + 1, live_timer_cb, self);
}

/* -------------------------------------------------------- discovery */

static void
fill_discovery (LactdMqttBridge *self, LactdMqttDiscovery *discovery)
{
  discovery->prefix = self->config->discovery_prefix;
  discovery->id = self->config->id;
  discovery->base_topic = self->config->base_topic;
  discovery->version = VERSION;
}

static void
publish_configs (LactdMqttBridge *self, GPtrArray *configs)
{
  for (guint i = 0; i < configs->len; i++)
    {
      LactdMqttRetained *retained = g_ptr_array_index (configs, i);
      publish (self, retained->topic, retained->payload, 1, TRUE);
    }
}

static void
publish_sensor_discovery (LactdMqttBridge *self, const char *address,
                          const char *name)
{
  LactdMqttDiscovery discovery;
  g_autoptr(GPtrArray) configs = NULL;

  if (self->topic_ha_status == NULL || !lactd_mqtt_link_is_connected (self->link))
    return;
  fill_discovery (self, &discovery);
  configs = lactd_mqtt_discovery_sensor (&discovery, address, name);
  publish_configs (self, configs);
  if (name != NULL)
    g_hash_table_insert (self->discovered, g_strdup (address), g_strdup (name));
  else
    g_hash_table_remove (self->discovered, address);
}

static void
publish_discovery (LactdMqttBridge *self)
{
  LactdMqttDiscovery discovery;
  g_autoptr(GPtrArray) configs = NULL;
  GHashTableIter iter;
  gpointer value;

  if (self->topic_ha_status == NULL || !lactd_mqtt_link_is_connected (self->link))
    return;
  fill_discovery (self, &discovery);
  configs = lactd_mqtt_discovery_device (&discovery);
  publish_configs (self, configs);
  g_hash_table_iter_init (&iter, self->sensors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const char *address = lactd_sensor1_get_address (value);
      const char *name = lactd_sensor1_get_name (value);

      if (address != NULL)
        publish_sensor_discovery (self, address, name != NULL ? name : "");
    }
  g_debug ("Discovery published");
}

/* ------------------------------------------------------------ broker */

static void
on_link_connected (gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  g_autoptr(GError) error = NULL;
  const char *topics[7];
  guint n = 0;
  g_autofree char *snooze = g_strconcat (self->topic_cmd_prefix, "snooze", NULL);
  g_autofree char *dismiss = g_strconcat (self->topic_cmd_prefix, "dismiss", NULL);
  g_autofree char *sync = g_strconcat (self->topic_cmd_prefix, "sync", NULL);
  g_autofree char *add = g_strconcat (self->topic_cmd_prefix, "add", NULL);

  topics[n++] = snooze;
  topics[n++] = dismiss;
  topics[n++] = sync;
  topics[n++] = add;
  if (self->topic_ha_status != NULL)
    topics[n++] = self->topic_ha_status;
  topics[n] = NULL;
  if (!lactd_mqtt_link_subscribe (self->link, topics, 1, &error))
    g_warning ("%s", error->message);
  publish_availability (self);
  publish_discovery (self);
  publish_state (self);
  if (self->reminder_unsent != NULL)
    {
      publish (self, self->topic_reminder, self->reminder_unsent, 1, FALSE);
      g_clear_pointer (&self->reminder_unsent, g_free);
    }
  lactd_mqtt_sessions_flush (self->sessions);
}

static void
on_link_disconnected (gpointer user_data)
{
  LactdMqttBridge *self = user_data;

  g_clear_handle_id (&self->state_timer, g_source_remove);
  g_clear_handle_id (&self->live_timer, g_source_remove);
  g_clear_pointer (&self->live_latest, g_variant_unref);
  g_message ("Sessions waiting for the broker: %u",
             lactd_mqtt_sessions_get_backlog (self->sessions));
}

static void
stop_finish (LactdMqttBridge *self)
{
  GMainLoop *loop = g_steal_pointer (&self->stop_loop);

  g_clear_handle_id (&self->stop_timer, g_source_remove);
  lactd_mqtt_link_disconnect (self->link);
  if (loop != NULL)
    g_main_loop_quit (loop);
}

static gboolean
stop_finish_cb (gpointer user_data)
{
  LactdMqttBridge *self = user_data;

  self->stop_timer = 0;
  stop_finish (self);
  return G_SOURCE_REMOVE;
}

static void
on_link_published (int mid, gpointer user_data)
{
  LactdMqttBridge *self = user_data;

  if (lactd_mqtt_sessions_acked (self->sessions, mid))
    return;
  /* Not from inside libmosquitto's callback: disconnecting there would
   * take a lock it holds. */
  if (self->stop_loop != NULL && mid == self->offline_mid)
    {
      g_clear_handle_id (&self->stop_timer, g_source_remove);
      self->stop_timer = g_idle_add (stop_finish_cb, self);
    }
}

static void
on_link_message (const char *topic, const void *payload, gsize length,
                 gboolean retained, gpointer user_data)
{
  LactdMqttBridge *self = user_data;

  if (g_str_has_prefix (topic, self->topic_cmd_prefix))
    {
      const char *name = topic + strlen (self->topic_cmd_prefix);

      if (strchr (name, '/') == NULL)
        lactd_mqtt_bridge_command (self, name, payload, length, retained);
      return;
    }
  if (self->topic_ha_status != NULL && g_str_equal (topic, self->topic_ha_status) &&
      length == strlen ("online") && memcmp (payload, "online", length) == 0)
    {
      g_message ("Home Assistant is online: discovery published again");
      publish_availability (self);
      publish_discovery (self);
      publish_state (self);
    }
}

/* ------------------------------------------------------------- lactd */

static void
on_reminder_due (LactdGoals1 *goals, const char *kind, gint64 due,
                 const char *message, gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  g_autofree char *payload = lactd_mqtt_reminder_json (kind, due, message);

  g_message ("ReminderDue %s: %s", kind, message);
  if (!g_str_equal (kind, "battery"))
    {
      g_free (self->reminder_kind);
      self->reminder_kind = g_strdup (kind);
      self->reminder_due = due;
      lactd_mqtt_bridge_state_changed (self);
    }
  if (lactd_mqtt_link_is_connected (self->link))
    publish (self, self->topic_reminder, payload, 1, FALSE);
  else if (!g_str_equal (kind, "battery"))
    {
      /* Sent on reconnection if it is still pending then. */
      g_free (self->reminder_unsent);
      self->reminder_unsent = g_steal_pointer (&payload);
    }
}

static void
on_session_added (LactdHistory1 *history, GVariant *session, gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  gboolean unsynced = FALSE;
  gint64 end = 0;
  g_autoptr(GVariant) goal = lactd_goals1_dup_goal (self->goals);
  guint32 gap_minutes = 0;

  lactd_mqtt_sessions_added (self->sessions, session);
  /* A session that ended after the one the reminder counted from ends
   * it (the rule lactd applies; the night's is close to it). */
  g_variant_lookup (session, "clock_unsynced", "b", &unsynced);
  g_variant_lookup (session, "end", "x", &end);
  if (goal != NULL)
    g_variant_lookup (goal, "max_gap_minutes", "u", &gap_minutes);
  if (self->reminder_kind != NULL && !unsynced &&
      end >= self->reminder_due - (gint64) gap_minutes * 60)
    lactd_mqtt_bridge_clear_reminder (self);
  lactd_mqtt_bridge_state_changed (self);
}

static void
on_session_started (LactdManager1 *manager, const char *sensor, guint seq,
                    gpointer user_data)
{
  lactd_mqtt_bridge_clear_reminder (user_data);
}

static void
on_goals_properties_changed (GDBusProxy *proxy, GVariant *changed,
                             GStrv invalidated, gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  gint64 next_due;

  /* NextDue is 0 after a Dismiss, with reminders off and during a live
   * session: nothing is pending then. */
  if (g_variant_lookup (changed, "NextDue", "x", &next_due) && next_due == 0)
    lactd_mqtt_bridge_clear_reminder (self);
  lactd_mqtt_bridge_state_changed (self);
}

static void
on_sensor_properties_changed (GDBusProxy *proxy, GVariant *changed,
                              GStrv invalidated, gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  LactdSensor1 *sensor = LACTD_SENSOR1 (proxy);
  const char *address = lactd_sensor1_get_address (sensor);
  const char *name = lactd_sensor1_get_name (sensor);

  if (address != NULL && name != NULL &&
      g_strcmp0 (g_hash_table_lookup (self->discovered, address), name) != 0)
    publish_sensor_discovery (self, address, name);
  lactd_mqtt_bridge_state_changed (self);
}

static void
on_sensor_added (const char *path, LactdSensor1 *sensor, const GError *error,
                 gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  const char *address, *name;

  if (sensor == NULL)
    {
      g_warning ("Sensor %s: %s", path, error->message);
      return;
    }
  address = lactd_sensor1_get_address (sensor);
  name = lactd_sensor1_get_name (sensor);
  g_debug ("Following sensor %s", path);
  if (address != NULL)
    publish_sensor_discovery (self, address, name != NULL ? name : "");
  lactd_mqtt_bridge_state_changed (self);
}

static void
on_sensor_removed (const char *path, gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  LactdSensor1 *sensor = g_hash_table_lookup (self->sensors, path);
  const char *address = sensor != NULL ? lactd_sensor1_get_address (sensor) : NULL;

  if (address != NULL)
    publish_sensor_discovery (self, address, NULL);
  lactd_mqtt_bridge_state_changed (self);
}

static void
sync_sensors (LactdMqttBridge *self)
{
  lactd_client_sync_sensors (self->manager, self->sensors,
                             G_CALLBACK (on_sensor_properties_changed),
                             on_sensor_added, on_sensor_removed, self);
}

static void
on_manager_properties_changed (GDBusProxy *proxy, GVariant *changed,
                               GStrv invalidated, gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  g_autoptr(GVariant) sensors = g_variant_lookup_value (changed, "Sensors", NULL);

  if (sensors != NULL)
    sync_sensors (self);
  lactd_mqtt_bridge_state_changed (self);
}

static void
drop_lactd (LactdMqttBridge *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_hash_table_iter_init (&iter, self->sensors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_signal_handlers_disconnect_by_data (value, self);
  g_hash_table_remove_all (self->sensors);
  lactd_client_proxies_clear (&self->manager, &self->history, &self->goals, self);
}

static void
connect_lactd_signals (LactdMqttBridge *self)
{
  g_signal_connect (self->history, "session-added", G_CALLBACK (on_session_added), self);
  g_signal_connect (self->goals, "reminder-due", G_CALLBACK (on_reminder_due), self);
  g_signal_connect (self->manager, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (self->manager, "session-started",
                    G_CALLBACK (on_session_started), self);
  g_signal_connect_after (self->manager, "g-properties-changed",
                          G_CALLBACK (on_manager_properties_changed), self);
  g_signal_connect_after (self->goals, "g-properties-changed",
                          G_CALLBACK (on_goals_properties_changed), self);
}

static void
on_name_appeared (GDBusConnection *bus, const char *name, const char *owner,
                  gpointer user_data)
{
  LactdMqttBridge *self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 next_due;

  self->lactd_known = TRUE;
  drop_lactd (self);
  if (!lactd_client_proxies_new (bus, name, &self->manager, &self->history,
                                 &self->goals, &error))
    {
      g_warning ("lactd appeared but cannot be read: %s", error->message);
      return;
    }
  self->cancellable = g_cancellable_new ();
  connect_lactd_signals (self);
  sync_sensors (self);
  g_message ("Following lactd (%s)", owner);
  /* A reminder that fell due before we came: NextDue is in the past. */
  next_due = lactd_goals1_get_next_due (self->goals);
  if (self->reminder_kind == NULL && next_due != 0 &&
      next_due <= lactd_mqtt_bridge_now ())
    {
      self->reminder_kind = g_strdup ("session");
      self->reminder_due = next_due;
    }
  lactd_mqtt_sessions_follow (self->sessions, self->history);
  publish_availability (self);
  publish_state (self);
  lactd_mqtt_bridge_run_early_commands (self);
}

static void
on_name_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  LactdMqttBridge *self = user_data;

  self->lactd_known = TRUE;
  if (lactd_is_up (self))
    g_message ("lactd left the bus: availability offline");
  else
    g_message ("Waiting for lactd on the session bus");
  lactd_mqtt_sessions_follow (self->sessions, NULL);
  drop_lactd (self);
  publish_availability (self);
  lactd_mqtt_bridge_run_early_commands (self);
}

/* ------------------------------------------------------------- setup */

static void
make_topics (LactdMqttBridge *self)
{
  const char *base = self->config->base_topic;

  self->topic_availability = g_strdup_printf ("%s/availability", base);
  self->topic_state = g_strdup_printf ("%s/state", base);
  self->topic_session = g_strdup_printf ("%s/session", base);
  self->topic_reminder = g_strdup_printf ("%s/reminder", base);
  self->topic_live = g_strdup_printf ("%s/live", base);
  self->topic_result = g_strdup_printf ("%s/cmd/result", base);
  self->topic_cmd_prefix = g_strdup_printf ("%s/cmd/", base);
  if (self->config->discovery_prefix[0] != '\0')
    self->topic_ha_status = g_strdup_printf ("%s/status", self->config->discovery_prefix);
}

LactdMqttBridge *
lactd_mqtt_bridge_new (const LactdMqttConfig *config, GDBusConnection *bus,
                       const char *mark_path, GError **error)
{
  g_autoptr(LactdMqttBridge) self = g_new0 (LactdMqttBridge, 1);
  const LactdMqttLinkCallbacks callbacks = {
    .connected = on_link_connected,
    .disconnected = on_link_disconnected,
    .published = on_link_published,
    .message = on_link_message,
  };
  guint64 mark;

  self->config = config;
  self->bus = g_object_ref (bus);
  self->offline_mid = -1;
  g_queue_init (&self->early_commands);
  self->sensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         g_object_unref);
  self->discovered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  make_topics (self);
  if (!lactd_mqtt_mark_load (mark_path, &mark, error))
    return NULL;
  self->link = lactd_mqtt_link_new (config, self->topic_availability, "offline",
                                    &callbacks, self, error);
  if (self->link == NULL)
    return NULL;
  self->sessions = lactd_mqtt_sessions_new (self->link, self->topic_session,
                                            mark_path, mark);
  g_message ("Sessions up to id %" G_GUINT64_FORMAT " were published (%s)",
             mark, mark_path);
  return g_steal_pointer (&self);
}

void
lactd_mqtt_bridge_start (LactdMqttBridge *self)
{
  self->watch_id = g_bus_watch_name_on_connection (self->bus, LACTD_BUS_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_AUTO_START,
                                                   on_name_appeared, on_name_vanished,
                                                   self, NULL);
  lactd_mqtt_link_start (self->link);
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  LactdMqttBridge *self = user_data;

  self->stop_timer = 0;
  g_warning ("The broker did not acknowledge `offline` in time");
  stop_finish (self);
  return G_SOURCE_REMOVE;
}

void
lactd_mqtt_bridge_stop (LactdMqttBridge *self, GMainLoop *loop)
{
  g_autoptr(GError) error = NULL;

  if (self->stop_loop != NULL)
    return;
  self->stop_loop = loop;
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  if (!lactd_mqtt_link_publish_text (self->link, self->topic_availability,
                                     "offline", 1, TRUE, &self->offline_mid, &error))
    {
      stop_finish (self);
      return;
    }
  self->stop_timer = g_timeout_add (STOP_WAIT_MS, stop_timeout_cb, self);
}

void
lactd_mqtt_bridge_free (LactdMqttBridge *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&self->state_timer, g_source_remove);
  g_clear_handle_id (&self->live_timer, g_source_remove);
  g_clear_handle_id (&self->stop_timer, g_source_remove);
  drop_lactd (self);
  lactd_mqtt_bridge_drop_early_commands (self);
  g_clear_pointer (&self->sessions, lactd_mqtt_sessions_free);
  g_clear_pointer (&self->link, lactd_mqtt_link_free);
  g_clear_pointer (&self->sensors, g_hash_table_unref);
  g_clear_pointer (&self->discovered, g_hash_table_unref);
  g_clear_pointer (&self->live_latest, g_variant_unref);
  g_clear_object (&self->bus);
  g_free (self->reminder_kind);
  g_free (self->reminder_unsent);
  g_free (self->topic_availability);
  g_free (self->topic_state);
  g_free (self->topic_session);
  g_free (self->topic_reminder);
  g_free (self->topic_live);
  g_free (self->topic_result);
  g_free (self->topic_cmd_prefix);
  g_free (self->topic_ha_status);
  g_free (self);
}
