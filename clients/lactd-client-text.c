/* lactd-client-text.c — text from lactd made safe for a terminal.
 *
 * lactd cleans the names it publishes, but lactctl prints whatever the
 * owner of org.lactd sends, which may be an older or a foreign daemon: a
 * name carrying ESC ] 0 ; … BEL would retitle the terminal, ESC [ 2 J clear
 * it. Escape sequences are removed whole, other controls dropped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lactd-client-common.h"

#define ESC 0x1B
#define BEL 0x07
#define C1_ST 0x9C

/* After CSI: parameter bytes, intermediate bytes, one final byte. */
static const char *
skip_csi (const char *p)
{
  while (*p >= 0x30 && *p <= 0x3F)
    p++;
  while (*p >= 0x20 && *p <= 0x2F)
    p++;
  if (*p >= 0x40 && *p <= 0x7E)
    p++;
  return p;
}

/* After OSC, DCS, SOS, PM or APC: up to BEL or ST (ESC \ or U+009C). */
static const char *
skip_control_string (const char *p)
{
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      p = g_utf8_next_char (p);
      if (c == BEL || c == C1_ST)
        return p;
      if (c == ESC && *p == '\\')
        return p + 1;
    }
  return p;
}

/* p is just after the control character c. */
static const char *
skip_sequence (gunichar c, const char *p)
{
  if (c == 0x9B || (c == ESC && *p == '['))
    return skip_csi (c == ESC ? p + 1 : p);
  if (c == 0x90 || c == 0x98 || c == 0x9D || c == 0x9E || c == 0x9F)
    return skip_control_string (p);
  if (c != ESC)
    return p;
  if (*p != '\0' && strchr ("]PX^_", *p) != NULL)
    return skip_control_string (p + 1);
  while (*p >= 0x20 && *p <= 0x2F)
    p++;
  if (*p >= 0x30 && *p <= 0x7E)
    p++;
  return p;
}

static gboolean
is_dropped (gunichar c)
{
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)
         || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E)
         || (c >= 0x2066 && c <= 0x2069);
}

char *
lactd_client_printable (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));
  const char *p = valid;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      p = g_utf8_next_char (p);
      if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
        g_string_append_c (out, ' ');
      else if (is_dropped (c))
        p = skip_sequence (c, p);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}
