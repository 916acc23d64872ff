/* mqtt-mark.h — the highest session id whose `<base>/session` message the
 * broker acknowledged, kept in $XDG_STATE_HOME/lactd/mqtt.state.
 *
 * The file is a GKeyFile ([sessions] published=N) replaced atomically
 * (written to a temporary file, fsync'ed, renamed over the old one), 0600.
 * It is written only after the PUBACK: a crash in between publishes a
 * session again rather than never.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* $XDG_STATE_HOME/lactd/mqtt.state ($HOME/.local/state when unset). */
char *lactd_mqtt_mark_default_path (void);

/* The mark in PATH: 0 when the file does not exist yet (nothing was ever
 * published: every stored session is published once). A file that
 * exists but cannot be read or parsed is an error: guessing could publish
 * the whole history again or skip sessions. */
gboolean lactd_mqtt_mark_load (const char *path, guint64 *mark, GError **error);
/* Replaces PATH with MARK, creating its directory (0700) when needed. */
gboolean lactd_mqtt_mark_save (const char *path, guint64 mark, GError **error);

G_END_DECLS
