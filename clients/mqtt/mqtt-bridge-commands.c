/* mqtt-bridge-commands.c — `<base>/cmd/<name>`: validate, call lactd,
 * answer on `<base>/cmd/result`.
 *
 * Every message on a command topic gets exactly one result. A payload is
 * validated completely (mqtt-command.c) before any D-Bus call; retained
 * messages are refused, since the broker would hand them to every new
 * subscription again (a snooze on each reconnection).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include "mqtt-bridge-private.h"
#include "mqtt-command.h"
#include "mqtt-json.h"

#define SYNC_TIMEOUT_MS (10 * 60 * 1000)
#define EARLY_COMMANDS_MAX 100

typedef struct {
  char *name;
  GBytes *payload;
  gboolean retained;
} EarlyCommand;

typedef struct {
  LactdMqttBridge *bridge;
  LactdMqttCommandKind kind;
  guint32 minutes;
  guint pending;          /* sync: calls not answered yet */
  guint synced;
  GError *error;          /* sync: the first failure */
} CommandCall;

static void
publish_result (LactdMqttBridge *self, const char *command, gboolean ok,
                const char *error_name, const char *message)
{
  g_autofree char *payload = lactd_mqtt_result_json (command, ok, error_name, message);
  g_autoptr(GError) error = NULL;

  if (ok)
    g_message ("Command %s: %s", command, message);
  else
    g_message ("Command %s failed: %s: %s", command, error_name, message);
  if (!lactd_mqtt_link_publish_text (self->link, self->topic_result, payload, 1,
                                     FALSE, NULL, &error))
    g_warning ("The result of %s is lost: %s", command, error->message);
}

/* A D-Bus failure as `error` (its D-Bus name) and `message`. */
static void
publish_failure (LactdMqttBridge *self, LactdMqttCommandKind kind, GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error (error);

  if (name == NULL)
    name = g_strdup (LACTD_MQTT_ERROR_NAME_UNAVAILABLE);
  g_dbus_error_strip_remote_error (error);
  publish_result (self, lactd_mqtt_command_name (kind), FALSE, name, error->message);
}

static void
command_call_free (CommandCall *call)
{
  g_clear_error (&call->error);
  g_free (call);
}

static void
on_goals_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CommandCall *call = user_data;
  LactdMqttBridge *self = call->bridge;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean ok;

  if (call->kind == LACTD_MQTT_CMD_SNOOZE)
    ok = lactd_goals1_call_snooze_finish (LACTD_GOALS1 (source), result, &error);
  else
    ok = lactd_goals1_call_dismiss_finish (LACTD_GOALS1 (source), result, &error);
  if (!ok)
    publish_failure (self, call->kind, error);
  else if (call->kind == LACTD_MQTT_CMD_SNOOZE)
    {
      message = g_strdup_printf ("Snoozed for %u minutes", call->minutes);
      publish_result (self, "snooze", TRUE, NULL, message);
    }
  else
    {
      lactd_mqtt_bridge_clear_reminder (self);
      publish_result (self, "dismiss", TRUE, NULL, "Dismissed");
    }
  command_call_free (call);
}

static void
on_add_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CommandCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint64 id;

  if (!lactd_history1_call_add_session_finish (LACTD_HISTORY1 (source), &id,
                                               result, &error))
    publish_failure (call->bridge, call->kind, error);
  else
    {
      message = g_strdup_printf ("Added session %" G_GUINT64_FORMAT, id);
      publish_result (call->bridge, "add", TRUE, NULL, message);
    }
  command_call_free (call);
}

static void
on_sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CommandCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (lactd_sensor1_call_sync_finish (LACTD_SENSOR1 (source), result, &error))
    call->synced++;
  else if (call->error == NULL)
    call->error = g_steal_pointer (&error);
  if (--call->pending > 0)
    return;
  if (call->error != NULL)
    publish_failure (call->bridge, call->kind, call->error);
  else
    {
      message = g_strdup_printf ("Synced %u sensor%s", call->synced,
                                 call->synced == 1 ? "" : "s");
      publish_result (call->bridge, "sync", TRUE, NULL, message);
    }
  command_call_free (call);
}

