/* lactd-goals.c — org.lactd.Goals1: the tracker's figures as the API's
 * dictionaries, its methods with the API's errors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-goals"

#include "lactd-goals.h"

#include "lactd-dbus-values.h"
#include "lactd-error.h"

struct _LactdGoals {
  LactdGoals1Skeleton parent_instance;

  LactdGoalTracker *tracker;
};

static void lactd_goals_iface_init (LactdGoals1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LactdGoals, lactd_goals,
                               LACTD_TYPE_GOALS1_SKELETON,
                               G_IMPLEMENT_INTERFACE (LACTD_TYPE_GOALS1,
                                   lactd_goals_iface_init))

enum { PROP_0, PROP_TRACKER, N_PROPS };
static GParamSpec *props[N_PROPS];

/* ------------------------------------------------- following the tracker */

/* PropertiesChanged only for a value that really changed. */
static void
set_variant_property (LactdGoals *self, const char *name, GVariant *current,
                      GVariant *value)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);

  if (current != NULL && g_variant_equal (current, owned))
    return;
  g_object_set (self, name, owned, NULL);
}

static void
on_goal (LactdGoalTracker *tracker, GParamSpec *pspec, LactdGoals *self)
{
  set_variant_property (self, "goal",
                        lactd_goals1_get_goal (LACTD_GOALS1 (self)),
                        lactd_goal_to_variant (
                            lactd_goal_tracker_get_goal (tracker)));
}

static void
on_progress (LactdGoalTracker *tracker, GParamSpec *pspec, LactdGoals *self)
{
  const LactdProgress *progress = lactd_goal_tracker_get_progress (tracker);

  set_variant_property (self, "progress",
                        lactd_goals1_get_progress (LACTD_GOALS1 (self)),
                        lactd_progress_to_variant (&progress->totals,
                                                   progress->target,
                                                   progress->night_done,
                                                   progress->next_due));
}

static void
on_next_due (LactdGoalTracker *tracker, GParamSpec *pspec, LactdGoals *self)
{
  gint64 next_due = lactd_goal_tracker_get_next_due (tracker);

  if (lactd_goals1_get_next_due (LACTD_GOALS1 (self)) != next_due)
    lactd_goals1_set_next_due (LACTD_GOALS1 (self), next_due);
}

static void
on_trend (LactdGoalTracker *tracker, GParamSpec *pspec, LactdGoals *self)
{
  set_variant_property (self, "trend",
                        lactd_goals1_get_trend (LACTD_GOALS1 (self)),
                        lactd_trend_to_variant (
                            lactd_goal_tracker_get_trend (tracker)));
}

static void
on_reminder_due (LactdGoalTracker *tracker, const char *kind, gint64 due,
                 const char *message, LactdGoals *self)
{
  lactd_goals1_emit_reminder_due (LACTD_GOALS1 (self), kind, due, message);
}

/* ------------------------------------------------------------ methods */

gboolean
lactd_goals_set_goal (LactdGoals *self, GVariant *changes, GError **error)
{
  LactdGoal goal;

  g_return_val_if_fail (LACTD_IS_GOALS (self), FALSE);

  if (lactd_goal_apply_changes (lactd_goal_tracker_get_goal (self->tracker),
                                changes, &goal, error) &&
      lactd_goal_tracker_set_goal (self->tracker, &goal, error))
    return TRUE;
  lactd_error_from_store (error);
  return FALSE;
}

