/* lactd-chart.c — painting lactd-chart-model's geometry with GtkSnapshot
 * (see the header). Bars, gridlines and dashes are colour nodes; the share
 * line is one cairo node; text is Pango layouts in the widget's own font
 * and colour, so a larger font or the dark style carries through.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include <math.h>

#include <adwaita.h>

#include "lactd-chart.h"

#define MAX_DASHES 256
#define GAP_BELOW_LABELS 6.0
#define MARKER_ROOM 18.0

struct _LactdChart {
  GtkWidget parent_instance;

  LactdChartKind kind;
  GArray *days;              /* of LactdChartDay */
  guint target;
  char *first_milk_day;
  char *description;
};

G_DEFINE_FINAL_TYPE (LactdChart, lactd_chart, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------- colours */

void
lactd_chart_series_color (LactdChartSeries series, GdkRGBA *color)
{
  /* GNOME's palette: the darker shade on light, the lighter on dark. */
  static const char *const light[] = { "#1c71d8", "#26a269", "#c88800" };
  static const char *const dark[] = { "#78aeed", "#57e389", "#e5a50a" };
  gboolean is_dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  g_return_if_fail (series <= LACTD_CHART_SERIES_SUPPLEMENT);
  gdk_rgba_parse (color, is_dark ? dark[series] : light[series]);
}

static void
foreground (GtkWidget *widget, double alpha, GdkRGBA *color)
{
  /* gtk_widget_get_color() is GTK 4.10; Debian 12 has 4.8. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
  color->alpha *= (float) alpha;
}

/* -------------------------------------------------------------- pieces */

static graphene_rect_t
to_graphene (const LactdChartRect *rect)
{
  return GRAPHENE_RECT_INIT ((float) rect->x, (float) rect->y,
                             (float) rect->width, (float) rect->height);
}

static void
fill_rect (GtkSnapshot *snapshot, const GdkRGBA *color, const LactdChartRect *rect)
{
  graphene_rect_t bounds = to_graphene (rect);

  gtk_snapshot_append_color (snapshot, color, &bounds);
}

/* Draws TEXT with its top-left at X, Y, or right-aligned to X when RIGHT,
 * or centred on X when CENTRE. */
static void
draw_text (GtkSnapshot *snapshot, GtkWidget *widget, const char *text,
           double x, double y, PangoAlignment align, const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  if (align == PANGO_ALIGN_RIGHT)
    x -= width;
  else if (align == PANGO_ALIGN_CENTER)
    x -= width / 2.0;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
text_size (GtkWidget *widget, const char *text, int *width, int *height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);

  pango_layout_get_pixel_size (layout, width, height);
}

/* ---------------------------------------------------------------- axes */

static LactdChartScale
chart_scale (LactdChart *self)
{
  double top = 0;

  if (self->kind == LACTD_CHART_SHARE)
    return (LactdChartScale) { 1.0, 0.25, 4 };
  for (guint i = 0; i < self->days->len; i++)
    {
      LactdChartDay *day = &g_array_index (self->days, LactdChartDay, i);
      top = MAX (top, self->kind == LACTD_CHART_SESSIONS
                      ? (double) day->sessions
                      : day->expressed_ml + day->supplement_ml);
    }
  if (self->kind == LACTD_CHART_SESSIONS)
    return lactd_chart_scale_nice (top, self->target + 1.0, 4, TRUE);
  return lactd_chart_scale_nice (top, 50.0, 4, FALSE);
}

static char *
axis_text (LactdChart *self, double value)
{
  g_autofree char *number = NULL;

  if (self->kind == LACTD_CHART_SHARE)
    return g_strdup_printf ("%.0f %%", value * 100);
  number = lactd_chart_axis_label (value);
  return g_steal_pointer (&number);
}

static LactdChartFrame
chart_frame (LactdChart *self, const LactdChartScale *scale)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autofree char *widest = axis_text (self, scale->max);
  int label_width, label_height;
  double top = self->kind == LACTD_CHART_MILK ? MARKER_ROOM : 8.0;

  text_size (widget, widest, &label_width, &label_height);
  return lactd_chart_frame (gtk_widget_get_width (widget),
                            gtk_widget_get_height (widget),
                            label_width + 10.0, top, 8.0,
                            label_height + GAP_BELOW_LABELS,
                            self->days->len, 0.7, 36.0);
}

static void
draw_grid (LactdChart *self, GtkSnapshot *snapshot, const LactdChartFrame *frame,
           const LactdChartScale *scale)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GdkRGBA line, label;
  int width, height;

  foreground (widget, 0.12, &line);
  foreground (widget, 0.65, &label);
  for (guint i = 0; i <= scale->n_steps; i++)
    {
      double value = i * scale->step;
      double y = lactd_chart_y (frame, scale, value);
      LactdChartRect rule = { frame->plot.x, round (y) - 0.5, frame->plot.width, 1.0 };
      g_autofree char *text = axis_text (self, value);

      fill_rect (snapshot, &line, &rule);
      text_size (widget, text, &width, &height);
      draw_text (snapshot, widget, text, frame->plot.x - 6, y - height / 2.0,
                 PANGO_ALIGN_RIGHT, &label);
    }
}

