/* lactd-app-goals.c — the Goals view (see the header). A change goes to
 * the daemon as it is made; the daemon validates it, and when it refuses,
 * its message is shown and the view returns to the goal it keeps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-app"

#include "config.h"

#include <stdio.h>

#include "lactd-app-format.h"
#include "lactd-app-goals.h"
#include "lactd-app-window.h"

typedef struct {
  const char *key;
  const char *title;
  const char *why;
  guint min, max;
} NumberGoal;

static const NumberGoal number_goals[] = {
  { "sessions_per_day", "Sessions a day",
    "Default 8: milk is made when the breasts are emptied often, 8 or more times in 24 hours.",
    1, 24 },
  { "minutes_per_side", "Minutes per side",
    "Default 15: 10 to 15 minutes on each side, a little longer once the flow stops.",
    1, 60 },
  { "max_gap_minutes", "Longest gap (minutes)",
    "Default 180: after 3 hours without a session the signal to make milk fades; "
    "the reminder comes then.",
    1, 1440 },
};

static const struct {
  const char *key;
  const char *title;
} time_goals[] = {
  { "night_start", "Night starts" },
  { "night_end", "Night ends" },
};

/* A time goal is two spin buttons, hours and minutes: chosen, never typed,
 * so there is nothing to mistype at 3 am. */
typedef struct {
  GtkWidget *hours;
  GtkWidget *minutes;
} TimeSpins;

struct _LactdAppGoals {
  AdwBin parent_instance;

  LactdAppClient *client;
  GCancellable *cancellable;
  GtkWidget *spins[G_N_ELEMENTS (number_goals)];
  TimeSpins times[G_N_ELEMENTS (time_goals)];
  GtkWidget *reminders;
  gboolean showing;          /* the widgets are being set from the goal */
};

G_DEFINE_FINAL_TYPE (LactdAppGoals, lactd_app_goals, ADW_TYPE_BIN)

static void
show_goal (LactdAppGoals *self)
{
  LactdGoals1 *goals = lactd_app_client_get_goals (self->client);
  GVariant *goal = goals != NULL ? lactd_goals1_get_goal (goals) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self), goal != NULL);
  if (goal == NULL)
    return;
  self->showing = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (number_goals); i++)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->spins[i]),
                               lactd_dict_uint (goal, number_goals[i].key, 0));
  for (gsize i = 0; i < G_N_ELEMENTS (time_goals); i++)
    {
      unsigned hours = 0, minutes = 0;

      if (sscanf (lactd_dict_string (goal, time_goals[i].key, ""), "%2u:%2u",
                  &hours, &minutes) != 2)
        continue;
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->times[i].hours), hours);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->times[i].minutes), minutes);
    }
  gtk_switch_set_active (GTK_SWITCH (self->reminders),
                         lactd_dict_bool (goal, "reminders", TRUE));
  self->showing = FALSE;
}

static void
on_goal_set (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  LactdAppGoals *self = user_data;

  if (lactd_goals1_call_set_goal_finish (LACTD_GOALS1 (source), result, &error) ||
      lactd_app_error_is_cancelled (error))
    return;
  {
    g_autofree char *message = lactd_app_error_message (error);
    lactd_app_toast (GTK_WIDGET (self), message);
  }
  show_goal (self);
}

static void
set_goal (LactdAppGoals *self, const char *key, GVariant *value)
{
  LactdGoals1 *goals = lactd_app_client_get_goals (self->client);
  g_auto(GVariantBuilder) changes = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  if (self->showing || goals == NULL)
    {
      g_variant_unref (g_variant_ref_sink (value));
      return;
    }
  g_variant_builder_add (&changes, "{sv}", key, value);
  lactd_goals1_call_set_goal (goals, g_variant_builder_end (&changes), self->cancellable,
                              on_goal_set, self);
}

static void
on_spin_changed (GtkSpinButton *spin, gpointer user_data)
{
  set_goal (user_data, g_object_get_data (G_OBJECT (spin), "key"),
            g_variant_new_uint32 ((guint32) gtk_spin_button_get_value_as_int (spin)));
}

static void
on_time_changed (GtkSpinButton *spin, gpointer user_data)
{
  LactdAppGoals *self = user_data;
  gsize i = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (spin), "index"));
  g_autofree char *text =
    g_strdup_printf ("%02d:%02d",
                     gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->times[i].hours)),
                     gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->times[i].minutes)));

  set_goal (self, time_goals[i].key, g_variant_new_string (text));
}

