/* test-chart.c — lactd-app's chart geometry, labels and descriptions
 * (clients/app/lactd-chart-model.c): pure functions, exact numbers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <math.h>

#include "lactd-chart-model.h"

#define EPSILON 1e-9

static void
assert_scale (LactdChartScale scale, double max, double step, guint n_steps)
{
  g_assert_cmpfloat_with_epsilon (scale.max, max, EPSILON);
  g_assert_cmpfloat_with_epsilon (scale.step, step, EPSILON);
  g_assert_cmpuint (scale.n_steps, ==, n_steps);
}

static void
test_scale (void)
{
  /* Nothing to show: a 0-1 axis in quarters. */
  assert_scale (lactd_chart_scale_nice (0, 0, 4, FALSE), 1.0, 0.25, 4);
  /* Sessions: whole steps only (no 2.5 sessions). */
  assert_scale (lactd_chart_scale_nice (9, 9, 4, TRUE), 10, 5, 2);
  assert_scale (lactd_chart_scale_nice (10, 9, 4, TRUE), 10, 5, 2);
  assert_scale (lactd_chart_scale_nice (3, 9, 4, TRUE), 10, 5, 2);
  assert_scale (lactd_chart_scale_nice (12, 9, 4, TRUE), 15, 5, 3);
  assert_scale (lactd_chart_scale_nice (2, 2, 4, TRUE), 2, 1, 2);
  /* Millilitres. */
  assert_scale (lactd_chart_scale_nice (437, 50, 4, FALSE), 600, 200, 3);
  assert_scale (lactd_chart_scale_nice (12, 50, 4, FALSE), 60, 20, 3);
  assert_scale (lactd_chart_scale_nice (2.2, 0, 4, FALSE), 3, 1, 3);
  assert_scale (lactd_chart_scale_nice (3100, 50, 4, FALSE), 4000, 1000, 4);
  /* The live bars: one step that reaches the volume. */
  g_assert_cmpfloat (lactd_chart_scale_nice (4, 30, 1, FALSE).max, ==, 50);
  g_assert_cmpfloat (lactd_chart_scale_nice (32, 30, 1, FALSE).max, ==, 50);
  g_assert_cmpfloat (lactd_chart_scale_nice (51, 30, 1, FALSE).max, ==, 100);
  /* Garbage in, a drawable axis out. */
  assert_scale (lactd_chart_scale_nice (NAN, 0, 4, FALSE), 1.0, 0.25, 4);
  assert_scale (lactd_chart_scale_nice (-5, -1, 0, FALSE), 1.0, 1.0, 1);
}

static LactdChartFrame
test_frame_new (void)
{
  return lactd_chart_frame (500, 200, 40, 10, 8, 24, 10, 0.7, 36);
}

static void
test_frame (void)
{
  LactdChartFrame frame = test_frame_new ();
  LactdChartFrame narrow = lactd_chart_frame (30, 20, 40, 10, 8, 24, 0, 0.7, 36);
  LactdChartFrame wide_slots = lactd_chart_frame (500, 200, 40, 10, 8, 24, 2, 0.7, 36);

  g_assert_cmpfloat (frame.plot.x, ==, 40);
  g_assert_cmpfloat (frame.plot.y, ==, 10);
  g_assert_cmpfloat (frame.plot.width, ==, 452);
  g_assert_cmpfloat (frame.plot.height, ==, 166);
  g_assert_cmpuint (frame.n_slots, ==, 10);
  g_assert_cmpfloat_with_epsilon (frame.slot_width, 45.2, EPSILON);
  g_assert_cmpfloat_with_epsilon (frame.bar_width, 31.64, EPSILON);
  /* Too small: an empty plot, never a negative one; at least one slot. */
  g_assert_cmpfloat (narrow.plot.width, ==, 0);
  g_assert_cmpfloat (narrow.plot.height, ==, 0);
  g_assert_cmpuint (narrow.n_slots, ==, 1);
  /* Few days: bars no wider than the maximum. */
  g_assert_cmpfloat (wide_slots.bar_width, ==, 36);
}

