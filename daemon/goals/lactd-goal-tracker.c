/* lactd-goal-tracker.c — the goal tracker: its methods, events and
 * settings (the evaluation every one of them runs: lactd-goal-evaluation.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-goals"

#include "lactd-goal-tracker-private.h"

#define SETTING_GOAL "goal"

static void lactd_goal_tracker_initable_init (GInitableIface *iface);

G_DEFINE_QUARK (lactd-goal-tracker-error-quark, lactd_goal_tracker_error)

G_DEFINE_FINAL_TYPE_WITH_CODE (LactdGoalTracker, lactd_goal_tracker,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                   lactd_goal_tracker_initable_init))

static LactdProgress *
progress_copy (const LactdProgress *progress)
{
  return g_memdup2 (progress, sizeof *progress);
}

G_DEFINE_BOXED_TYPE (LactdProgress, lactd_progress, progress_copy, g_free)

static LactdTrendFigures *
trend_copy (const LactdTrendFigures *trend)
{
  return g_memdup2 (trend, sizeof *trend);
}

G_DEFINE_BOXED_TYPE (LactdTrendFigures, lactd_trend_figures, trend_copy,
                     g_free)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CLOCK,
  PROP_GOAL,
  PROP_PROGRESS,
  PROP_NEXT_DUE,
  PROP_TREND,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum { SIGNAL_REMINDER_DUE, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
address_is_low (LactdGoalTracker *self, const char *address, guint *index)
{
  return g_ptr_array_find_with_equal_func (self->state.battery_low, address,
                                           g_str_equal, index);
}

void
lactd_goal_tracker_emit_reminder (LactdGoalTracker *self, const char *kind,
                                  gint64 due, const char *message)
{
  g_signal_emit (self, signals[SIGNAL_REMINDER_DUE], 0, kind, due, message);
}

/* ------------------------------------------------------------ methods */

gboolean
lactd_goal_tracker_set_goal (LactdGoalTracker *self, const LactdGoal *goal,
                             GError **error)
{
  g_autofree char *str = NULL;

  g_return_val_if_fail (LACTD_IS_GOAL_TRACKER (self), FALSE);
  g_return_val_if_fail (goal != NULL, FALSE);

  if (!lactd_goal_validate (goal, error))
    return FALSE;
  str = lactd_goal_to_string (goal);
  if (!lactd_store_set_setting (self->store, SETTING_GOAL, str, error))
    return FALSE;
  g_message ("Goal set: %s", str);
  if (!lactd_goal_equal (goal, &self->goal))
    {
      self->goal = *goal;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_GOAL]);
    }
  lactd_goal_tracker_evaluate (self);
  return TRUE;
}

gboolean
lactd_goal_tracker_snooze (LactdGoalTracker *self, guint minutes,
                           GError **error)
{
  LactdReminderState *st = &self->state;

  g_return_val_if_fail (LACTD_IS_GOAL_TRACKER (self), FALSE);

  if (!lactd_check_snooze_minutes (minutes, error))
    return FALSE;
  lactd_goal_tracker_evaluate (self);
  if (self->pending_session_due == 0 && self->pending_night_due == 0)
    {
      g_set_error_literal (error, LACTD_GOAL_TRACKER_ERROR,
                           LACTD_GOAL_TRACKER_ERROR_NOT_PENDING,
                           "No reminder is pending");
      return FALSE;
    }
  /* The most recent of the pending reminders is "the" pending one. */
  st->snooze_kind = self->pending_session_due >= self->pending_night_due
                    ? LACTD_REMINDER_SESSION : LACTD_REMINDER_NIGHT;
  st->snooze_due = MAX (self->pending_session_due, self->pending_night_due);
  st->snooze_until = lactd_clock_now (self->clock) + (gint64) minutes * 60;
  st->snooze_emitted = 0;
  g_message ("Reminder (%s) snoozed for %u min",
             lactd_reminder_kind_to_string (st->snooze_kind), minutes);
  lactd_goal_tracker_save_state (self);
  lactd_goal_tracker_evaluate (self);
  return TRUE;
}

