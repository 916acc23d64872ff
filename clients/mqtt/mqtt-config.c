/* mqtt-config.c — reading mqtt.conf and the password file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqtt-config.h"

#define GROUP "mqtt"
#define CONFIG_MAX_SIZE   (64 * 1024)
#define PASSWORD_MAX_SIZE 4096

G_DEFINE_QUARK (lactd-mqtt-error-quark, lactd_mqtt_error)

static const char *const known_keys[] = {
  "host", "port", "tls", "ca_file", "username", "password_file",
  "client_id", "id", "base_topic", "discovery_prefix", NULL
};

char *
lactd_mqtt_config_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "lactd", "mqtt.conf", NULL);
}

static gboolean
check_private (int fd, const char *path, const char *what, GError **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "Cannot read the %s %s: %s", what, path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "The %s %s is not a regular file", what, path);
      return FALSE;
    }
  if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "The %s %s is readable by group or others (mode %04o): "
                   "refused; make it private with `chmod 600 %s`",
                   what, path, (unsigned) (st.st_mode & 07777), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_mqtt_read_private_file (const char *path, const char *what,
                              gsize max_size, char **contents, gsize *length,
                              GError **error)
{
  g_autofree char *buffer = g_malloc (max_size + 1);
  gsize used = 0;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "Cannot open the %s %s: %s", what, path,
                   saved == ELOOP ? "it is a symbolic link" : g_strerror (saved));
      return FALSE;
    }
  if (!check_private (fd, path, what, error))
    {
      close (fd);
      return FALSE;
    }
  for (;;)
    {
      ssize_t n = read (fd, buffer + used, max_size + 1 - used);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          explicit_bzero (buffer, max_size + 1);
          close (fd);
          g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                       "Cannot read the %s %s: %s", what, path, g_strerror (saved));
          return FALSE;
        }
      if (n == 0 || used + (gsize) n > max_size)
        {
          used += (gsize) n;
          break;
        }
      used += (gsize) n;
    }
  close (fd);
  if (used > max_size)
    {
      explicit_bzero (buffer, max_size + 1);
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "The %s %s is larger than %" G_GSIZE_FORMAT " bytes",
                   what, path, max_size);
      return FALSE;
    }
  buffer[used] = '\0';
  *contents = g_steal_pointer (&buffer);
  if (length != NULL)
    *length = used;
  return TRUE;
}

gboolean
lactd_mqtt_topic_prefix_valid (const char *topic)
{
  gsize len = strlen (topic);

  return len > 0 && len < 1024 && g_utf8_validate (topic, -1, NULL) &&
         strpbrk (topic, "+#") == NULL && topic[0] != '/' &&
         topic[len - 1] != '/';
}

static gboolean
id_valid (const char *id)
{
  if (id[0] == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* The first 8 hex digits of the machine id. */
static char *
machine_id_prefix (const char *machine_id_path, GError **error)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (machine_id_path, &contents, NULL, error))
    return NULL;
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isxdigit (contents[i]))
      {
        g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                     "%s does not start with 8 hex digits", machine_id_path);
        return NULL;
      }
  return g_ascii_strdown (contents, 8);
}

static gboolean
check_keys (GKeyFile *keys, const char *path, GError **error)
{
  g_auto(GStrv) names = NULL;

  if (!g_key_file_has_group (keys, GROUP))
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s has no [" GROUP "] group", path);
      return FALSE;
    }
  names = g_key_file_get_keys (keys, GROUP, NULL, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (!g_strv_contains (known_keys, names[i]))
      {
        g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                     "%s: unknown key '%s' in [" GROUP "]", path, names[i]);
        return FALSE;
      }
  return TRUE;
}

/* An optional string: NULL when absent; an error when present but not a
 * valid string. */
static gboolean
get_string (GKeyFile *keys, const char *path, const char *key, char **out,
            GError **error)
{
  g_autoptr(GError) local_error = NULL;

  *out = NULL;
  if (!g_key_file_has_key (keys, GROUP, key, NULL))
    return TRUE;
  *out = g_key_file_get_string (keys, GROUP, key, &local_error);
  if (*out == NULL)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: %s: %s", path, key, local_error->message);
      return FALSE;
    }
  g_strstrip (*out);
  return TRUE;
}

static gboolean
read_port_and_tls (GKeyFile *keys, LactdMqttConfig *config, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean has_port = g_key_file_has_key (keys, GROUP, "port", NULL);
  gint port = LACTD_MQTT_PORT;

  if (has_port)
    {
      port = g_key_file_get_integer (keys, GROUP, "port", &local_error);
      if (local_error != NULL || port < 1 || port > 65535)
        {
          g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                       "%s: port must be a number from 1 to 65535", config->path);
          return FALSE;
        }
    }
  if (g_key_file_has_key (keys, GROUP, "tls", NULL))
    {
      config->tls = g_key_file_get_boolean (keys, GROUP, "tls", &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                       "%s: tls must be true or false", config->path);
          return FALSE;
        }
    }
  else
    config->tls = port == LACTD_MQTT_TLS_PORT;
  if (!has_port && config->tls)
    port = LACTD_MQTT_TLS_PORT;
  config->port = (guint16) port;
  return TRUE;
}