static void
test_bars (void)
{
  LactdChartFrame frame = test_frame_new ();
  LactdChartScale scale = { 10, 5, 2 };
  LactdChartRect bar, top;

  g_assert_cmpfloat (lactd_chart_y (&frame, &scale, 0), ==, 176);
  g_assert_cmpfloat (lactd_chart_y (&frame, &scale, 10), ==, 10);
  g_assert_cmpfloat (lactd_chart_y (&frame, &scale, 5), ==, 93);
  g_assert_cmpfloat (lactd_chart_y (&frame, &scale, 20), ==, 10);   /* clamped */
  g_assert_cmpfloat (lactd_chart_y (&frame, &scale, -1), ==, 176);
  g_assert_cmpfloat (lactd_chart_y (&frame, &scale, NAN), ==, 176);
  g_assert_cmpfloat_with_epsilon (lactd_chart_slot_center (&frame, 0), 62.6, EPSILON);
  g_assert_cmpfloat_with_epsilon (lactd_chart_slot_center (&frame, 9), 469.4, EPSILON);

  bar = lactd_chart_bar (&frame, &scale, 0, 0, 5);
  g_assert_cmpfloat_with_epsilon (bar.x, 62.6 - 15.82, EPSILON);
  g_assert_cmpfloat_with_epsilon (bar.width, 31.64, EPSILON);
  g_assert_cmpfloat (bar.y, ==, 93);
  g_assert_cmpfloat (bar.height, ==, 83);
  /* A stacked segment starts where the one below ends. */
  top = lactd_chart_bar (&frame, &scale, 0, 5, 10);
  g_assert_cmpfloat (top.y, ==, 10);
  g_assert_cmpfloat (top.y + top.height, ==, bar.y);
  /* Nothing to stack: no height. */
  g_assert_cmpfloat (lactd_chart_bar (&frame, &scale, 3, 5, 5).height, ==, 0);
  g_assert_cmpfloat (lactd_chart_bar (&frame, &scale, 3, 5, 2).height, ==, 0);
}

static void
test_labels_and_dashes (void)
{
  LactdChartFrame frame = test_frame_new ();
  LactdChartRect dashes[64];
  guint n;

  /* 45.2 px a slot, 50 px a label: every other day, today always. */
  g_assert_cmpuint (lactd_chart_label_stride (&frame, 50), ==, 2);
  g_assert_cmpuint (lactd_chart_label_stride (&frame, 10), ==, 1);
  g_assert_cmpuint (lactd_chart_label_stride (&frame, 5000), ==, 10);
  g_assert_true (lactd_chart_slot_labelled (&frame, 9, 2));
  g_assert_false (lactd_chart_slot_labelled (&frame, 8, 2));
  g_assert_true (lactd_chart_slot_labelled (&frame, 7, 2));
  g_assert_false (lactd_chart_slot_labelled (&frame, 0, 2));
  g_assert_false (lactd_chart_slot_labelled (&frame, 10, 1));
  g_assert_true (lactd_chart_slot_labelled (&frame, 0, 1));

  n = lactd_chart_dashes (&frame, 50, 6, 4, 2, dashes, G_N_ELEMENTS (dashes));
  g_assert_cmpuint (n, ==, 46);
  g_assert_cmpfloat (dashes[0].x, ==, 40);
  g_assert_cmpfloat (dashes[0].y, ==, 49);
  g_assert_cmpfloat (dashes[0].width, ==, 6);
  g_assert_cmpfloat (dashes[0].height, ==, 2);
  g_assert_cmpfloat (dashes[1].x, ==, 50);
  /* The last dash stops at the plot's edge. */
  g_assert_cmpfloat (dashes[45].x, ==, 490);
  g_assert_cmpfloat (dashes[45].width, ==, 2);
  g_assert_cmpuint (lactd_chart_dashes (&frame, 50, 6, 4, 2, dashes, 5), ==, 5);
  g_assert_cmpuint (lactd_chart_dashes (&frame, 50, 0, 4, 2, dashes, 5), ==, 0);
}

static const LactdChartDay three_days[] = {
  { "2026-03-01", 7, 1, 0.0, 120.0 },
  { "2026-03-02", 8, 0, 0.0, 0.0 },
  { "2026-03-03", 9, 1, 30.0, 60.0 },
};

static void
test_share (void)
{
  LactdChartFrame frame = lactd_chart_frame (300, 120, 0, 10, 0, 10, 3, 0.7, 36);
  LactdChartPoint points[3];
  double share = -1;

  g_assert_true (lactd_chart_day_share (&three_days[0], &share));
  g_assert_cmpfloat (share, ==, 0.0);
  share = -1;
  g_assert_false (lactd_chart_day_share (&three_days[1], &share));
  g_assert_cmpfloat (share, ==, -1);      /* untouched */
  g_assert_true (lactd_chart_day_share (&three_days[2], &share));
  g_assert_cmpfloat_with_epsilon (share, 1.0 / 3, EPSILON);

  /* The day without milk has no point: the line skips it. */
  g_assert_cmpuint (lactd_chart_share_points (&frame, three_days, 3, points), ==, 2);
  g_assert_cmpfloat (points[0].x, ==, 50);
  g_assert_cmpfloat (points[0].y, ==, 110);
  g_assert_cmpfloat (points[1].x, ==, 250);
  g_assert_cmpfloat_with_epsilon (points[1].y, 10 + 100 * (2.0 / 3), EPSILON);

  g_assert_cmpint (lactd_chart_find_day (three_days, 3, "2026-03-03"), ==, 2);
  g_assert_cmpint (lactd_chart_find_day (three_days, 3, "2026-02-28"), ==, -1);
  g_assert_cmpint (lactd_chart_find_day (three_days, 3, ""), ==, -1);
  g_assert_cmpint (lactd_chart_find_day (three_days, 3, NULL), ==, -1);
}