void
lactd_goal_tracker_dismiss (LactdGoalTracker *self)
{
  LactdReminderState *st = &self->state;

  g_return_if_fail (LACTD_IS_GOAL_TRACKER (self));

  lactd_goal_tracker_evaluate (self);
  if (self->pending_session_due == 0 && self->pending_night_due == 0)
    {
      g_debug ("Dismiss with no reminder pending: nothing to do");
      return;
    }
  /* Until the next session: nothing more is due from this last end. */
  st->dismissed_end = self->last_end;
  if (self->pending_night_due != 0)
    st->night_dismissed = self->pending_night_due;
  st->snooze_kind = LACTD_REMINDER_NONE;
  st->snooze_due = 0;
  st->snooze_until = 0;
  st->snooze_emitted = 0;
  g_message ("Reminders dismissed until the next session");
  lactd_goal_tracker_save_state (self);
  lactd_goal_tracker_evaluate (self);
}

const LactdGoal *
lactd_goal_tracker_get_goal (LactdGoalTracker *self)
{
  g_return_val_if_fail (LACTD_IS_GOAL_TRACKER (self), NULL);
  return &self->goal;
}

const LactdProgress *
lactd_goal_tracker_get_progress (LactdGoalTracker *self)
{
  g_return_val_if_fail (LACTD_IS_GOAL_TRACKER (self), NULL);
  return &self->progress;
}

gint64
lactd_goal_tracker_get_next_due (LactdGoalTracker *self)
{
  g_return_val_if_fail (LACTD_IS_GOAL_TRACKER (self), 0);
  return self->progress.next_due;
}

const LactdTrendFigures *
lactd_goal_tracker_get_trend (LactdGoalTracker *self)
{
  g_return_val_if_fail (LACTD_IS_GOAL_TRACKER (self), NULL);
  return &self->trend;
}

gboolean
lactd_goal_tracker_has_pending (LactdGoalTracker *self)
{
  g_return_val_if_fail (LACTD_IS_GOAL_TRACKER (self), FALSE);
  /* Pending-ness can begin without an event (after a jump back, at a due
   * already announced), so look now. */
  lactd_goal_tracker_evaluate (self);
  return self->pending_session_due != 0 || self->pending_night_due != 0;
}

/* ------------------------------------------------------------- events */

void
lactd_goal_tracker_start (LactdGoalTracker *self)
{
  g_return_if_fail (LACTD_IS_GOAL_TRACKER (self));

  self->started = TRUE;
  lactd_goal_tracker_evaluate (self);
}

void
lactd_goal_tracker_refresh (LactdGoalTracker *self)
{
  g_return_if_fail (LACTD_IS_GOAL_TRACKER (self));
  lactd_goal_tracker_evaluate (self);
}

void
lactd_goal_tracker_session_stored (LactdGoalTracker *self)
{
  g_return_if_fail (LACTD_IS_GOAL_TRACKER (self));
  g_debug ("A session was stored");
  lactd_goal_tracker_evaluate (self);
}

void
lactd_goal_tracker_session_deleted (LactdGoalTracker *self)
{
  g_return_if_fail (LACTD_IS_GOAL_TRACKER (self));
  g_debug ("A session was deleted");
  lactd_goal_tracker_evaluate (self);
}

void
lactd_goal_tracker_set_live_active (LactdGoalTracker *self, gboolean active)
{
  gint64 now;

  g_return_if_fail (LACTD_IS_GOAL_TRACKER (self));

  active = !!active;
  if (self->live == active)
    return;
  now = lactd_clock_now (self->clock);
  self->live = active;
  if (active)
    {
      /* A session started: whatever was pending is over. */
      self->live_start = now;
      if (self->state.snooze_kind != LACTD_REMINDER_NONE)
        {
          self->state.snooze_kind = LACTD_REMINDER_NONE;
          lactd_goal_tracker_save_state (self);
        }
      g_debug ("Live session started: nothing is due while it runs");
    }
  else
    {
      self->live_end = now;
      g_debug ("Live session ended");
    }
  lactd_goal_tracker_evaluate (self);
}