static gboolean
read_password (LactdMqttConfig *config, GError **error)
{
  gsize length = 0;
  char *password;

  if (config->password_file == NULL)
    return TRUE;
  if (config->username == NULL)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: password_file needs a username", config->path);
      return FALSE;
    }
  if (!lactd_mqtt_read_private_file (config->password_file, "password file",
                                     PASSWORD_MAX_SIZE, &password, &length, error))
    return FALSE;
  /* A file holding only the password: one final line break is not part
   * of it. */
  if (length > 0 && password[length - 1] == '\n')
    password[--length] = '\0';
  if (length > 0 && password[length - 1] == '\r')
    password[--length] = '\0';
  config->password = password;
  if (length == 0 || strlen (password) != length)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "The password file %s is empty or holds a NUL byte",
                   config->password_file);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_identity (LactdMqttConfig *config, const char *machine_id_path,
               GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (config->id == NULL)
    {
      config->id = machine_id_prefix (machine_id_path, &local_error);
      if (config->id == NULL)
        {
          g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                       "%s: no id set and none from the machine id (%s)",
                       config->path, local_error->message);
          return FALSE;
        }
    }
  if (!id_valid (config->id))
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: id must be 1-64 letters, digits, '_' or '-'", config->path);
      return FALSE;
    }
  if (config->client_id == NULL)
    config->client_id = g_strdup_printf ("lactd-%s", config->id);
  if (config->base_topic == NULL)
    config->base_topic = g_strdup_printf ("lactd/%s", config->id);
  if (config->discovery_prefix == NULL)
    config->discovery_prefix = g_strdup ("homeassistant");
  if (config->client_id[0] == '\0' || !g_utf8_validate (config->client_id, -1, NULL))
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: client_id must be non-empty UTF-8", config->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_topics (LactdMqttConfig *config, GError **error)
{
  if (!lactd_mqtt_topic_prefix_valid (config->base_topic))
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: base_topic '%s' is not a valid topic (empty, a wildcard "
                   "+ or #, or a leading or trailing /)", config->path,
                   config->base_topic);
      return FALSE;
    }
  if (config->discovery_prefix[0] != '\0' &&
      !lactd_mqtt_topic_prefix_valid (config->discovery_prefix))
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: discovery_prefix '%s' is not a valid topic", config->path,
                   config->discovery_prefix);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_strings (GKeyFile *keys, LactdMqttConfig *config, GError **error)
{
  const char *path = config->path;

  if (!get_string (keys, path, "host", &config->host, error) ||
      !get_string (keys, path, "ca_file", &config->ca_file, error) ||
      !get_string (keys, path, "username", &config->username, error) ||
      !get_string (keys, path, "password_file", &config->password_file, error) ||
      !get_string (keys, path, "client_id", &config->client_id, error) ||
      !get_string (keys, path, "id", &config->id, error) ||
      !get_string (keys, path, "base_topic", &config->base_topic, error) ||
      !get_string (keys, path, "discovery_prefix", &config->discovery_prefix, error))
    return FALSE;
  if (config->host == NULL || config->host[0] == '\0')
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: host is required", path);
      return FALSE;
    }
  if (config->ca_file != NULL && !config->tls)
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: ca_file is set but tls is off", path);
      return FALSE;
    }
  return TRUE;
}

LactdMqttConfig *
lactd_mqtt_config_load (const char *path, const char *machine_id_path,
                        GError **error)
{
  g_autoptr(LactdMqttConfig) config = g_new0 (LactdMqttConfig, 1);
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  config->path = g_strdup (path);
  if (!lactd_mqtt_read_private_file (path, "config file", CONFIG_MAX_SIZE,
                                     &contents, &length, error))
    return NULL;
  if (!g_key_file_load_from_data (keys, contents, length, G_KEY_FILE_NONE,
                                  &local_error))
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "%s: %s", path, local_error->message);
      return NULL;
    }
  if (!check_keys (keys, path, error) ||
      !read_port_and_tls (keys, config, error) ||
      !read_strings (keys, config, error) ||
      !read_identity (config, machine_id_path, error) ||
      !check_topics (config, error) ||
      !read_password (config, error))
    return NULL;
  return g_steal_pointer (&config);
}

void
lactd_mqtt_config_free (LactdMqttConfig *config)
{
  if (config == NULL)
    return;
  if (config->password != NULL)
    explicit_bzero (config->password, strlen (config->password));
  g_free (config->password);
  g_free (config->path);
  g_free (config->host);
  g_free (config->ca_file);
  g_free (config->username);
  g_free (config->password_file);
  g_free (config->id);
  g_free (config->client_id);
  g_free (config->base_topic);
  g_free (config->discovery_prefix);
  g_free (config);
}
