/* lactd-app-today.c — the Today view (see the header). It reads Goals1's
 * properties and follows their PropertiesChanged; a 20 s timer only
 * rewrites the countdown, it never asks the daemon anything.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include "lactd-app-format.h"
#include "lactd-app-live.h"
#include "lactd-app-today.h"
#include "lactd-ring.h"

#define COUNTDOWN_INTERVAL_S 20

typedef struct {
  GtkWidget *row;
  GtkWidget *bar;
} SideRow;

struct _LactdAppToday {
  AdwBin parent_instance;

  LactdAppClient *client;
  GtkWidget *live;
  GtkWidget *ring;
  GtkWidget *next_time;
  GtkWidget *countdown;
  GtkWidget *next_note;
  SideRow sides[2];
  GtkWidget *night_row;
  GtkWidget *night_state;
  GtkWidget *expressed;
  GtkWidget *supplement;
  GtkWidget *own_share;
  GTimeZone *tz;
  guint countdown_id;
};

G_DEFINE_FINAL_TYPE (LactdAppToday, lactd_app_today, ADW_TYPE_BIN)

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ------------------------------------------------------------ next due */

static const char *
why_nothing_due (LactdAppToday *self, LactdGoals1 *goals)
{
  GVariant *goal = lactd_goals1_get_goal (goals);
  GVariant *progress = lactd_goals1_get_progress (goals);

  if (lactd_app_live_is_active (LACTD_APP_LIVE (self->live)))
    return "A session is running";
  if (!lactd_dict_bool (goal, "reminders", TRUE))
    return "Reminders are off";
  if (lactd_dict_uint (progress, "sessions", 0) == 0)
    return "Due after your first session";
  return "Nothing due";
}

static void
show_next_due (LactdAppToday *self)
{
  LactdGoals1 *goals = lactd_app_client_get_goals (self->client);
  gint64 due = goals != NULL ? lactd_goals1_get_next_due (goals) : 0;
  gint64 now = now_unix ();
  g_autofree char *clock = NULL, *countdown = NULL;

  if (goals == NULL || due <= 0)
    {
      gtk_label_set_text (GTK_LABEL (self->next_time), "—");
      gtk_label_set_text (GTK_LABEL (self->countdown),
                          goals != NULL ? why_nothing_due (self, goals) : "");
      gtk_widget_remove_css_class (self->countdown, "warning");
      return;
    }
  clock = lactd_format_clock (due, self->tz);
  countdown = lactd_format_countdown (due, now);
  gtk_label_set_text (GTK_LABEL (self->next_time), clock);
  if (due > now)
    gtk_label_set_text (GTK_LABEL (self->countdown), countdown);
  else
    {
      g_autofree char *overdue = g_strconcat ("due ", countdown, NULL);
      gtk_label_set_text (GTK_LABEL (self->countdown), overdue);
    }
  if (due <= now)
    gtk_widget_add_css_class (self->countdown, "warning");
  else
    gtk_widget_remove_css_class (self->countdown, "warning");
}

static gboolean
on_countdown_tick (gpointer user_data)
{
  show_next_due (user_data);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------ progress */

static void
show_side (SideRow *side, guint32 seconds, guint32 minutes_per_side, guint32 target)
{
  guint32 goal_seconds = MAX (minutes_per_side * 60 * MAX (target, 1u), 60u);
  g_autofree char *done = lactd_format_minutes (seconds);
  g_autofree char *goal = lactd_format_minutes (goal_seconds);
  g_autofree char *subtitle = g_strdup_printf ("%s of %s (%u min × %u sessions)",
                                               done, goal, minutes_per_side, target);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (side->row), subtitle);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (side->bar),
                           MIN ((double) seconds / goal_seconds, 1.0));
}

static void
show_volume (GtkWidget *label, GVariant *progress, const char *key)
{
  double ml = 0;
  g_autofree char *text = NULL;

  lactd_dict_double (progress, key, &ml);
  text = lactd_format_volume (ml);
  gtk_label_set_text (GTK_LABEL (label), text);
}

static void
show_night (LactdAppToday *self, GVariant *progress, GVariant *goal)
{
  gboolean done = lactd_dict_bool (progress, "night_done", FALSE);
  g_autofree char *window =
    g_strdup_printf ("Tonight's window %s–%s: prolactin is highest at night",
                     lactd_dict_string (goal, "night_start", "01:00"),
                     lactd_dict_string (goal, "night_end", "05:00"));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->night_row), window);
  gtk_label_set_text (GTK_LABEL (self->night_state), done ? "Done" : "Not yet");
  if (done)
    gtk_widget_add_css_class (self->night_state, "success");
  else
    gtk_widget_remove_css_class (self->night_state, "success");
}

