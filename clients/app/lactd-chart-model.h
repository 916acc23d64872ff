/* lactd-chart-model.h — the arithmetic behind lactd-app's pictures: axes
 * with round numbers, where each bar, dash and point goes, which days get
 * a label, and the words an accessible description reads out. Pure: GLib
 * only (no GTK, no I/O), so it is tested on its own (tests/app/test-chart).
 *
 * Coordinates are pixels with y growing downwards, as GtkSnapshot has them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double x, y, width, height;
} LactdChartRect;

typedef struct {
  double x, y;
} LactdChartPoint;

/* A value axis from 0 to max in n_steps gridlines of step. */
typedef struct {
  double max;
  double step;
  guint n_steps;
} LactdChartScale;

/* The plotting area inside a widget and the n_slots (days) across it. */
typedef struct {
  LactdChartRect plot;
  guint n_slots;
  double slot_width;
  double bar_width;
} LactdChartFrame;

/* One day of History1.DailySummary, the part the charts draw. */
typedef struct {
  char day[11];            /* YYYY-MM-DD */
  guint sessions;
  guint night_sessions;
  double expressed_ml;
  double supplement_ml;
} LactdChartDay;

/* The smallest axis whose step is 1, 2, 2.5 or 5 × 10^k, with at most
 * MAX_STEPS steps, that reaches MAX_VALUE and at least MIN_TOP (so that an
 * empty chart keeps a sensible axis). WHOLE: counts, so the step is a
 * whole number (no 2.5, nothing below 1). */
LactdChartScale lactd_chart_scale_nice (double max_value, double min_top,
                                        guint max_steps, gboolean whole);

/* The area left inside WIDTH × HEIGHT by the margins, divided into
 * N_SLOTS slots; each bar fills BAR_FRACTION (0-1) of its slot, at most
 * MAX_BAR_WIDTH pixels. */
LactdChartFrame lactd_chart_frame (double width, double height,
                                   double margin_left, double margin_top,
                                   double margin_right, double margin_bottom,
                                   guint n_slots, double bar_fraction,
                                   double max_bar_width);

/* The y of VALUE on SCALE (clamped to the plot). */
double lactd_chart_y (const LactdChartFrame *frame,
                      const LactdChartScale *scale, double value);
/* The middle of slot SLOT. */
double lactd_chart_slot_center (const LactdChartFrame *frame, guint slot);
/* The bar of slot SLOT from value FROM up to value TO (stacking: the next
 * segment starts where this one ends). Zero height when TO <= FROM. */
LactdChartRect lactd_chart_bar (const LactdChartFrame *frame,
                                const LactdChartScale *scale, guint slot,
                                double from, double to);
/* Every how many slots a day label fits, when each label needs
 * LABEL_WIDTH pixels; 1 when all fit. */
guint lactd_chart_label_stride (const LactdChartFrame *frame,
                                double label_width);
/* Whether slot SLOT is labelled with STRIDE: counted back from the last
 * slot (today), so the newest day always has its label. */
gboolean lactd_chart_slot_labelled (const LactdChartFrame *frame, guint slot,
                                    guint stride);
/* A horizontal dashed line across the plot at Y: fills OUT (which holds
 * MAX_DASHES) with dashes of DASH pixels separated by GAP, of THICKNESS;
 * returns how many. */
guint lactd_chart_dashes (const LactdChartFrame *frame, double y, double dash,
                          double gap, double thickness, LactdChartRect *out,
                          guint max_dashes);

/* A day's own-milk share: expressed ÷ (expressed + supplement), 0-1.
 * FALSE (and *SHARE untouched) when the day has neither. */
gboolean lactd_chart_day_share (const LactdChartDay *day, double *share);
/* The points of the share line, one per day that has a share, on a 0-1
 * axis; returns how many (at most N). */
guint lactd_chart_share_points (const LactdChartFrame *frame,
                                const LactdChartDay *days, guint n,
                                LactdChartPoint *out);
/* The slot of DAY (YYYY-MM-DD) among DAYS, or -1 when it is not shown. */
int lactd_chart_find_day (const LactdChartDay *days, guint n, const char *day);

/* The label under a day: the weekday ("Mon") when the chart shows a week,
 * else the day and month ("3 Mar"). NULL for a malformed day. */
char *lactd_chart_day_label (const char *day, gboolean weekday);
/* A value on the axis: "8", "2.5", "1.5k" above 1000. */
char *lactd_chart_axis_label (double value);

/* The accessible descriptions: every number the chart draws, in words. */
char *lactd_chart_describe_sessions (const LactdChartDay *days, guint n,
                                     guint target);
char *lactd_chart_describe_milk (const LactdChartDay *days, guint n,
                                 const char *first_milk_day);
char *lactd_chart_describe_share (const LactdChartDay *days, guint n);

/* The progress ring: the fraction (0-1) of the circle that is filled. */
double lactd_chart_ring_fraction (guint sessions, guint target);

G_END_DECLS
