/* lactd-text.c — cleaning names that come from outside lactd.
 *
 * A device name reaches lactctl's terminal and every widget: a name
 * carrying ESC ] 0 ; … BEL retitles the terminal, ESC [ 2 J clears it.
 * Such sequences are removed whole rather than leaving their printable
 * tail behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lactd-text.h"

#include <string.h>

#define ESC 0x1B
#define BEL 0x07
#define C1_DCS 0x90
#define C1_SOS 0x98
#define C1_CSI 0x9B
#define C1_ST 0x9C
#define C1_OSC 0x9D
#define C1_PM 0x9E
#define C1_APC 0x9F

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

/* Characters that are not controls but reorder or break what follows. */
static gboolean
is_layout_control (gunichar c)
{
  return c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E)
         || (c >= 0x2066 && c <= 0x2069);
}

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

/* After OSC, DCS, SOS, PM or APC: everything up to BEL or ST (ESC \ or
 * U+009C), or to the end when it is never terminated. */
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

/* p is just after ESC. */
static const char *
skip_escape (const char *p)
{
  if (*p == '[')
    return skip_csi (p + 1);
  if (*p != '\0' && strchr ("]PX^_", *p) != NULL)
    return skip_control_string (p + 1);
  while (*p >= 0x20 && *p <= 0x2F)
    p++;
  if (*p >= 0x30 && *p <= 0x7E)
    p++;
  return p;
}

/* p is just after the control c: where the text goes on. */
static const char *
skip_sequence (gunichar c, const char *p)
{
  switch (c)
    {
    case ESC:
      return skip_escape (p);
    case C1_CSI:
      return skip_csi (p);
    case C1_OSC:
    case C1_DCS:
    case C1_SOS:
    case C1_PM:
    case C1_APC:
      return skip_control_string (p);
    default:
      return p;
    }
}

char *
lactd_text_clean_name (const char *raw)
{
  g_autofree char *valid = g_utf8_make_valid (raw != NULL ? raw : "", -1);
  GString *out = g_string_sized_new (strlen (valid));
  const char *p = valid;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      char utf8[6];
      gint len;

      p = g_utf8_next_char (p);
      if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r')
        c = ' ';
      else if (is_control (c))
        {
          p = skip_sequence (c, p);
          continue;
        }
      else if (is_layout_control (c))
        continue;
      len = g_unichar_to_utf8 (c, utf8);
      if (out->len + (gsize) len > LACTD_NAME_MAX_BYTES)
        break;
      g_string_append_len (out, utf8, len);
    }
  g_strstrip (out->str);
  return g_string_free (out, FALSE);
}
