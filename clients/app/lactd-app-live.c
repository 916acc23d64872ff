/* lactd-app-live.c — the live session card (see the header). Every
 * Progress only changes label texts and bar values in place: nothing is
 * rebuilt, and the numbers use tabular figures, so the card does not
 * flicker or jump while it grows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include "lactd-app-format.h"
#include "lactd-app-live.h"
#include "lactd-app-window.h"
#include "lactd-chart-model.h"

typedef struct {
  GtkWidget *row;
  GtkWidget *bar;
  GtkWidget *volume;
} SideRow;

enum { SIDE_LEFT, SIDE_RIGHT, SIDE_SUPPLEMENT, N_SIDES };

struct _LactdAppLive {
  AdwBin parent_instance;

  LactdAppClient *client;
  GtkWidget *revealer;
  GtkWidget *title;
  GtkWidget *sensor_name;
  GtkWidget *elapsed;
  GtkWidget *phase;
  SideRow sides[N_SIDES];
  char *sensor_path;        /* the sensor of the session shown */
};

G_DEFINE_FINAL_TYPE (LactdAppLive, lactd_app_live, ADW_TYPE_BIN)

enum { PROP_0, PROP_ACTIVE, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
set_active (LactdAppLive *self, gboolean active)
{
  if (lactd_app_live_is_active (self) == active)
    return;
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->revealer), active);
  lactd_app_set_presented (gtk_revealer_get_child (GTK_REVEALER (self->revealer)), active);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE]);
}

static void
set_label (GtkWidget *label, const char *text)
{
  /* Unchanged text: no relayout at all. */
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) != 0)
    gtk_label_set_text (GTK_LABEL (label), text);
}

static void
show_sensor (LactdAppLive *self, const char *path)
{
  g_autoptr(LactdSensor1) sensor = lactd_app_client_lookup_sensor (self->client, path);
  const char *kind = sensor != NULL ? lactd_sensor1_get_kind (sensor) : NULL;
  const char *name = sensor != NULL ? lactd_sensor1_get_name (sensor) : NULL;

  g_free (self->sensor_path);
  self->sensor_path = g_strdup (path);
  set_label (self->title, g_strcmp0 (kind, "sns") == 0 ? "Feeding now" : "Pumping now");
  set_label (self->sensor_name, name != NULL && *name != '\0' ? name : "");
}

static void
show_side (SideRow *side, GVariant *live, const char *key, double scale_max)
{
  double ml = 0;
  gboolean present = lactd_dict_double (live, key, &ml);
  g_autofree char *volume = present ? lactd_format_volume (ml) : g_strdup ("not measured");

  gtk_level_bar_set_max_value (GTK_LEVEL_BAR (side->bar), scale_max);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (side->bar), MIN (ml, scale_max));
  set_label (side->volume, volume);
}

static void
show_live (LactdAppLive *self, const char *path, GVariant *live)
{
  double left = 0, right = 0, supplement = 0;
  gboolean has_supplement;
  g_autofree char *elapsed = lactd_format_elapsed (lactd_dict_uint (live, "elapsed", 0));
  LactdChartScale scale;

  if (g_strcmp0 (self->sensor_path, path) != 0)
    show_sensor (self, path);
  lactd_dict_double (live, "volume_left_ml", &left);
  lactd_dict_double (live, "volume_right_ml", &right);
  has_supplement = lactd_dict_double (live, "supplement_ml", &supplement);
  /* One scale for both sides, so the bars compare; it steps up (30, 50,
   * 100 mL...) as the volumes grow. */
  scale = lactd_chart_scale_nice (MAX (left, right), 30.0, 1, FALSE);

  set_label (self->elapsed, elapsed);
  set_label (self->phase, lactd_format_phase (lactd_dict_string (live, "phase", NULL)));
  show_side (&self->sides[SIDE_LEFT], live, "volume_left_ml", scale.max);
  show_side (&self->sides[SIDE_RIGHT], live, "volume_right_ml", scale.max);
  gtk_widget_set_visible (self->sides[SIDE_SUPPLEMENT].row, has_supplement);
  if (has_supplement)
    show_side (&self->sides[SIDE_SUPPLEMENT], live, "supplement_ml",
               lactd_chart_scale_nice (supplement, 30.0, 1, FALSE).max);
  set_active (self, TRUE);
}

static void
hide_live (LactdAppLive *self)
{
  g_clear_pointer (&self->sensor_path, g_free);
  set_active (self, FALSE);
}

gboolean
lactd_app_live_is_active (LactdAppLive *self)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (self->revealer));
}

/* ------------------------------------------------------------- signals */

static void
on_progress (LactdManager1 *manager, const char *sensor, GVariant *live,
             gpointer user_data)
{
  LactdAppLive *self = user_data;

  if (lactd_dict_bool (live, "active", TRUE))
    show_live (self, sensor, live);
  else if (g_strcmp0 (self->sensor_path, sensor) == 0)
    hide_live (self);
}

static void
on_session_ended (LactdManager1 *manager, const char *sensor, guint seq,
                  gpointer user_data)
{
  LactdAppLive *self = user_data;

  if (g_strcmp0 (self->sensor_path, sensor) == 0)
    hide_live (self);
}

