/* mqtt-mark.c — the published-session mark on disk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-mqtt"

#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "mqtt-config.h"
#include "mqtt-mark.h"

#define GROUP "sessions"
#define KEY   "published"

char *
lactd_mqtt_mark_default_path (void)
{
  const char *state = g_getenv ("XDG_STATE_HOME");

  if (state != NULL && g_path_is_absolute (state))
    return g_build_filename (state, "lactd", "mqtt.state", NULL);
  return g_build_filename (g_get_home_dir (), ".local", "state", "lactd",
                           "mqtt.state", NULL);
}

gboolean
lactd_mqtt_mark_load (const char *path, guint64 *mark, GError **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  *mark = 0;
  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "Cannot read the state file %s: %s", path, local_error->message);
      return FALSE;
    }
  text = g_key_file_get_value (keys, GROUP, KEY, &local_error);
  if (text == NULL ||
      !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, mark, NULL))
    {
      g_set_error (error, LACTD_MQTT_ERROR, LACTD_MQTT_ERROR_CONFIG,
                   "The state file %s has no valid [" GROUP "] " KEY
                   " (remove it to publish every stored session again)", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
lactd_mqtt_mark_save (const char *path, guint64 mark, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text =
    g_strdup_printf ("# lactd-mqtt: the highest session id the broker acknowledged\n"
                     "[" GROUP "]\n" KEY "=%" G_GUINT64_FORMAT "\n", mark);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}
