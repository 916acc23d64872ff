/* lactd-chart.h — a daily chart drawn with GtkSnapshot: sessions per day
 * against the target, milk per day (expressed and supplement stacked, the
 * first-milk day marked) or the own-milk share. The geometry is
 * lactd-chart-model's; this widget only paints it, in the theme's colours,
 * and keeps its accessible description (every number, in words) current.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lactd-chart-model.h"

G_BEGIN_DECLS

typedef enum {
  LACTD_CHART_SESSIONS,
  LACTD_CHART_MILK,
  LACTD_CHART_SHARE,
} LactdChartKind;

#define LACTD_TYPE_CHART (lactd_chart_get_type ())
G_DECLARE_FINAL_TYPE (LactdChart, lactd_chart, LACTD, CHART, GtkWidget)

/* TITLE is its accessible label. */
GtkWidget *lactd_chart_new (LactdChartKind kind, const char *title);
/* Copies the N days (oldest first). */
void lactd_chart_set_days (LactdChart *self, const LactdChartDay *days, guint n);
/* The sessions chart's target line. */
void lactd_chart_set_target (LactdChart *self, guint target);
/* The milk chart's marker; NULL or "" for none. */
void lactd_chart_set_first_milk_day (LactdChart *self, const char *day);
/* The accessible description, as set last (for tests and tooltips). */
const char *lactd_chart_get_description (LactdChart *self);

typedef enum {
  LACTD_CHART_SERIES_SESSIONS,
  LACTD_CHART_SERIES_OWN_MILK,    /* expressed, and the own-milk share */
  LACTD_CHART_SERIES_SUPPLEMENT,
} LactdChartSeries;

/* A series' colour in the current light or dark style, shared with the
 * legends beside the charts. */
void lactd_chart_series_color (LactdChartSeries series, GdkRGBA *color);

G_END_DECLS
