/* lactd-app-trends.c — the Trends view (see the header). One
 * DailySummary call fills the three charts; stored sessions arriving in a
 * burst (a sensor's backlog) are coalesced into one refresh a second
 * later, and a refresh asked for while one is in flight runs after it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include "lactd-app-format.h"
#include "lactd-app-trends.h"
#include "lactd-chart.h"

#define COALESCE_MS 1000

static const guint ranges[] = { 7, 30, 90 };

struct _LactdAppTrends {
  AdwBin parent_instance;

  LactdAppClient *client;
  GCancellable *cancellable;
  guint n_days;
  gboolean in_flight;
  gboolean dirty;
  guint coalesce_id;
  GtkWidget *summary;
  GtkWidget *target_legend;
  GtkWidget *sessions;
  GtkWidget *milk;
  GtkWidget *share;
};

G_DEFINE_FINAL_TYPE (LactdAppTrends, lactd_app_trends, ADW_TYPE_BIN)

static void refresh (LactdAppTrends *self);

/* ------------------------------------------------------------ summary */

static void
show_trend (LactdAppTrends *self)
{
  LactdGoals1 *goals = lactd_app_client_get_goals (self->client);
  GVariant *trend = goals != NULL ? lactd_goals1_get_trend (goals) : NULL;
  GVariant *goal = goals != NULL ? lactd_goals1_get_goal (goals) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *expressed = NULL, *supplement = NULL;
  double ml = 0, share;
  const char *first;
  guint target = lactd_dict_uint (goal, "sessions_per_day", 8);
  g_autofree char *target_text = g_strdup_printf ("Goal, %u a day", target);

  lactd_chart_set_target (LACTD_CHART (self->sessions), target);
  gtk_label_set_text (GTK_LABEL (self->target_legend), target_text);
  if (trend == NULL)
    return;
  lactd_dict_double (trend, "expressed_ml_per_day", &ml);
  expressed = lactd_format_volume (ml);
  ml = 0;
  lactd_dict_double (trend, "supplement_ml_per_day", &ml);
  supplement = lactd_format_volume (ml);
  g_string_append_printf (text, "The last 7 full days: %s a day expressed, %s supplement",
                          expressed, supplement);
  if (lactd_dict_double (trend, "own_milk_share", &share))
    g_string_append_printf (text, ", %.0f %% of the milk your own", share * 100);
  g_string_append (text, ".");
  first = lactd_dict_string (trend, "first_milk_day", "");
  if (*first != '\0')
    {
      g_autofree char *label = lactd_chart_day_label (first, FALSE);
      g_string_append_printf (text, " First milk on %s.", label != NULL ? label : first);
    }
  else
    g_string_append (text, " The first drops often take two to four weeks.");
  gtk_label_set_text (GTK_LABEL (self->summary), text->str);
  lactd_chart_set_first_milk_day (LACTD_CHART (self->milk), first);
}

/* -------------------------------------------------------------- days */

static GArray *
days_from_summary (GVariant *summary)
{
  GArray *days = g_array_new (FALSE, TRUE, sizeof (LactdChartDay));
  GVariantIter iter;
  GVariant *entry;

  g_variant_iter_init (&iter, summary);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) owned = entry;
      LactdChartDay day = { "", 0, 0, 0, 0 };

      g_strlcpy (day.day, lactd_dict_string (entry, "day", ""), sizeof day.day);
      day.sessions = lactd_dict_uint (entry, "sessions", 0);
      day.night_sessions = lactd_dict_uint (entry, "night_sessions", 0);
      lactd_dict_double (entry, "expressed_ml", &day.expressed_ml);
      lactd_dict_double (entry, "supplement_ml", &day.supplement_ml);
      g_array_append_val (days, day);
    }
  return days;
}

