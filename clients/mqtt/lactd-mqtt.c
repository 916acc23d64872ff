/* lactd-mqtt — mirrors lactd to an MQTT broker for the household and
 * Home Assistant: a client of org.lactd on the session bus, on
 * libmosquitto driven by the GLib main loop (no thread).
 *
 * Exit status: 0 after SIGTERM/SIGINT, 78 for a configuration that cannot
 * work (the unit does not restart it then), 1 when the session bus is
 * missing, 2 for a usage error. A broker that is away, refuses the
 * password or fails TLS verification is retried (1 s doubling to 60 s):
 * the message says why each time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include <locale.h>
#include <signal.h>

#include <glib-unix.h>
#include <mosquitto.h>

#include "mqtt-bridge.h"
#include "mqtt-mark.h"

#define MACHINE_ID_PATH "/etc/machine-id"

typedef struct {
  LactdMqttBridge *bridge;
  GMainLoop *loop;
} App;

static gboolean
on_quit_signal (gpointer user_data)
{
  App *app = user_data;

  g_message ("Stopping");
  lactd_mqtt_bridge_stop (app->bridge, app->loop);
  return G_SOURCE_CONTINUE;
}

static void
print_config (const LactdMqttConfig *config, const char *mark_path)
{
  /* Never the password: only whether there is one. */
  g_print ("config:           %s\n"
           "broker:           %s:%u (%s)\n"
           "username:         %s%s\n"
           "client_id:        %s\n"
           "base_topic:       %s\n"
           "discovery_prefix: %s\n"
           "state file:       %s\n",
           config->path, config->host, config->port,
           config->tls ? "TLS, certificate and host name verified" : "no TLS",
           config->username != NULL ? config->username : "(none)",
           config->password != NULL ? ", password from the password file" : "",
           config->client_id, config->base_topic,
           config->discovery_prefix[0] != '\0' ? config->discovery_prefix
                                               : "(discovery off)",
           mark_path);
}

static int
run (const LactdMqttConfig *config, const char *mark_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(LactdMqttBridge) bridge = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  App app = { 0 };
  guint sigint_id, sigterm_id;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("lactd-mqtt: no session bus: %s\n", error->message);
      return 1;
    }
  bridge = lactd_mqtt_bridge_new (config, bus, mark_path, &error);
  if (bridge == NULL)
    {
      g_printerr ("lactd-mqtt: %s\n", error->message);
      return LACTD_MQTT_EXIT_CONFIG;
    }
  app.bridge = bridge;
  app.loop = loop;
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, &app);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, &app);
  g_message ("lactd-mqtt %s: broker %s:%u%s, topics under %s", VERSION,
             config->host, config->port, config->tls ? " (TLS)" : "",
             config->base_topic);
  lactd_mqtt_bridge_start (bridge);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  return 0;
}

int
main (int argc, char **argv)
{
  gboolean verbose = FALSE, version = FALSE, check = FALSE;
  g_autofree char *config_path = NULL;
  g_autofree char *mark_path = NULL;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "The configuration (default: $XDG_CONFIG_HOME/lactd/mqtt.conf)", "FILE" },
    { "state-file", 0, 0, G_OPTION_ARG_FILENAME, &mark_path,
      "The published-session mark (default: $XDG_STATE_HOME/lactd/mqtt.state)", "FILE" },
    { "check-config", 0, 0, G_OPTION_ARG_NONE, &check,
      "Check the configuration and password file, print it and exit", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print debug messages", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdMqttConfig) config = NULL;
  int status;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context,
                                "Mirrors lactd to an MQTT broker: state, sessions, reminders,\n"
                                "Home Assistant discovery, and commands from the household.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1)
    {
      g_printerr ("lactd-mqtt: %s\nTry 'lactd-mqtt --help'\n",
                  error != NULL ? error->message : "no arguments are taken");
      return 2;
    }
  if (version)
    {
      g_print ("lactd-mqtt %s\n", VERSION);
      return 0;
    }
  g_log_writer_default_set_use_stderr (TRUE);
  if (verbose)
    g_log_set_debug_enabled (TRUE);
  if (config_path == NULL)
    config_path = lactd_mqtt_config_default_path ();
  if (mark_path == NULL)
    mark_path = lactd_mqtt_mark_default_path ();

  config = lactd_mqtt_config_load (config_path, MACHINE_ID_PATH, &error);
  if (config == NULL)
    {
      g_printerr ("lactd-mqtt: %s\n", error->message);
      return LACTD_MQTT_EXIT_CONFIG;
    }
  if (check)
    {
      print_config (config, mark_path);
      return 0;
    }
  mosquitto_lib_init ();
  status = run (config, mark_path);
  mosquitto_lib_cleanup ();
  return status;
}
