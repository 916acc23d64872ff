/* lactd-text.h — text that comes from outside lactd made safe to show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest name kept, in bytes: BlueZ's own limit for a device name. */
#define LACTD_NAME_MAX_BYTES 248

/* A sensor name as lactd may store and publish it, from a BlueZ Alias or
 * Name (set by any local user, or advertised by any device nearby) or from
 * the store: invalid UTF-8 becomes U+FFFD; C0 controls, DEL and C1
 * controls are dropped together with the escape sequences they start
 * (ESC [ … CSI, ESC ] … OSC up to BEL or ST, ESC and one final byte);
 * tabs and line breaks become spaces; bidirectional overrides and
 * U+2028/U+2029 are dropped; the result is trimmed and cut to
 * LACTD_NAME_MAX_BYTES on a character boundary. NULL gives "". */
char *lactd_text_clean_name (const char *raw);

G_END_DECLS