gboolean
lactd_goals_snooze (LactdGoals *self, guint minutes, GError **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (LACTD_IS_GOALS (self), FALSE);

  if (lactd_goal_tracker_snooze (self->tracker, minutes, &local_error))
    return TRUE;
  if (g_error_matches (local_error, LACTD_GOAL_TRACKER_ERROR,
                       LACTD_GOAL_TRACKER_ERROR_NOT_PENDING))
    {
      g_set_error_literal (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND,
                           local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  lactd_error_from_model (&local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

gboolean
lactd_goals_dismiss (LactdGoals *self, GError **error)
{
  g_return_val_if_fail (LACTD_IS_GOALS (self), FALSE);
  lactd_goal_tracker_dismiss (self->tracker);
  return TRUE;
}

static gboolean
lactd_goals_handle_set_goal (LactdGoals1 *iface,
                             GDBusMethodInvocation *invocation,
                             GVariant *changes)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_goals_set_goal (LACTD_GOALS (iface), changes, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    lactd_goals1_complete_set_goal (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
lactd_goals_handle_snooze (LactdGoals1 *iface,
                           GDBusMethodInvocation *invocation, guint minutes)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_goals_snooze (LACTD_GOALS (iface), minutes, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    lactd_goals1_complete_snooze (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
lactd_goals_handle_dismiss (LactdGoals1 *iface,
                            GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_goals_dismiss (LACTD_GOALS (iface), &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    lactd_goals1_complete_dismiss (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
lactd_goals_iface_init (LactdGoals1Iface *iface)
{
  iface->handle_set_goal = lactd_goals_handle_set_goal;
  iface->handle_snooze = lactd_goals_handle_snooze;
  iface->handle_dismiss = lactd_goals_handle_dismiss;
}

/* ----------------------------------------------------------- GObject */

static void
lactd_goals_constructed (GObject *object)
{
  LactdGoals *self = LACTD_GOALS (object);
  static const struct {
    const char *name;
    GCallback callback;
  } follow[] = {
    { "notify::goal", G_CALLBACK (on_goal) },
    { "notify::progress", G_CALLBACK (on_progress) },
    { "notify::next-due", G_CALLBACK (on_next_due) },
    { "notify::trend", G_CALLBACK (on_trend) },
    { "reminder-due", G_CALLBACK (on_reminder_due) },
  };

  G_OBJECT_CLASS (lactd_goals_parent_class)->constructed (object);

  for (gsize i = 0; i < G_N_ELEMENTS (follow); i++)
    g_signal_connect_object (self->tracker, follow[i].name,
                             follow[i].callback, self, 0);
  on_goal (self->tracker, NULL, self);
  on_progress (self->tracker, NULL, self);
  on_next_due (self->tracker, NULL, self);
  on_trend (self->tracker, NULL, self);
}

static void
lactd_goals_set_property (GObject *object, guint prop_id,
                          const GValue *value, GParamSpec *pspec)
{
  LactdGoals *self = LACTD_GOALS (object);

  switch (prop_id)
    {
    case PROP_TRACKER:
      self->tracker = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_goals_get_property (GObject *object, guint prop_id, GValue *value,
                          GParamSpec *pspec)
{
  LactdGoals *self = LACTD_GOALS (object);

  switch (prop_id)
    {
    case PROP_TRACKER:
      g_value_set_object (value, self->tracker);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_goals_dispose (GObject *object)
{
  LactdGoals *self = LACTD_GOALS (object);

  if (self->tracker != NULL)
    g_signal_handlers_disconnect_by_data (self->tracker, self);
  g_clear_object (&self->tracker);
  G_OBJECT_CLASS (lactd_goals_parent_class)->dispose (object);
}

static void
lactd_goals_class_init (LactdGoalsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lactd_goals_constructed;
  object_class->set_property = lactd_goals_set_property;
  object_class->get_property = lactd_goals_get_property;
  object_class->dispose = lactd_goals_dispose;

  props[PROP_TRACKER] =
    g_param_spec_object ("tracker", "Tracker", "The goals' figures",
                         LACTD_TYPE_GOAL_TRACKER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lactd_goals_init (LactdGoals *self)
{
}

LactdGoals *
lactd_goals_new (LactdGoalTracker *tracker)
{
  g_return_val_if_fail (LACTD_IS_GOAL_TRACKER (tracker), NULL);
  return g_object_new (LACTD_TYPE_GOALS, "tracker", tracker, NULL);
}

LactdGoalTracker *
lactd_goals_get_tracker (LactdGoals *self)
{
  g_return_val_if_fail (LACTD_IS_GOALS (self), NULL);
  return self->tracker;
}
