/* lactd-ring.c — the progress ring (see the header): a track, an arc of
 * lactd_chart_ring_fraction(), and two labels in the middle. It reads as a
 * progress bar to assistive technologies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include <adwaita.h>

#include "lactd-chart.h"
#include "lactd-chart-model.h"
#include "lactd-ring.h"

#define RING_SIZE 176
#define RING_WIDTH 14.0

struct _LactdRing {
  GtkWidget parent_instance;

  GtkWidget *labels;     /* the box in the middle */
  GtkWidget *count;
  GtkWidget *caption;
  guint sessions;
  guint target;
};

G_DEFINE_FINAL_TYPE (LactdRing, lactd_ring, GTK_TYPE_WIDGET)

static void
lactd_ring_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LactdRing *self = LACTD_RING (widget);
  double size = MIN (gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  double cx = gtk_widget_get_width (widget) / 2.0;
  double cy = gtk_widget_get_height (widget) / 2.0;
  double radius = (size - RING_WIDTH) / 2 - 1;
  double fraction = lactd_chart_ring_fraction (self->sessions, self->target);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, (float) gtk_widget_get_width (widget),
                                               (float) gtk_widget_get_height (widget));
  cairo_t *cr;
  GdkRGBA track, arc;

  if (radius > 0)
    {
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &track);
      track.alpha *= 0.12f;
      lactd_chart_series_color (fraction >= 1.0 ? LACTD_CHART_SERIES_OWN_MILK
                                                : LACTD_CHART_SERIES_SESSIONS, &arc);
      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      cairo_set_line_width (cr, RING_WIDTH);
      gdk_cairo_set_source_rgba (cr, &track);
      cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
      cairo_stroke (cr);
      if (fraction > 0)
        {
          /* From twelve o'clock, clockwise. */
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          gdk_cairo_set_source_rgba (cr, &arc);
          cairo_arc (cr, cx, cy, radius, -G_PI / 2, -G_PI / 2 + fraction * 2 * G_PI);
          cairo_stroke (cr);
        }
      cairo_destroy (cr);
    }
  gtk_widget_snapshot_child (widget, self->labels, snapshot);
}

void
lactd_ring_set_progress (LactdRing *self, guint sessions, guint target)
{
  g_autofree char *count = g_strdup_printf ("%u", sessions);
  g_autofree char *caption = g_strdup_printf ("of %u sessions", target);
  g_autofree char *spoken = g_strdup_printf ("%u of %u sessions in the last 24 hours",
                                             sessions, target);

  g_return_if_fail (LACTD_IS_RING (self));
  self->sessions = sessions;
  self->target = target;
  gtk_label_set_text (GTK_LABEL (self->count), count);
  gtk_label_set_text (GTK_LABEL (self->caption), caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, (double) MAX (target, 1u),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW,
                                  (double) MIN (sessions, MAX (target, 1u)),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, spoken,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_dark_changed (AdwStyleManager *manager, GParamSpec *pspec, gpointer user_data)
{
  gtk_widget_queue_draw (GTK_WIDGET (user_data));
}

static void
lactd_ring_dispose (GObject *object)
{
  LactdRing *self = LACTD_RING (object);

  g_clear_pointer (&self->labels, gtk_widget_unparent);
  G_OBJECT_CLASS (lactd_ring_parent_class)->dispose (object);
}

static void
lactd_ring_class_init (LactdRingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lactd_ring_dispose;
  widget_class->snapshot = lactd_ring_snapshot;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ring");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PROGRESS_BAR);
}

static void
lactd_ring_init (LactdRing *self)
{
  self->labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_valign (self->labels, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (self->labels, GTK_ALIGN_CENTER);
  self->count = gtk_label_new ("0");
  gtk_widget_add_css_class (self->count, "ring-count");
  self->caption = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->caption, "dim-label");
  gtk_box_append (GTK_BOX (self->labels), self->count);
  gtk_box_append (GTK_BOX (self->labels), self->caption);
  gtk_widget_set_parent (self->labels, GTK_WIDGET (self));
  gtk_widget_set_size_request (GTK_WIDGET (self), RING_SIZE, RING_SIZE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Sessions in the last 24 hours", -1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, 0);
}

GtkWidget *
lactd_ring_new (void)
{
  return g_object_new (LACTD_TYPE_RING, NULL);
}