/* Hysteresis: a sensor is announced low once at or below
 * LACTD_BATTERY_LOW_PERCENT and stays so (persisted) until its level is
 * above LACTD_BATTERY_REARM_PERCENT again. */
void
lactd_goal_tracker_battery_level (LactdGoalTracker *self, const char *address,
                                  guint8 percent)
{
  g_autofree char *message = NULL;
  gint64 now;
  guint index;

  g_return_if_fail (LACTD_IS_GOAL_TRACKER (self));
  g_return_if_fail (address != NULL);

  if (percent > 100 || !self->started)
    return;
  if (address_is_low (self, address, &index))
    {
      if (percent > LACTD_BATTERY_REARM_PERCENT)
        {
          /* Charged: the next fall reminds again. */
          g_ptr_array_remove_index (self->state.battery_low, index);
          g_debug ("Sensor %s battery recovered to %u %%", address, percent);
          lactd_goal_tracker_save_state (self);
        }
      return;
    }
  if (percent > LACTD_BATTERY_LOW_PERCENT)
    return;
  g_ptr_array_add (self->state.battery_low, g_strdup (address));
  lactd_goal_tracker_save_state (self);
  if (!self->goal.reminders)
    return;
  message = lactd_reminder_battery_message (address, percent);
  now = lactd_clock_now (self->clock);
  g_message ("Reminder (battery, due %" G_GINT64_FORMAT "): %s", now,
             message);
  lactd_goal_tracker_emit_reminder (self, "battery", now, message);
}

void
lactd_goal_tracker_resume (LactdGoalTracker *self)
{
  g_return_if_fail (LACTD_IS_GOAL_TRACKER (self));
  g_message ("Resumed from sleep; re-evaluating goals and reminders");
  lactd_goal_tracker_evaluate (self);
}

static void
clock_fired_cb (LactdClock *clock, gpointer user_data)
{
  lactd_goal_tracker_evaluate (LACTD_GOAL_TRACKER (user_data));
}

static void
clock_time_changed_cb (LactdClock *clock, gpointer user_data)
{
  g_debug ("Wall clock or time zone changed");
  lactd_goal_tracker_evaluate (LACTD_GOAL_TRACKER (user_data));
}

/* ------------------------------------------------------------- object */