static void
start_sync (LactdMqttBridge *self, CommandCall *call)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sensors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (!lactd_sensor1_get_connected (value))
        continue;
      call->pending++;
      g_dbus_proxy_call (G_DBUS_PROXY (value), "Sync", NULL, G_DBUS_CALL_FLAGS_NONE,
                         SYNC_TIMEOUT_MS, self->cancellable, on_sync_done, call);
    }
  if (call->pending == 0)
    {
      publish_result (self, "sync", FALSE, "org.lactd.Error.NotConnected",
                      "No sensor is connected");
      command_call_free (call);
    }
}

static void
dispatch (LactdMqttBridge *self, LactdMqttCommand *command)
{
  CommandCall *call = g_new0 (CommandCall, 1);

  call->bridge = self;
  call->kind = command->kind;
  call->minutes = command->minutes;
  switch (command->kind)
    {
    case LACTD_MQTT_CMD_SNOOZE:
      lactd_goals1_call_snooze (self->goals, command->minutes, self->cancellable,
                                on_goals_done, call);
      break;
    case LACTD_MQTT_CMD_DISMISS:
      lactd_goals1_call_dismiss (self->goals, self->cancellable, on_goals_done, call);
      break;
    case LACTD_MQTT_CMD_SYNC:
      start_sync (self, call);
      break;
    case LACTD_MQTT_CMD_ADD:
      lactd_history1_call_add_session (self->history, command->session,
                                       self->cancellable, on_add_done, call);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
lactd_mqtt_bridge_command (LactdMqttBridge *self, const char *name,
                           const void *payload, gsize length, gboolean retained)
{
  g_auto(LactdMqttCommand) command = { 0 };
  g_autoptr(GError) error = NULL;
  LactdMqttCommandKind kind;

  if (!lactd_mqtt_command_lookup (name, &kind))
    return;
  if (!self->lactd_known && self->early_commands.length < EARLY_COMMANDS_MAX)
    {
      EarlyCommand *early = g_new0 (EarlyCommand, 1);

      early->name = g_strdup (name);
      early->payload = g_bytes_new (payload, length);
      early->retained = retained;
      g_queue_push_tail (&self->early_commands, early);
      return;
    }
  if (retained)
    {
      publish_result (self, name, FALSE, LACTD_MQTT_ERROR_NAME_INVALID,
                      "A retained command is ignored: publish commands without "
                      "the retain flag");
      return;
    }
  if (!lactd_mqtt_command_parse (kind, payload, length, lactd_mqtt_bridge_now (),
                                 &command, &error))
    {
      publish_result (self, name, FALSE, LACTD_MQTT_ERROR_NAME_INVALID, error->message);
      return;
    }
  if (self->goals == NULL)
    {
      publish_result (self, name, FALSE, LACTD_MQTT_ERROR_NAME_UNAVAILABLE,
                      "lactd is not running");
      return;
    }
  dispatch (self, &command);
}

static void
early_command_free (EarlyCommand *early)
{
  g_free (early->name);
  g_bytes_unref (early->payload);
  g_free (early);
}

void
lactd_mqtt_bridge_run_early_commands (LactdMqttBridge *self)
{
  EarlyCommand *early;

  while ((early = g_queue_pop_head (&self->early_commands)) != NULL)
    {
      gsize length;
      const void *data = g_bytes_get_data (early->payload, &length);

      lactd_mqtt_bridge_command (self, early->name, data, length, early->retained);
      early_command_free (early);
    }
}

void
lactd_mqtt_bridge_drop_early_commands (LactdMqttBridge *self)
{
  g_queue_clear_full (&self->early_commands, (GDestroyNotify) early_command_free);
}