static void
test_text (void)
{
  struct { const char *day; gboolean weekday; const char *label; } days[] = {
    { "2026-03-02", TRUE, "Mon" },
    { "2026-03-02", FALSE, "2 Mar" },
    { "2026-12-31", FALSE, "31 Dec" },
    { "2026-02-30", FALSE, NULL },
    { "2026-03-02x", FALSE, NULL },
    { "yesterday", TRUE, NULL },
  };
  struct { double value; const char *label; } axis[] = {
    { 0, "0" }, { 2.5, "2.5" }, { 600, "600" }, { 1500, "1.5k" }, { 2000, "2k" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autofree char *label = lactd_chart_day_label (days[i].day, days[i].weekday);
      g_assert_cmpstr (label, ==, days[i].label);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (axis); i++)
    {
      g_autofree char *label = lactd_chart_axis_label (axis[i].value);
      g_assert_cmpstr (label, ==, axis[i].label);
    }
}

static void
test_descriptions (void)
{
  const LactdChartDay two[] = {
    { "2026-03-01", 7, 1, 0.0, 120.0 },
    { "2026-03-02", 8, 0, 2.5, 100.0 },
  };
  g_autofree char *sessions = lactd_chart_describe_sessions (two, 2, 8);
  g_autofree char *milk = lactd_chart_describe_milk (two, 2, "2026-03-02");
  g_autofree char *earlier = lactd_chart_describe_milk (two, 1, "2026-02-10");
  g_autofree char *none = lactd_chart_describe_milk (two, 1, "");
  g_autofree char *share = lactd_chart_describe_share (three_days, 3);
  g_autofree char *empty = lactd_chart_describe_sessions (two, 0, 8);

  g_assert_cmpstr (sessions, ==,
                   "Sessions per day over 2 days, target 8 a day: Sun 1 Mar 7, Mon 2 Mar 8. "
                   "Average 7.5 a day; target met on 1 of 2 days.");
  g_assert_cmpstr (milk, ==,
                   "Milk per day over 2 days, in mL, expressed + supplement: "
                   "Sun 1 Mar 0 + 120, Mon 2 Mar 2.5 + 100. "
                   "In all 2.5 mL expressed, 220 mL supplement. First milk on Mon 2 Mar, marked.");
  g_assert_cmpstr (earlier, ==,
                   "Milk per day over 1 day, in mL, expressed + supplement: Sun 1 Mar 0 + 120. "
                   "In all 0 mL expressed, 120 mL supplement. "
                   "First milk on Tue 10 Feb, before these days.");
  g_assert_true (g_str_has_suffix (none, " No milk expressed yet."));
  g_assert_cmpstr (share, ==,
                   "Own milk share per day over 3 days: Sun 1 Mar 0 %, Mon 2 Mar no milk, "
                   "Tue 3 Mar 33 %. Over these days 14 % of the milk was your own.");
  g_assert_cmpstr (empty, ==, "Sessions per day over 0 days, target 8 a day: no days.");
}

static void
test_ring (void)
{
  g_assert_cmpfloat (lactd_chart_ring_fraction (5, 8), ==, 0.625);
  g_assert_cmpfloat (lactd_chart_ring_fraction (9, 8), ==, 1.0);
  g_assert_cmpfloat (lactd_chart_ring_fraction (0, 8), ==, 0.0);
  g_assert_cmpfloat (lactd_chart_ring_fraction (0, 0), ==, 0.0);
  g_assert_cmpfloat (lactd_chart_ring_fraction (1, 0), ==, 1.0);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chart/scale", test_scale);
  g_test_add_func ("/chart/frame", test_frame);
  g_test_add_func ("/chart/bars", test_bars);
  g_test_add_func ("/chart/labels-and-dashes", test_labels_and_dashes);
  g_test_add_func ("/chart/share", test_share);
  g_test_add_func ("/chart/text", test_text);
  g_test_add_func ("/chart/descriptions", test_descriptions);
  g_test_add_func ("/chart/ring", test_ring);
  return g_test_run ();
}