/* A damaged setting must not keep the daemon down: it falls back. */
static gboolean
load_settings (LactdGoalTracker *self, GError **error)
{
  g_autofree char *goal_str = NULL;
  g_autoptr(GError) local_error = NULL;

  goal_str = lactd_store_get_setting (self->store, SETTING_GOAL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (goal_str != NULL &&
      !lactd_goal_from_string (goal_str, &self->goal, &local_error))
    {
      g_warning ("Stored goal \"%s\" unusable (%s); using the defaults",
                 goal_str, local_error->message);
      g_clear_error (&local_error);
      self->goal = lactd_goal_defaults ();
    }
  self->saved_state = lactd_store_get_setting (self->store, SETTING_REMINDERS,
                                               &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!lactd_reminder_state_parse (self->saved_state, &self->state,
                                   &local_error))
    {
      g_warning ("%s; starting with fresh reminder state",
                 local_error->message);
      lactd_goal_tracker_save_state (self);
    }
  return TRUE;
}

static gboolean
lactd_goal_tracker_initable_init_impl (GInitable *initable,
                                       GCancellable *cancellable,
                                       GError **error)
{
  LactdGoalTracker *self = LACTD_GOAL_TRACKER (initable);

  if (!load_settings (self, error))
    return FALSE;
  g_signal_connect_object (self->clock, "fired", G_CALLBACK (clock_fired_cb),
                           self, 0);
  g_signal_connect_object (self->clock, "time-changed",
                           G_CALLBACK (clock_time_changed_cb), self, 0);
  lactd_goal_tracker_evaluate (self);
  return TRUE;
}

static void
lactd_goal_tracker_initable_init (GInitableIface *iface)
{
  iface->init = lactd_goal_tracker_initable_init_impl;
}

static void
lactd_goal_tracker_set_property (GObject *object, guint prop_id,
                                 const GValue *value, GParamSpec *pspec)
{
  LactdGoalTracker *self = LACTD_GOAL_TRACKER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_get_pointer (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_goal_tracker_get_property (GObject *object, guint prop_id,
                                 GValue *value, GParamSpec *pspec)
{
  LactdGoalTracker *self = LACTD_GOAL_TRACKER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_pointer (value, self->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    case PROP_GOAL:
      g_value_set_boxed (value, &self->goal);
      break;
    case PROP_PROGRESS:
      g_value_set_boxed (value, &self->progress);
      break;
    case PROP_NEXT_DUE:
      g_value_set_int64 (value, self->progress.next_due);
      break;
    case PROP_TREND:
      g_value_set_boxed (value, &self->trend);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_goal_tracker_dispose (GObject *object)
{
  LactdGoalTracker *self = LACTD_GOAL_TRACKER (object);

  if (self->clock != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->clock, self);
      lactd_clock_disarm (self->clock);
    }
  g_clear_object (&self->clock);
  G_OBJECT_CLASS (lactd_goal_tracker_parent_class)->dispose (object);
}

static void
lactd_goal_tracker_finalize (GObject *object)
{
  LactdGoalTracker *self = LACTD_GOAL_TRACKER (object);

  lactd_reminder_state_clear (&self->state);
  g_free (self->saved_state);
  G_OBJECT_CLASS (lactd_goal_tracker_parent_class)->finalize (object);
}

static void
install_properties (GObjectClass *object_class)
{
  const GParamFlags readable = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS;
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                G_PARAM_STATIC_STRINGS;

  props[PROP_STORE] =
    g_param_spec_pointer ("store", "Store", "The LactdStore (borrowed)",
                          construct);
  props[PROP_CLOCK] =
    g_param_spec_object ("clock", "Clock", "Where time comes from",
                         LACTD_TYPE_CLOCK, construct);
  props[PROP_GOAL] =
    g_param_spec_boxed ("goal", "Goal", "The goal in force",
                        LACTD_TYPE_GOAL, readable);
  props[PROP_PROGRESS] =
    g_param_spec_boxed ("progress", "Progress", "The rolling 24 hours",
                        LACTD_TYPE_PROGRESS, readable);
  props[PROP_NEXT_DUE] =
    g_param_spec_int64 ("next-due", "Next due", "When a session is due",
                        0, G_MAXINT64, 0, readable);
  props[PROP_TREND] =
    g_param_spec_boxed ("trend", "Trend", "The last 7 complete days",
                        LACTD_TYPE_TREND_FIGURES, readable);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lactd_goal_tracker_class_init (LactdGoalTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = lactd_goal_tracker_set_property;
  object_class->get_property = lactd_goal_tracker_get_property;
  object_class->dispose = lactd_goal_tracker_dispose;
  object_class->finalize = lactd_goal_tracker_finalize;
  install_properties (object_class);

  signals[SIGNAL_REMINDER_DUE] =
    g_signal_new ("reminder-due", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_INT64, G_TYPE_STRING);
}

static void
lactd_goal_tracker_init (LactdGoalTracker *self)
{
  self->goal = lactd_goal_defaults ();
  lactd_reminder_state_init (&self->state);
}

LactdGoalTracker *
lactd_goal_tracker_new (LactdStore *store, LactdClock *clock, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (LACTD_IS_CLOCK (clock), NULL);

  return g_initable_new (LACTD_TYPE_GOAL_TRACKER, NULL, error, "store", store,
                         "clock", clock, NULL);
}