/* A session already running when the daemon (or the app) appears. */
static void
show_running_session (LactdAppLive *self)
{
  g_autoptr(GList) sensors = NULL;

  sensors = lactd_app_client_get_sensors (self->client);
  for (GList *l = sensors; l != NULL; l = l->next)
    {
      GVariant *live = lactd_sensor1_get_live (l->data);

      if (live != NULL && g_variant_n_children (live) > 0 &&
          lactd_dict_bool (live, "active", TRUE))
        {
          show_live (self, g_dbus_proxy_get_object_path (l->data), live);
          return;
        }
    }
}

static void
on_client_state (LactdAppClient *client, GParamSpec *pspec, gpointer user_data)
{
  LactdAppLive *self = user_data;
  LactdManager1 *manager = lactd_app_client_get_manager (client);

  hide_live (self);
  if (manager == NULL)
    return;
  g_signal_connect_object (manager, "progress", G_CALLBACK (on_progress), self, 0);
  g_signal_connect_object (manager, "session-ended", G_CALLBACK (on_session_ended),
                           self, 0);
  show_running_session (self);
}

/* ---------------------------------------------------------------- build */

static GtkWidget *
side_row_new (SideRow *side, const char *name, const char *accessible_name)
{
  GtkWidget *label = gtk_label_new (name);

  side->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_size_request (label, 96, -1);
  side->bar = gtk_level_bar_new_for_interval (0, 30);
  /* One calm colour however full: these are not warnings. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (side->bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (side->bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (side->bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_add_css_class (side->bar, "side-bar");
  gtk_widget_set_hexpand (side->bar, TRUE);
  gtk_widget_set_valign (side->bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (side->bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  side->volume = gtk_label_new ("0 mL");
  gtk_label_set_xalign (GTK_LABEL (side->volume), 1);
  gtk_widget_set_size_request (side->volume, 96, -1);
  gtk_widget_add_css_class (side->volume, "numeric");
  gtk_box_append (GTK_BOX (side->row), label);
  gtk_box_append (GTK_BOX (side->row), side->bar);
  gtk_box_append (GTK_BOX (side->row), side->volume);
  return side->row;
}

static GtkWidget *
card_new (LactdAppLive *self)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *clock = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "live-card");
  gtk_accessible_update_property (GTK_ACCESSIBLE (card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Live session", -1);
  self->title = gtk_label_new ("Pumping now");
  gtk_widget_add_css_class (self->title, "heading");
  self->sensor_name = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->sensor_name, "dim-label");
  gtk_box_append (GTK_BOX (header), self->title);
  gtk_box_append (GTK_BOX (header), self->sensor_name);

  self->elapsed = gtk_label_new ("0:00");
  gtk_widget_add_css_class (self->elapsed, "live-elapsed");
  self->phase = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->phase, "title-3");
  gtk_widget_set_valign (self->phase, GTK_ALIGN_BASELINE);
  gtk_widget_set_valign (self->elapsed, GTK_ALIGN_BASELINE);
  gtk_box_append (GTK_BOX (clock), self->elapsed);
  gtk_box_append (GTK_BOX (clock), self->phase);

  gtk_box_append (GTK_BOX (card), header);
  gtk_box_append (GTK_BOX (card), clock);
  gtk_box_append (GTK_BOX (card), side_row_new (&self->sides[SIDE_LEFT], "Left",
                                                "Left side volume"));
  gtk_box_append (GTK_BOX (card), side_row_new (&self->sides[SIDE_RIGHT], "Right",
                                                "Right side volume"));
  gtk_box_append (GTK_BOX (card), side_row_new (&self->sides[SIDE_SUPPLEMENT],
                                                "Supplement", "Supplement volume"));
  gtk_widget_add_css_class (self->sides[SIDE_SUPPLEMENT].bar, "supplement");
  gtk_widget_set_visible (self->sides[SIDE_SUPPLEMENT].row, FALSE);
  return card;
}

static void
lactd_app_live_dispose (GObject *object)
{
  LactdAppLive *self = LACTD_APP_LIVE (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->sensor_path, g_free);
  G_OBJECT_CLASS (lactd_app_live_parent_class)->dispose (object);
}

static void
lactd_app_live_get_property (GObject *object, guint prop_id, GValue *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, lactd_app_live_is_active (LACTD_APP_LIVE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_app_live_class_init (LactdAppLiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lactd_app_live_dispose;
  object_class->get_property = lactd_app_live_get_property;
  props[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lactd_app_live_init (LactdAppLive *self)
{
  self->revealer = gtk_revealer_new ();
  gtk_revealer_set_transition_type (GTK_REVEALER (self->revealer),
                                    GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (GTK_REVEALER (self->revealer), card_new (self));
  lactd_app_set_presented (gtk_revealer_get_child (GTK_REVEALER (self->revealer)), FALSE);
  adw_bin_set_child (ADW_BIN (self), self->revealer);
}

GtkWidget *
lactd_app_live_new (LactdAppClient *client)
{
  LactdAppLive *self = g_object_new (LACTD_TYPE_APP_LIVE, NULL);

  self->client = g_object_ref (client);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  on_client_state (client, NULL, self);
  return GTK_WIDGET (self);
}