static void
on_summary (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) summary = NULL;
  g_autoptr(GArray) days = NULL;
  LactdAppTrends *self = user_data;

  lactd_history1_call_daily_summary_finish (LACTD_HISTORY1 (source), &summary,
                                            result, &error);
  if (lactd_app_error_is_cancelled (error))
    return;
  self->in_flight = FALSE;
  if (error != NULL)
    {
      g_autofree char *message = lactd_app_error_message (error);
      gtk_label_set_text (GTK_LABEL (self->summary), message);
      return;
    }
  days = days_from_summary (summary);
  lactd_chart_set_days (LACTD_CHART (self->sessions),
                        (LactdChartDay *) (void *) days->data, days->len);
  lactd_chart_set_days (LACTD_CHART (self->milk),
                        (LactdChartDay *) (void *) days->data, days->len);
  lactd_chart_set_days (LACTD_CHART (self->share),
                        (LactdChartDay *) (void *) days->data, days->len);
  show_trend (self);
  if (self->dirty)
    refresh (self);
}

static void
refresh (LactdAppTrends *self)
{
  LactdHistory1 *history = lactd_app_client_get_history (self->client);
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) first = g_date_time_add_days (today, -(int) (self->n_days - 1));
  g_autofree char *first_day = g_date_time_format (first, "%Y-%m-%d");
  g_autofree char *last_day = g_date_time_format (today, "%Y-%m-%d");

  if (history == NULL)
    return;
  if (self->in_flight)
    {
      self->dirty = TRUE;
      return;
    }
  self->in_flight = TRUE;
  self->dirty = FALSE;
  lactd_history1_call_daily_summary (history, first_day, last_day, self->cancellable,
                                     on_summary, self);
}

static gboolean
on_coalesced (gpointer user_data)
{
  LactdAppTrends *self = user_data;

  self->coalesce_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
on_session_added (LactdHistory1 *history, GVariant *session, gpointer user_data)
{
  LactdAppTrends *self = user_data;

  if (self->coalesce_id == 0)
    self->coalesce_id = g_timeout_add (COALESCE_MS, on_coalesced, self);
}

static void
on_session_deleted (LactdAppClient *client, guint64 id, gpointer user_data)
{
  refresh (user_data);
}

static void
on_goals_changed (GObject *goals, GParamSpec *pspec, gpointer user_data)
{
  LactdAppTrends *self = user_data;

  show_trend (self);
  /* Trend changes at local midnight: the days shift. */
  if (g_str_equal (pspec->name, "trend"))
    refresh (self);
}

static void
on_client_state (LactdAppClient *client, GParamSpec *pspec, gpointer user_data)
{
  LactdAppTrends *self = user_data;
  LactdHistory1 *history = lactd_app_client_get_history (client);
  LactdGoals1 *goals = lactd_app_client_get_goals (client);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->in_flight = FALSE;
  if (history == NULL)
    return;
  g_signal_connect_object (history, "session-added", G_CALLBACK (on_session_added), self, 0);
  g_signal_connect_object (goals, "notify::trend", G_CALLBACK (on_goals_changed), self, 0);
  g_signal_connect_object (goals, "notify::goal", G_CALLBACK (on_goals_changed), self, 0);
  show_trend (self);
  refresh (self);
}

static void
on_range_toggled (GtkToggleButton *button, gpointer user_data)
{
  LactdAppTrends *self = user_data;

  if (!gtk_toggle_button_get_active (button))
    return;
  self->n_days = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "days"));
  refresh (self);
}

/* ---------------------------------------------------------------- build */

static void
draw_swatch (GtkDrawingArea *area, cairo_t *cr, int width, int height,
             gpointer user_data)
{
  GdkRGBA color;

  lactd_chart_series_color (GPOINTER_TO_UINT (user_data), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

static void
on_dark_changed (AdwStyleManager *manager, GParamSpec *pspec, gpointer user_data)
{
  gtk_widget_queue_draw (GTK_WIDGET (user_data));
}

static void
draw_dashes (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  GdkRGBA color;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  color.alpha *= 0.75f;
  gdk_cairo_set_source_rgba (cr, &color);
  for (int x = 0; x < width; x += 10)
    cairo_rectangle (cr, x, height / 2.0 - 1, MIN (6, width - x), 2);
  cairo_fill (cr);
}

/* The target line's legend: a dash and "Goal, 8 a day" (LABEL). */
static GtkWidget *
target_legend_item (GtkWidget **label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *dash = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (dash), 16);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (dash), 12);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dash), draw_dashes, NULL, NULL);
  gtk_widget_set_valign (dash, GTK_ALIGN_CENTER);
  *label = gtk_label_new ("Goal");
  gtk_widget_add_css_class (*label, "caption");
  gtk_box_append (GTK_BOX (box), dash);
  gtk_box_append (GTK_BOX (box), *label);
  return box;
}

