/* lactd-chart-model.c — axes, bar and point geometry, labels and the
 * accessible descriptions of lactd-app's charts (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lactd-chart-model.h"

/* ------------------------------------------------------------- scales */

LactdChartScale
lactd_chart_scale_nice (double max_value, double min_top, guint max_steps,
                        gboolean whole)
{
  static const double mantissas[] = { 1.0, 2.0, 2.5, 5.0 };
  double top = MAX (max_value, min_top);
  LactdChartScale scale = { 1.0, 1.0, 1 };
  int exponent;

  if (!isfinite (top) || top <= 0)
    top = 1.0;
  max_steps = MAX (max_steps, 1u);
  exponent = (int) floor (log10 (top / max_steps));
  /* Three decades always hold an answer: 10^(k+1) ≥ top / max_steps × 10. */
  for (int k = exponent; k <= exponent + 2; k++)
    for (gsize m = 0; m < G_N_ELEMENTS (mantissas); m++)
      {
        double step = mantissas[m] * pow (10.0, k);
        double n;

        if (whole && (step < 1.0 || step != floor (step)))
          continue;
        n = ceil (top / step - 1e-9);
        if (n <= max_steps)
          {
            scale.step = step;
            scale.n_steps = (guint) MAX (n, 1.0);
            scale.max = step * scale.n_steps;
            return scale;
          }
      }
  /* Unreachable with finite input; an axis of one step is still drawable. */
  scale.max = top;
  scale.step = top;
  return scale;
}

/* -------------------------------------------------------------- frame */

LactdChartFrame
lactd_chart_frame (double width, double height, double margin_left,
                   double margin_top, double margin_right, double margin_bottom,
                   guint n_slots, double bar_fraction, double max_bar_width)
{
  LactdChartFrame frame;

  frame.plot.x = margin_left;
  frame.plot.y = margin_top;
  frame.plot.width = MAX (width - margin_left - margin_right, 0.0);
  frame.plot.height = MAX (height - margin_top - margin_bottom, 0.0);
  frame.n_slots = MAX (n_slots, 1u);
  frame.slot_width = frame.plot.width / frame.n_slots;
  frame.bar_width = MIN (frame.slot_width * CLAMP (bar_fraction, 0.0, 1.0),
                         max_bar_width);
  return frame;
}

double
lactd_chart_y (const LactdChartFrame *frame, const LactdChartScale *scale,
               double value)
{
  double fraction = scale->max > 0 ? value / scale->max : 0.0;

  if (!isfinite (fraction))
    fraction = 0.0;
  fraction = CLAMP (fraction, 0.0, 1.0);
  return frame->plot.y + frame->plot.height * (1.0 - fraction);
}

double
lactd_chart_slot_center (const LactdChartFrame *frame, guint slot)
{
  return frame->plot.x + (slot + 0.5) * frame->slot_width;
}

LactdChartRect
lactd_chart_bar (const LactdChartFrame *frame, const LactdChartScale *scale,
                 guint slot, double from, double to)
{
  LactdChartRect bar;
  double top = lactd_chart_y (frame, scale, to);
  double bottom = lactd_chart_y (frame, scale, from);

  bar.width = frame->bar_width;
  bar.x = lactd_chart_slot_center (frame, slot) - bar.width / 2;
  bar.y = top;
  bar.height = MAX (bottom - top, 0.0);
  return bar;
}

guint
lactd_chart_label_stride (const LactdChartFrame *frame, double label_width)
{
  double stride;

  if (frame->slot_width <= 0)
    return frame->n_slots;
  stride = ceil (label_width / frame->slot_width);
  return (guint) CLAMP (stride, 1.0, (double) frame->n_slots);
}

gboolean
lactd_chart_slot_labelled (const LactdChartFrame *frame, guint slot,
                           guint stride)
{
  if (slot >= frame->n_slots)
    return FALSE;
  return (frame->n_slots - 1 - slot) % MAX (stride, 1u) == 0;
}

guint
lactd_chart_dashes (const LactdChartFrame *frame, double y, double dash,
                    double gap, double thickness, LactdChartRect *out,
                    guint max_dashes)
{
  double end = frame->plot.x + frame->plot.width;
  guint n = 0;

  if (dash <= 0 || gap < 0)
    return 0;
  for (double x = frame->plot.x; x < end && n < max_dashes; x += dash + gap)
    {
      out[n].x = x;
      out[n].y = y - thickness / 2;
      out[n].width = MIN (dash, end - x);
      out[n].height = thickness;
      n++;
    }
  return n;
}

/* -------------------------------------------------------------- share */

gboolean
lactd_chart_day_share (const LactdChartDay *day, double *share)
{
  double total = day->expressed_ml + day->supplement_ml;

  if (!(total > 0))
    return FALSE;
  *share = CLAMP (day->expressed_ml / total, 0.0, 1.0);
  return TRUE;
}

guint
lactd_chart_share_points (const LactdChartFrame *frame,
                          const LactdChartDay *days, guint n,
                          LactdChartPoint *out)
{
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      double share;

      if (!lactd_chart_day_share (&days[i], &share))
        continue;
      out[count].x = lactd_chart_slot_center (frame, i);
      out[count].y = frame->plot.y + frame->plot.height * (1.0 - share);
      count++;
    }
  return count;
}

int
lactd_chart_find_day (const LactdChartDay *days, guint n, const char *day)
{
  if (day == NULL || *day == '\0')
    return -1;
  for (guint i = 0; i < n && i <= G_MAXINT; i++)
    if (strcmp (days[i].day, day) == 0)
      return (int) i;
  return -1;
}