static void
draw_day_labels (LactdChart *self, GtkSnapshot *snapshot,
                 const LactdChartFrame *frame)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean weekday = self->days->len <= 7;
  int width, height;
  guint stride;
  GdkRGBA label;

  text_size (widget, weekday ? "Wed" : "30 Sep", &width, &height);
  stride = lactd_chart_label_stride (frame, width + 10.0);
  foreground (widget, 0.65, &label);
  for (guint i = 0; i < self->days->len; i++)
    {
      LactdChartDay *day = &g_array_index (self->days, LactdChartDay, i);
      g_autofree char *text = NULL;

      if (!lactd_chart_slot_labelled (frame, i, stride))
        continue;
      text = lactd_chart_day_label (day->day, weekday);
      if (text != NULL)
        draw_text (snapshot, widget, text, lactd_chart_slot_center (frame, i),
                   frame->plot.y + frame->plot.height + GAP_BELOW_LABELS / 2,
                   PANGO_ALIGN_CENTER, &label);
    }
}

/* --------------------------------------------------------------- series */

/* A bar whose top corners are rounded, filled by the SEGMENTS drawn
 * inside it. */
static void
push_bar_clip (GtkSnapshot *snapshot, const LactdChartRect *bar)
{
  graphene_rect_t bounds = to_graphene (bar);
  float radius = (float) MIN (4.0, bar->width / 2);
  graphene_size_t round_corner = GRAPHENE_SIZE_INIT (radius, radius);
  graphene_size_t square = GRAPHENE_SIZE_INIT (0, 0);
  GskRoundedRect clip;

  gsk_rounded_rect_init (&clip, &bounds, &round_corner, &round_corner,
                         &square, &square);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
}

/* The target as a dashed line; the legend beside the chart names it. */
static void
draw_target (LactdChart *self, GtkSnapshot *snapshot,
             const LactdChartFrame *frame, const LactdChartScale *scale)
{
  LactdChartRect dashes[MAX_DASHES];
  double y = lactd_chart_y (frame, scale, self->target);
  guint n = lactd_chart_dashes (frame, y, 6.0, 4.0, 2.0, dashes, MAX_DASHES);
  GdkRGBA color;

  foreground (GTK_WIDGET (self), 0.75, &color);
  for (guint i = 0; i < n; i++)
    fill_rect (snapshot, &color, &dashes[i]);
}

static void
draw_bars (LactdChart *self, GtkSnapshot *snapshot,
           const LactdChartFrame *frame, const LactdChartScale *scale)
{
  GdkRGBA first, second;

  lactd_chart_series_color (self->kind == LACTD_CHART_SESSIONS
                            ? LACTD_CHART_SERIES_SESSIONS
                            : LACTD_CHART_SERIES_OWN_MILK, &first);
  lactd_chart_series_color (LACTD_CHART_SERIES_SUPPLEMENT, &second);
  for (guint i = 0; i < self->days->len; i++)
    {
      LactdChartDay *day = &g_array_index (self->days, LactdChartDay, i);
      double low = self->kind == LACTD_CHART_SESSIONS ? day->sessions : day->expressed_ml;
      double high = self->kind == LACTD_CHART_SESSIONS ? 0 : day->supplement_ml;
      LactdChartRect whole = lactd_chart_bar (frame, scale, i, 0, low + high);
      LactdChartRect bottom = lactd_chart_bar (frame, scale, i, 0, low);
      LactdChartRect top = lactd_chart_bar (frame, scale, i, low, low + high);

      if (whole.height <= 0)
        continue;
      push_bar_clip (snapshot, &whole);
      fill_rect (snapshot, &first, &bottom);
      fill_rect (snapshot, &second, &top);
      gtk_snapshot_pop (snapshot);
    }
}

static void
draw_first_milk (LactdChart *self, GtkSnapshot *snapshot,
                 const LactdChartFrame *frame)
{
  int slot = lactd_chart_find_day ((LactdChartDay *) (void *) self->days->data,
                                   self->days->len, self->first_milk_day);
  double x;
  GdkRGBA color;
  LactdChartRect rule;

  if (slot < 0)
    return;
  x = lactd_chart_slot_center (frame, (guint) slot);
  foreground (GTK_WIDGET (self), 0.8, &color);
  rule = (LactdChartRect) { round (x) - 1, frame->plot.y - MARKER_ROOM + 14,
                            2.0, frame->plot.height + MARKER_ROOM - 14 };
  fill_rect (snapshot, &color, &rule);
  /* The label leans away from the nearer edge. */
  draw_text (snapshot, GTK_WIDGET (self), "first milk",
             x + (x > frame->plot.x + frame->plot.width / 2 ? -4 : 4), 0,
             x > frame->plot.x + frame->plot.width / 2 ? PANGO_ALIGN_RIGHT
                                                       : PANGO_ALIGN_LEFT,
             &color);
}