static void
show_progress (LactdAppToday *self)
{
  LactdGoals1 *goals = lactd_app_client_get_goals (self->client);
  GVariant *progress = goals != NULL ? lactd_goals1_get_progress (goals) : NULL;
  GVariant *goal = goals != NULL ? lactd_goals1_get_goal (goals) : NULL;
  guint32 target = lactd_dict_uint (progress, "target",
                                    lactd_dict_uint (goal, "sessions_per_day", 8));
  guint32 per_side = lactd_dict_uint (goal, "minutes_per_side", 15);
  double expressed = 0, supplement = 0;
  g_autofree char *share = NULL;

  lactd_ring_set_progress (LACTD_RING (self->ring),
                           lactd_dict_uint (progress, "sessions", 0), target);
  show_side (&self->sides[0], lactd_dict_uint (progress, "seconds_left", 0), per_side, target);
  show_side (&self->sides[1], lactd_dict_uint (progress, "seconds_right", 0), per_side, target);
  show_night (self, progress, goal);
  show_volume (self->expressed, progress, "expressed_ml");
  show_volume (self->supplement, progress, "supplement_ml");
  lactd_dict_double (progress, "expressed_ml", &expressed);
  lactd_dict_double (progress, "supplement_ml", &supplement);
  share = expressed + supplement > 0
          ? g_strdup_printf ("%.0f %%", 100 * expressed / (expressed + supplement))
          : g_strdup ("—");
  gtk_label_set_text (GTK_LABEL (self->own_share), share);
  show_next_due (self);
}

static void
on_goals_changed (GObject *goals, GParamSpec *pspec, gpointer user_data)
{
  show_progress (user_data);
}

static void
on_live_changed (GObject *live, GParamSpec *pspec, gpointer user_data)
{
  show_next_due (user_data);
}

static void
on_client_state (LactdAppClient *client, GParamSpec *pspec, gpointer user_data)
{
  LactdAppToday *self = user_data;
  LactdGoals1 *goals = lactd_app_client_get_goals (client);

  if (goals != NULL)
    {
      g_signal_connect_object (goals, "notify::progress", G_CALLBACK (on_goals_changed), self, 0);
      g_signal_connect_object (goals, "notify::goal", G_CALLBACK (on_goals_changed), self, 0);
      g_signal_connect_object (goals, "notify::next-due", G_CALLBACK (on_goals_changed), self, 0);
    }
  show_progress (self);
}

/* ---------------------------------------------------------------- build */

static GtkWidget *
next_due_box (LactdAppToday *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *heading = gtk_label_new ("Next session");

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (heading, "caption-heading");
  gtk_widget_add_css_class (heading, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  self->next_time = gtk_label_new ("—");
  gtk_widget_add_css_class (self->next_time, "big-number");
  gtk_label_set_xalign (GTK_LABEL (self->next_time), 0);
  self->countdown = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->countdown, "title-4");
  gtk_label_set_xalign (GTK_LABEL (self->countdown), 0);

  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), self->next_time);
  gtk_box_append (GTK_BOX (box), self->countdown);
  return box;
}

static GtkWidget *
hero_new (LactdAppToday *self)
{
  GtkWidget *hero = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 40);

  gtk_widget_set_halign (hero, GTK_ALIGN_CENTER);
  self->ring = lactd_ring_new ();
  gtk_box_append (GTK_BOX (hero), self->ring);
  gtk_box_append (GTK_BOX (hero), next_due_box (self));
  return hero;
}

static GtkWidget *
value_row_new (AdwPreferencesGroup *group, const char *title, GtkWidget **value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  *value = gtk_label_new (NULL);
  gtk_widget_add_css_class (*value, "numeric");
  gtk_widget_add_css_class (*value, "title-4");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), *value);
  adw_preferences_group_add (group, row);
  return row;
}

static void
side_row_new (AdwPreferencesGroup *group, SideRow *side, const char *title)
{
  side->row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (side->row), title);
  side->bar = gtk_level_bar_new_for_interval (0, 1);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (side->bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (side->bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (side->bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_add_css_class (side->bar, "side-bar");
  gtk_widget_set_size_request (side->bar, 160, -1);
  gtk_widget_set_valign (side->bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (side->bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (side->row), side->bar);
  adw_preferences_group_add (group, side->row);
}

static GtkWidget *
day_group_new (LactdAppToday *self)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  adw_preferences_group_set_title (group, "Last 24 hours");
  side_row_new (group, &self->sides[0], "Left side");
  side_row_new (group, &self->sides[1], "Right side");
  self->night_row = value_row_new (group, "Night session", &self->night_state);
  value_row_new (group, "Expressed", &self->expressed);
  value_row_new (group, "Supplement", &self->supplement);
  value_row_new (group, "Own milk", &self->own_share);
  return GTK_WIDGET (group);
}

static void
lactd_app_today_dispose (GObject *object)
{
  LactdAppToday *self = LACTD_APP_TODAY (object);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  G_OBJECT_CLASS (lactd_app_today_parent_class)->dispose (object);
}

static void
lactd_app_today_class_init (LactdAppTodayClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lactd_app_today_dispose;
}

static void
lactd_app_today_init (LactdAppToday *self)
{
  self->tz = g_time_zone_new_local ();
}

GtkWidget *
lactd_app_today_new (LactdAppClient *client)
{
  LactdAppToday *self = g_object_new (LACTD_TYPE_APP_TODAY, NULL);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);

  self->client = g_object_ref (client);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 680);
  gtk_widget_add_css_class (box, "page-content");
  self->live = lactd_app_live_new (client);
  gtk_box_append (GTK_BOX (box), self->live);
  gtk_box_append (GTK_BOX (box), hero_new (self));
  gtk_box_append (GTK_BOX (box), day_group_new (self));
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  adw_bin_set_child (ADW_BIN (self), scrolled);

  g_signal_connect_object (self->live, "notify::active", G_CALLBACK (on_live_changed),
                           self, 0);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  self->countdown_id = g_timeout_add_seconds (COUNTDOWN_INTERVAL_S, on_countdown_tick, self);
  on_client_state (client, NULL, self);
  return GTK_WIDGET (self);
}
