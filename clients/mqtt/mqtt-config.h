/* mqtt-config.h — lactd-mqtt's configuration: $XDG_CONFIG_HOME/lactd/
 * mqtt.conf (GKeyFile, group [mqtt]) and the password file it names.
 *
 * Both files must be private to their owner: one readable by group or
 * others is refused with an error naming it. The password lives only in
 * LactdMqttConfig.password, is wiped when the config is freed, and is
 * never printed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LACTD_MQTT_ERROR (lactd_mqtt_error_quark ())
GQuark lactd_mqtt_error_quark (void);

typedef enum {
  LACTD_MQTT_ERROR_CONFIG,      /* a configuration the user must fix */
  LACTD_MQTT_ERROR_BROKER,      /* the broker or the network failed */
  LACTD_MQTT_ERROR_PAYLOAD,     /* a command payload was not valid */
} LactdMqttErrorCode;

/* The exit status for a configuration error: sysexits' EX_CONFIG, which
 * lactd-mqtt.service lists in RestartPreventExitStatus=. */
#define LACTD_MQTT_EXIT_CONFIG 78

#define LACTD_MQTT_PORT      1883
#define LACTD_MQTT_TLS_PORT  8883

typedef struct {
  char *path;              /* the config file read */
  char *host;
  guint16 port;
  gboolean tls;
  char *ca_file;           /* NULL: the system's CAs */
  char *username;          /* NULL: none */
  char *password_file;     /* NULL: none */
  char *password;          /* the password file's content; NULL: none */
  char *id;                /* [A-Za-z0-9_-]+ */
  char *client_id;
  char *base_topic;
  char *discovery_prefix;  /* "" disables discovery */
} LactdMqttConfig;

/* The default config path: $XDG_CONFIG_HOME/lactd/mqtt.conf. */
char *lactd_mqtt_config_default_path (void);

/* Reads and checks PATH; MACHINE_ID_PATH (normally /etc/machine-id) gives
 * the default id. Every error names the file and the key at fault. */
LactdMqttConfig *lactd_mqtt_config_load (const char *path,
                                         const char *machine_id_path,
                                         GError **error);
void lactd_mqtt_config_free (LactdMqttConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LactdMqttConfig, lactd_mqtt_config_free)

/* Reads a file that must be a regular file not readable by group or
 * others, at most MAX_SIZE bytes, without following a symlink at its last
 * component. WHAT ("config file", "password file") names it in errors. */
gboolean lactd_mqtt_read_private_file (const char *path, const char *what,
                                       gsize max_size, char **contents,
                                       gsize *length, GError **error);

/* A topic lactd-mqtt may publish under: not empty, UTF-8, no wildcard, no
 * NUL, no leading or trailing '/'. */
gboolean lactd_mqtt_topic_prefix_valid (const char *topic);

G_END_DECLS