static GtkWidget *
legend_item (LactdChartSeries series, const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 12);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 12);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                  GUINT_TO_POINTER (series), NULL);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), swatch, 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

/* A card: TITLE, a legend of up to two series, the chart. */
static GtkWidget *
chart_card (const char *title, GtkWidget *chart, GtkWidget *legend1, GtkWidget *legend2)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *heading = gtk_label_new (title);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "chart-card");
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_set_hexpand (heading, TRUE);
  gtk_box_append (GTK_BOX (header), heading);
  gtk_box_append (GTK_BOX (header), legend1);
  if (legend2 != NULL)
    gtk_box_append (GTK_BOX (header), legend2);
  gtk_box_append (GTK_BOX (card), header);
  gtk_box_append (GTK_BOX (card), chart);
  return card;
}

static GtkWidget *
range_switch (LactdAppTrends *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *group = NULL;

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  for (gsize i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autofree char *text = g_strdup_printf ("%u days", ranges[i]);
      GtkWidget *button = gtk_toggle_button_new_with_label (text);

      g_object_set_data (G_OBJECT (button), "days", GUINT_TO_POINTER (ranges[i]));
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), GTK_TOGGLE_BUTTON (group));
      else
        group = button;
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), ranges[i] == self->n_days);
      g_signal_connect (button, "toggled", G_CALLBACK (on_range_toggled), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  return box;
}

static GtkWidget *
content_new (LactdAppTrends *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  gtk_widget_add_css_class (box, "page-content");
  self->summary = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->summary), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->summary), 0);
  self->sessions = lactd_chart_new (LACTD_CHART_SESSIONS, "Sessions per day");
  self->milk = lactd_chart_new (LACTD_CHART_MILK, "Milk per day");
  self->share = lactd_chart_new (LACTD_CHART_SHARE, "Own milk share");
  gtk_box_append (GTK_BOX (box), range_switch (self));
  gtk_box_append (GTK_BOX (box), self->summary);
  gtk_box_append (GTK_BOX (box),
                  chart_card ("Sessions per day", self->sessions,
                              legend_item (LACTD_CHART_SERIES_SESSIONS, "Sessions"),
                              target_legend_item (&self->target_legend)));
  gtk_box_append (GTK_BOX (box),
                  chart_card ("Milk per day", self->milk,
                              legend_item (LACTD_CHART_SERIES_OWN_MILK, "Expressed"),
                              legend_item (LACTD_CHART_SERIES_SUPPLEMENT, "Supplement")));
  gtk_box_append (GTK_BOX (box),
                  chart_card ("Own milk share", self->share,
                              legend_item (LACTD_CHART_SERIES_OWN_MILK, "Your own milk"),
                              NULL));
  return box;
}

static void
lactd_app_trends_dispose (GObject *object)
{
  LactdAppTrends *self = LACTD_APP_TRENDS (object);

  g_clear_handle_id (&self->coalesce_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (lactd_app_trends_parent_class)->dispose (object);
}

static void
lactd_app_trends_class_init (LactdAppTrendsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lactd_app_trends_dispose;
}

static void
lactd_app_trends_init (LactdAppTrends *self)
{
  self->cancellable = g_cancellable_new ();
  self->n_days = 30;
}

GtkWidget *
lactd_app_trends_new (LactdAppClient *client)
{
  LactdAppTrends *self = g_object_new (LACTD_TYPE_APP_TRENDS, NULL);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  self->client = g_object_ref (client);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 760);
  adw_clamp_set_child (ADW_CLAMP (clamp), content_new (self));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  adw_bin_set_child (ADW_BIN (self), scrolled);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  g_signal_connect (client, "session-deleted", G_CALLBACK (on_session_deleted), self);
  on_client_state (client, NULL, self);
  return GTK_WIDGET (self);
}