static void
draw_share (LactdChart *self, GtkSnapshot *snapshot, const LactdChartFrame *frame)
{
  g_autofree LactdChartPoint *points = g_new (LactdChartPoint, MAX (self->days->len, 1u));
  guint n = lactd_chart_share_points (frame, (LactdChartDay *) (void *) self->days->data,
                                      self->days->len, points);
  graphene_rect_t bounds = to_graphene (&frame->plot);
  cairo_t *cr;
  GdkRGBA color;

  if (n == 0)
    return;
  lactd_chart_series_color (LACTD_CHART_SERIES_OWN_MILK, &color);
  graphene_rect_inset (&bounds, -4, -4);
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* A soft area under the line, the line, and a dot on each day. */
  cairo_move_to (cr, points[0].x, frame->plot.y + frame->plot.height);
  for (guint i = 0; i < n; i++)
    cairo_line_to (cr, points[i].x, points[i].y);
  cairo_line_to (cr, points[n - 1].x, frame->plot.y + frame->plot.height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, (double) color.red, (double) color.green,
                         (double) color.blue, 0.18);
  cairo_fill (cr);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 2.5);
  for (guint i = 0; i < n; i++)
    cairo_line_to (cr, points[i].x, points[i].y);
  cairo_stroke (cr);
  for (guint i = 0; i < n && frame->slot_width >= 6; i++)
    {
      cairo_arc (cr, points[i].x, points[i].y, 3.0, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

static void
lactd_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LactdChart *self = LACTD_CHART (widget);
  LactdChartScale scale = chart_scale (self);
  LactdChartFrame frame = chart_frame (self, &scale);

  if (frame.plot.width < 10 || frame.plot.height < 10)
    return;
  draw_grid (self, snapshot, &frame, &scale);
  draw_day_labels (self, snapshot, &frame);
  switch (self->kind)
    {
    case LACTD_CHART_SESSIONS:
      draw_bars (self, snapshot, &frame, &scale);
      if (self->target > 0)
        draw_target (self, snapshot, &frame, &scale);
      break;
    case LACTD_CHART_MILK:
      draw_bars (self, snapshot, &frame, &scale);
      draw_first_milk (self, snapshot, &frame);
      break;
    case LACTD_CHART_SHARE:
      draw_share (self, snapshot, &frame);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* -------------------------------------------------------- description */

static void
update_description (LactdChart *self)
{
  const LactdChartDay *days = (const LactdChartDay *) (void *) self->days->data;
  guint n = self->days->len;

  g_free (self->description);
  switch (self->kind)
    {
    case LACTD_CHART_SESSIONS:
      self->description = lactd_chart_describe_sessions (days, n, self->target);
      break;
    case LACTD_CHART_MILK:
      self->description = lactd_chart_describe_milk (days, n, self->first_milk_day);
      break;
    case LACTD_CHART_SHARE:
      self->description = lactd_chart_describe_share (days, n);
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lactd_chart_set_days (LactdChart *self, const LactdChartDay *days, guint n)
{
  g_return_if_fail (LACTD_IS_CHART (self));

  g_array_set_size (self->days, 0);
  g_array_append_vals (self->days, days, n);
  update_description (self);
}

void
lactd_chart_set_target (LactdChart *self, guint target)
{
  g_return_if_fail (LACTD_IS_CHART (self));

  if (self->target == target)
    return;
  self->target = target;
  update_description (self);
}

void
lactd_chart_set_first_milk_day (LactdChart *self, const char *day)
{
  g_return_if_fail (LACTD_IS_CHART (self));

  if (g_strcmp0 (self->first_milk_day, day) == 0)
    return;
  g_free (self->first_milk_day);
  self->first_milk_day = g_strdup (day);
  update_description (self);
}

const char *
lactd_chart_get_description (LactdChart *self)
{
  g_return_val_if_fail (LACTD_IS_CHART (self), NULL);
  return self->description;
}

/* ------------------------------------------------------------- GObject */

static void
lactd_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                     int *minimum, int *natural, int *minimum_baseline,
                     int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 480;
    }
  else
    {
      *minimum = 120;
      *natural = 150;
    }
}

static void
on_dark_changed (AdwStyleManager *manager, GParamSpec *pspec, gpointer user_data)
{
  gtk_widget_queue_draw (GTK_WIDGET (user_data));
}

static void
lactd_chart_finalize (GObject *object)
{
  LactdChart *self = LACTD_CHART (object);

  g_array_unref (self->days);
  g_free (self->first_milk_day);
  g_free (self->description);
  G_OBJECT_CLASS (lactd_chart_parent_class)->finalize (object);
}

static void
lactd_chart_class_init (LactdChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lactd_chart_finalize;
  widget_class->snapshot = lactd_chart_snapshot;
  widget_class->measure = lactd_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lactd_chart_init (LactdChart *self)
{
  self->days = g_array_new (FALSE, TRUE, sizeof (LactdChartDay));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, 0);
}

GtkWidget *
lactd_chart_new (LactdChartKind kind, const char *title)
{
  LactdChart *self = g_object_new (LACTD_TYPE_CHART, NULL);

  self->kind = kind;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  update_description (self);
  return GTK_WIDGET (self);
}