/* "05", not "5". */
static gboolean
on_two_digits (GtkSpinButton *spin, gpointer user_data)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
on_reminders_toggled (GtkSwitch *toggle, GParamSpec *pspec, gpointer user_data)
{
  set_goal (user_data, "reminders", g_variant_new_boolean (gtk_switch_get_active (toggle)));
}

static void
on_goal_changed (GObject *goals, GParamSpec *pspec, gpointer user_data)
{
  show_goal (user_data);
}

static void
on_client_state (LactdAppClient *client, GParamSpec *pspec, gpointer user_data)
{
  LactdAppGoals *self = user_data;
  LactdGoals1 *goals = lactd_app_client_get_goals (client);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (goals != NULL)
    g_signal_connect_object (goals, "notify::goal", G_CALLBACK (on_goal_changed), self, 0);
  show_goal (self);
}

/* ---------------------------------------------------------------- build */

static GtkWidget *
number_row (LactdAppGoals *self, gsize i)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (number_goals[i].min, number_goals[i].max, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), number_goals[i].title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), number_goals[i].why);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  number_goals[i].title, -1);
  g_object_set_data (G_OBJECT (spin), "key", (gpointer) number_goals[i].key);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  self->spins[i] = spin;
  return row;
}

static GtkWidget *
time_spin (LactdAppGoals *self, gsize i, int max, int step, const char *what)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, max, step);
  g_autofree char *name = g_strdup_printf ("%s, %s", time_goals[i].title, what);

  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_wrap (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  g_object_set_data (G_OBJECT (spin), "index", GSIZE_TO_POINTER (i));
  g_signal_connect (spin, "output", G_CALLBACK (on_two_digits), NULL);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_time_changed), self);
  return spin;
}

static GtkWidget *
time_row (LactdAppGoals *self, gsize i)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *colon = gtk_label_new (":");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), time_goals[i].title);
  self->times[i].hours = time_spin (self, i, 23, 1, "hour");
  self->times[i].minutes = time_spin (self, i, 55, 5, "minutes");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->times[i].hours);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), colon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->times[i].minutes);
  return row;
}

static GtkWidget *
page_new (LactdAppGoals *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  AdwPreferencesGroup *daily = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *night = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *reminders = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *reminders_row = adw_action_row_new ();

  adw_preferences_group_set_title (daily, "Every day");
  adw_preferences_group_set_description (daily,
    "The defaults follow the usual guidance for rebuilding a supply; a lactation "
    "consultant may suggest others.");
  for (gsize i = 0; i < G_N_ELEMENTS (number_goals); i++)
    adw_preferences_group_add (daily, number_row (self, i));

  adw_preferences_group_set_title (night, "Night session");
  adw_preferences_group_set_description (night,
    "Default 01:00 to 05:00: prolactin, the hormone that makes milk, is highest at "
    "night, so one session in this window counts most.");
  for (gsize i = 0; i < G_N_ELEMENTS (time_goals); i++)
    adw_preferences_group_add (night, time_row (self, i));

  adw_preferences_group_set_title (reminders, "Reminders");
  self->reminders = gtk_switch_new ();
  gtk_widget_set_valign (self->reminders, GTK_ALIGN_CENTER);
  g_signal_connect (self->reminders, "notify::active", G_CALLBACK (on_reminders_toggled), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (reminders_row), "Remind me");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (reminders_row),
    "Default on: one reminder when the next session is due, to snooze or dismiss.");
  adw_action_row_add_suffix (ADW_ACTION_ROW (reminders_row), self->reminders);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (reminders_row), self->reminders);
  adw_preferences_group_add (reminders, reminders_row);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), daily);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), night);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), reminders);
  return page;
}

static void
lactd_app_goals_dispose (GObject *object)
{
  LactdAppGoals *self = LACTD_APP_GOALS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (lactd_app_goals_parent_class)->dispose (object);
}

static void
lactd_app_goals_class_init (LactdAppGoalsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lactd_app_goals_dispose;
}

static void
lactd_app_goals_init (LactdAppGoals *self)
{
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
lactd_app_goals_new (LactdAppClient *client)
{
  LactdAppGoals *self = g_object_new (LACTD_TYPE_APP_GOALS, NULL);

  self->client = g_object_ref (client);
  adw_bin_set_child (ADW_BIN (self), page_new (self));
  g_signal_connect (client, "notify::state", G_CALLBACK (on_client_state), self);
  on_client_state (client, NULL, self);
  return GTK_WIDGET (self);
}