/* ------------------------------------------------------------- labels */

static gboolean
parse_day (const char *text, GDate *date)
{
  unsigned year, month, mday;
  char tail;

  if (text == NULL || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &mday, &tail) != 3
      || !g_date_valid_dmy ((GDateDay) mday, (GDateMonth) month, (GDateYear) year))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) mday, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

static char *
format_date (const GDate *date, const char *format)
{
  char buf[64];

  if (g_date_strftime (buf, sizeof buf, format, date) == 0)
    return g_strdup ("?");
  return g_strdup (buf);
}

char *
lactd_chart_day_label (const char *day, gboolean weekday)
{
  GDate date;
  g_autofree char *month = NULL;

  if (!parse_day (day, &date))
    return NULL;
  if (weekday)
    return format_date (&date, "%a");
  month = format_date (&date, "%b");
  return g_strdup_printf ("%u %s", g_date_get_day (&date), month);
}

/* "Mon 3 Mar": the day as the descriptions read it. */
static char *
day_spoken (const char *day)
{
  GDate date;
  g_autofree char *weekday = NULL, *month = NULL;

  if (!parse_day (day, &date))
    return g_strdup (day);
  weekday = format_date (&date, "%a");
  month = format_date (&date, "%b");
  return g_strdup_printf ("%s %u %s", weekday, g_date_get_day (&date), month);
}

/* Millilitres without a useless ".0": "120", "32.5". */
static char *
ml_text (double ml)
{
  double tenths = round (ml * 10.0);

  if (fmod (tenths, 10.0) == 0.0)
    return g_strdup_printf ("%.0f", tenths / 10.0);
  return g_strdup_printf ("%.1f", tenths / 10.0);
}

char *
lactd_chart_axis_label (double value)
{
  if (value >= 1000.0)
    {
      g_autofree char *thousands = ml_text (value / 1000.0);
      return g_strconcat (thousands, "k", NULL);
    }
  return ml_text (value);
}

/* ------------------------------------------------------- descriptions */

char *
lactd_chart_describe_sessions (const LactdChartDay *days, guint n, guint target)
{
  GString *text = g_string_new (NULL);
  guint total = 0, met = 0;

  g_string_append_printf (text, "Sessions per day over %u day%s, target %u a day:",
                          n, n == 1 ? "" : "s", target);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *spoken = day_spoken (days[i].day);

      g_string_append_printf (text, "%s %s %u", i == 0 ? "" : ",", spoken,
                              days[i].sessions);
      total += days[i].sessions;
      if (target > 0 && days[i].sessions >= target)
        met++;
    }
  if (n > 0)
    g_string_append_printf (text, ". Average %.1f a day; target met on %u of %u days.",
                            (double) total / n, met, n);
  else
    g_string_append (text, " no days.");
  return g_string_free (text, FALSE);
}

char *
lactd_chart_describe_milk (const LactdChartDay *days, guint n,
                           const char *first_milk_day)
{
  GString *text = g_string_new (NULL);
  double expressed = 0, supplement = 0;

  g_string_append_printf (text, "Milk per day over %u day%s, in mL, "
                                "expressed + supplement:",
                          n, n == 1 ? "" : "s");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *spoken = day_spoken (days[i].day);
      g_autofree char *own = ml_text (days[i].expressed_ml);
      g_autofree char *given = ml_text (days[i].supplement_ml);

      g_string_append_printf (text, "%s %s %s + %s", i == 0 ? "" : ",", spoken,
                              own, given);
      expressed += days[i].expressed_ml;
      supplement += days[i].supplement_ml;
    }
  {
    g_autofree char *own = ml_text (expressed);
    g_autofree char *given = ml_text (supplement);

    g_string_append_printf (text, ". In all %s mL expressed, %s mL supplement.",
                            own, given);
  }
  if (first_milk_day == NULL || *first_milk_day == '\0')
    g_string_append (text, " No milk expressed yet.");
  else
    {
      g_autofree char *spoken = day_spoken (first_milk_day);
      g_string_append_printf (text, " First milk on %s%s.", spoken,
                              lactd_chart_find_day (days, n, first_milk_day) < 0
                              ? ", before these days" : ", marked");
    }
  return g_string_free (text, FALSE);
}

char *
lactd_chart_describe_share (const LactdChartDay *days, guint n)
{
  GString *text = g_string_new (NULL);
  LactdChartDay all = { "", 0, 0, 0, 0 };
  double share;

  g_string_append_printf (text, "Own milk share per day over %u day%s:",
                          n, n == 1 ? "" : "s");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *spoken = day_spoken (days[i].day);

      if (lactd_chart_day_share (&days[i], &share))
        g_string_append_printf (text, "%s %s %.0f %%", i == 0 ? "" : ",",
                                spoken, share * 100.0);
      else
        g_string_append_printf (text, "%s %s no milk", i == 0 ? "" : ",",
                                spoken);
      all.expressed_ml += days[i].expressed_ml;
      all.supplement_ml += days[i].supplement_ml;
    }
  if (lactd_chart_day_share (&all, &share))
    g_string_append_printf (text, ". Over these days %.0f %% of the milk was "
                                  "your own.", share * 100.0);
  else
    g_string_append (text, ". No milk recorded over these days.");
  return g_string_free (text, FALSE);
}

/* --------------------------------------------------------------- ring */

double
lactd_chart_ring_fraction (guint sessions, guint target)
{
  if (target == 0)
    return sessions > 0 ? 1.0 : 0.0;
  return MIN ((double) sessions / target, 1.0);
}
