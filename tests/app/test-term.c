/* test-term.c — lactctl's terminal pictures (clients/lactctl-term.c): the
 * block bars, the live line of `lactctl watch` and the sessions bars of
 * `lactctl summary`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "lactctl-term.h"

static void
assert_text (char *text, const char *expected)
{
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

static void
test_bar (void)
{
  assert_text (lactctl_term_bar (0, 10, 4), "    ");
  assert_text (lactctl_term_bar (10, 10, 4), "████");
  assert_text (lactctl_term_bar (5, 10, 4), "██  ");
  assert_text (lactctl_term_bar (1, 10, 4), "▍   ");
  assert_text (lactctl_term_bar (20, 10, 4), "████");   /* clamped */
  assert_text (lactctl_term_bar (-1, 10, 4), "    ");
  assert_text (lactctl_term_bar (5, 0, 3), "   ");      /* no scale */
  assert_text (lactctl_term_bar (5, 10, 0), "");
  g_assert_cmpfloat (lactctl_term_volume_scale (0), ==, 30);
  g_assert_cmpfloat (lactctl_term_volume_scale (30), ==, 30);
  g_assert_cmpfloat (lactctl_term_volume_scale (31), ==, 50);
  g_assert_cmpfloat (lactctl_term_volume_scale (120), ==, 150);
  g_assert_cmpfloat (lactctl_term_volume_scale (2000), ==, 1000);
}

static void
test_live_line (void)
{
  g_autoptr(GVariant) live = g_variant_ref_sink (g_variant_new_parsed (
    "{'seq': <uint32 3>, 'elapsed': <uint32 754>, 'side': <'both'>,"
    " 'phase': <'expression'>, 'active': <true>, 'volume_left_ml': <32.0>,"
    " 'volume_right_ml': <29.0>}"));
  g_autoptr(GVariant) sns = g_variant_ref_sink (g_variant_new_parsed (
    "{'seq': <uint32 4>, 'elapsed': <uint32 3723>, 'side': <'left'>,"
    " 'phase': <'stimulation'>, 'active': <true>, 'supplement_ml': <15.0>}"));
  g_autofree char *narrow = lactctl_term_live_line (live, 20);

  assert_text (lactctl_term_live_line (live, 200),
               "● 12:34  expression   L ██████▍     32.0 mL  R █████▊      29.0 mL");
  assert_text (lactctl_term_live_line (sns, 200),
               "● 1:02:03  stimulation  L -  R -  +15.0 mL supplement");
  /* Never as wide as the terminal: a full line would wrap and break the
   * in-place update. */
  g_assert_cmpint (g_utf8_strlen (narrow, -1), ==, 19);
  g_assert_true (g_str_has_prefix (narrow, "● 12:34  expression"));
}

static void
test_sessions_bar (void)
{
  assert_text (lactctl_term_sessions_bar (7, 8, 8, 8), "███████ │");
  assert_text (lactctl_term_sessions_bar (8, 8, 8, 8), "████████│");
  assert_text (lactctl_term_sessions_bar (10, 8, 10, 10), "████████│██");
  assert_text (lactctl_term_sessions_bar (0, 8, 8, 8), "        │");
  /* Scaled: 16 sessions in 8 cells, two a cell. */
  assert_text (lactctl_term_sessions_bar (4, 8, 16, 8), "██  │    ");
  assert_text (lactctl_term_sessions_bar (5, 8, 16, 8), "██▌ │    ");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/term/bar", test_bar);
  g_test_add_func ("/term/live-line", test_live_line);
  g_test_add_func ("/term/sessions-bar", test_sessions_bar);
  return g_test_run ();
}
