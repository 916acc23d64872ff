/* lactd-goals.c — org.lactd.Goals1 over the store and the clock.
 *
 * Everything is recomputed by one function, goals_evaluate(), on every
 * event (a session stored or deleted, a live session starting or ending,
 * SetGoal/Snooze/Dismiss, the armed wake-up, a wall-clock or time-zone
 * change, resume). It is cheap (a handful of indexed queries) and being
 * idempotent makes clock jumps harmless: what is due is derived from the
 * store and the persisted reminder state, never from elapsed timers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-goals"

#include "lactd-goals.h"

#include "lactd-error.h"
#include "lactd-reminders.h"

#define SETTING_GOAL "goal"
#define SETTING_REMINDERS "reminders"
#define WINDOW_SECONDS (24 * 3600)

struct _LactdGoals {
  LactdGoals1Skeleton parent_instance;

  LactdStore *store;            /* not owned; outlives us */
  LactdClock *clock;

  LactdGoal goal;
  LactdReminderState state;     /* persisted in SETTING_REMINDERS */
  char *saved_state;            /* what SETTING_REMINDERS holds */
  gboolean started;             /* reminders may be emitted */

  /* A live session: while one runs nothing is due. Its start counts as a
   * session start and its end as the last end until the record is stored
   * (SessionEnded comes before the record). Not persisted: after a
   * restart the stored record says the same. */
  gboolean live;
  gint64 live_start;
  gint64 live_end;

  /* From the last evaluation. */
  gint64 last_end;
  gint64 pending_session_due;   /* 0 when none pending */
  gint64 pending_night_due;

  gboolean evaluating;
  gboolean evaluate_again;
};

G_DEFINE_FINAL_TYPE (LactdGoals, lactd_goals, LACTD_TYPE_GOALS1_SKELETON)

typedef struct {
  const char *kind;
  gint64 due;
  char *message;
} Emission;

static void
emission_clear (gpointer data)
{
  Emission *emission = data;

  g_free (emission->message);
}

static void goals_evaluate (LactdGoals *self);

/* ------------------------------------------------------------ helpers */

static void
set_variant_property (LactdGoals *self, const char *name, GVariant *current,
                      GVariant *value)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);

  /* PropertiesChanged only for a value that really changed. */
  if (current != NULL && g_variant_equal (current, owned))
    return;
  g_object_set (self, name, owned, NULL);
}

/* Writes the reminder state only when it differs from what is stored:
 * a settings write is a durable commit. */
static void
save_state (LactdGoals *self)
{
  g_autofree char *str = lactd_reminder_state_to_string (&self->state);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (str, self->saved_state) == 0)
    return;
  g_debug ("Reminder state: %s", str);
  if (!lactd_store_set_setting (self->store, SETTING_REMINDERS, str, &error))
    {
      g_warning ("Could not save the reminder state: %s", error->message);
      return;
    }
  g_free (self->saved_state);
  self->saved_state = g_steal_pointer (&str);
}

static void
add_emission (GArray *emissions, const char *kind, gint64 due, char *message)
{
  Emission emission = { kind, due, message };

  g_array_append_val (emissions, emission);
}

static gboolean
address_is_low (LactdGoals *self, const char *address, guint *index)
{
  return g_ptr_array_find_with_equal_func (self->state.battery_low, address,
                                           g_str_equal, index);
}

/* The earliest start among @sessions (oldest first) that counts toward
 * the goals: an unsynced start (0, 2106, ...) must not set the wake-up. */
static gboolean
earliest_counted_start (const GArray *sessions, gint64 *start)
{
  for (guint i = 0; sessions != NULL && i < sessions->len; i++)
    {
      const LactdSession *session = &g_array_index (sessions, LactdSession, i);

      if (!session->clock_unsynced)
        {
          *start = session->start;
          return TRUE;
        }
    }
  return FALSE;
}

/* --------------------------------------------------------- evaluation */

static void
goals_evaluate_once (LactdGoals *self)
{
  g_autoptr(GTimeZone) tz = lactd_clock_get_timezone (self->clock);
  g_autoptr(GArray) emissions = g_array_new (FALSE, TRUE, sizeof (Emission));
  g_autoptr(GArray) window = NULL;
  g_autoptr(GError) error = NULL;
  LactdGoals1 *iface = LACTD_GOALS1 (self);
  LactdNightWindow night_window = lactd_goal_night_window (&self->goal);
  LactdNightSpan span, next_span;
  LactdSession latest;
  LactdTotals totals = { 0 };
  LactdTrendFigures figures = { 0 };
  gint64 now = lactd_clock_now (self->clock);
  gint64 last_end = 0, due = 0, next_due = 0, wake = 0, night_half;
  gint64 first_start;
  gboolean session_on, session_snoozed, night_stored = FALSE;
  gboolean night_on, night_snoozed, dirty = FALSE;
  guint32 today;

  g_array_set_clear_func (emissions, emission_clear);

  /* ---- the session due: last end + gap */
  if (lactd_store_latest_session (self->store, &latest, &error))
    last_end = lactd_session_end (&latest);
  else if (error != NULL)
    {
      g_warning ("Could not read the latest session: %s", error->message);
      g_clear_error (&error);
    }
  last_end = MAX (last_end, self->live_end);
  self->last_end = last_end;
  if (last_end != 0)
    due = last_end + (gint64) self->goal.max_gap_minutes * 60;

  session_on = self->goal.reminders && !self->live && last_end != 0 &&
               self->state.dismissed_end != last_end;
  session_snoozed = session_on &&
                    self->state.snooze_kind == LACTD_REMINDER_SESSION &&
                    self->state.snooze_due == due;
  if (session_on)
    next_due = session_snoozed ? self->state.snooze_until : due;

  if (session_on && self->started && now >= due)
    {
      /* Once per due time: a jump that skipped far past it gives one. */
      if (self->state.session_emitted != due)
        {
          self->state.session_emitted = due;
          add_emission (emissions, "session", due,
                        lactd_reminder_session_message (last_end, now));
          dirty = TRUE;
        }
      else if (session_snoozed && now >= self->state.snooze_until &&
               self->state.snooze_emitted != self->state.snooze_until)
        {
          self->state.snooze_emitted = self->state.snooze_until;
          add_emission (emissions, "session", self->state.snooze_until,
                        lactd_reminder_session_message (last_end, now));
          dirty = TRUE;
        }
    }
  self->pending_session_due =
    (session_on && self->state.session_emitted == due && now >= due) ? due : 0;

  /* ---- the night: the latest window that has begun */
  lactd_night_span_latest_begun (&self->goal, tz, now, &span);
  if (!lactd_night_span_has_session (self->store, &self->goal, &span,
                                     &night_stored, &error))
    {
      g_warning ("Could not read the night's sessions: %s", error->message);
      g_clear_error (&error);
    }
  /* Only once the history has begun: an empty store reminds of nothing. */
  night_on = self->goal.reminders && !self->live && !night_stored &&
             last_end != 0 &&
             !(self->live_start >= span.start && self->live_start < span.end) &&
             now >= span.half && now < span.end &&
             self->state.night_dismissed != span.half;
  night_snoozed = night_on &&
                  self->state.snooze_kind == LACTD_REMINDER_NIGHT &&
                  self->state.snooze_due == span.half;
  if (night_on && self->started)
    {
      if (self->state.night_emitted != span.half)
        {
          self->state.night_emitted = span.half;
          add_emission (emissions, "night", span.half,
                        lactd_reminder_night_message ());
          dirty = TRUE;
        }
      else if (night_snoozed && now >= self->state.snooze_until &&
               self->state.snooze_emitted != self->state.snooze_until)
        {
          self->state.snooze_emitted = self->state.snooze_until;
          add_emission (emissions, "night", self->state.snooze_until,
                        lactd_reminder_night_message ());
          dirty = TRUE;
        }
    }
  self->pending_night_due =
    (night_on && self->state.night_emitted == span.half) ? span.half : 0;

  /* ---- persist before announcing: a crash in between loses a reminder
   * rather than repeating one after the restart */
  if (dirty)
    save_state (self);
  for (guint i = 0; i < emissions->len; i++)
    {
      Emission *emission = &g_array_index (emissions, Emission, i);

      g_message ("Reminder (%s, due %" G_GINT64_FORMAT "): %s",
                 emission->kind, emission->due, emission->message);
      lactd_goals1_emit_reminder_due (iface, emission->kind, emission->due,
                                      emission->message);
    }

  /* ---- Progress over (now - 24 h, now] and whatever starts later */
  if (!lactd_store_totals (self->store, now - WINDOW_SECONDS + 1, G_MAXINT64,
                           &night_window, &totals, &error))
    {
      g_warning ("Could not total the last 24 hours: %s", error->message);
      g_clear_error (&error);
    }
  window = lactd_store_list_sessions (self->store, now - WINDOW_SECONDS + 1,
                                      G_MAXINT64, &error);
  if (window == NULL)
    {
      g_warning ("Could not list the last 24 hours: %s", error->message);
      g_clear_error (&error);
    }
  set_variant_property (self, "progress", lactd_goals1_get_progress (iface),
                        lactd_progress_to_variant (&totals,
                                                   self->goal.sessions_per_day,
                                                   night_stored, next_due));
  if (lactd_goals1_get_next_due (iface) != next_due)
    lactd_goals1_set_next_due (iface, next_due);

  /* ---- Trend over the 7 complete local days before today */
  today = lactd_local_julian (tz, now);
  if (!lactd_store_trend (self->store, today - 7, today - 1, &figures,
                          &error))
    {
      g_warning ("Could not compute the trend: %s", error->message);
      g_clear_error (&error);
    }
  set_variant_property (self, "trend", lactd_goals1_get_trend (iface),
                        lactd_trend_to_variant (&figures));

  /* ---- the one wake-up: the earliest future event */
#define CONSIDER(t) \
  G_STMT_START { \
    gint64 t_ = (t); \
    if (t_ > now && (wake == 0 || t_ < wake)) \
      wake = t_; \
  } G_STMT_END

  if (session_on)
    {
      if (self->state.session_emitted != due)
        CONSIDER (due);
      if (session_snoozed &&
          self->state.snooze_emitted != self->state.snooze_until)
        CONSIDER (self->state.snooze_until);
    }
  if (self->goal.reminders)
    {
      night_half = lactd_night_next_half (&self->goal, tz, now);
      CONSIDER (night_half);
      if (night_snoozed &&
          self->state.snooze_emitted != self->state.snooze_until)
        CONSIDER (self->state.snooze_until);
    }
  /* night_done refers to the latest window that has begun. */
  lactd_night_span_next (&self->goal, tz, now, &next_span);
  CONSIDER (next_span.start);
  if (earliest_counted_start (window, &first_start))
    CONSIDER (first_start + WINDOW_SECONDS);
  CONSIDER (lactd_local_midnight (tz, today + 1));
#undef CONSIDER

  g_debug ("Evaluated at %" G_GINT64_FORMAT ": next due %" G_GINT64_FORMAT
           ", pending session %" G_GINT64_FORMAT " night %" G_GINT64_FORMAT
           ", wake-up at %" G_GINT64_FORMAT, now, next_due,
           self->pending_session_due, self->pending_night_due, wake);
  if (wake != 0)
    lactd_clock_arm (self->clock, wake);
  else
    lactd_clock_disarm (self->clock);
}

static void
goals_evaluate (LactdGoals *self)
{
  /* A ReminderDue handler may call back into us (Snooze from a test, a
   * hook): run again afterwards rather than nest. */
  if (self->evaluating)
    {
      self->evaluate_again = TRUE;
      return;
    }
  self->evaluating = TRUE;
  do
    {
      self->evaluate_again = FALSE;
      goals_evaluate_once (self);
    }
  while (self->evaluate_again);
  self->evaluating = FALSE;
}

/* ------------------------------------------------------------- methods */

gboolean
lactd_goals_set_goal (LactdGoals *self, GVariant *changes, GError **error)
{
  g_autofree char *str = NULL;
  LactdGoal goal;

  g_return_val_if_fail (LACTD_IS_GOALS (self), FALSE);

  if (!lactd_goal_apply_changes (&self->goal, changes, &goal, error))
    return FALSE;
  str = lactd_goal_to_string (&goal);
  if (!lactd_store_set_setting (self->store, SETTING_GOAL, str, error))
    {
      lactd_error_from_store (error);
      return FALSE;
    }
  self->goal = goal;
  g_message ("Goal set: %s", str);
  set_variant_property (self, "goal",
                        lactd_goals1_get_goal (LACTD_GOALS1 (self)),
                        lactd_goal_to_variant (&self->goal));
  goals_evaluate (self);
  return TRUE;
}

gboolean
lactd_goals_snooze (LactdGoals *self, guint minutes, GError **error)
{
  gint64 now;

  g_return_val_if_fail (LACTD_IS_GOALS (self), FALSE);

  if (!lactd_check_snooze_minutes (minutes, error))
    {
      lactd_error_from_model (error);
      return FALSE;
    }
  goals_evaluate (self);
  if (self->pending_session_due == 0 && self->pending_night_due == 0)
    {
      g_set_error_literal (error, LACTD_ERROR, LACTD_ERROR_NOT_FOUND,
                           "No reminder is pending");
      return FALSE;
    }

  now = lactd_clock_now (self->clock);
  /* The most recent of the pending reminders is "the" pending one. */
  if (self->pending_session_due >= self->pending_night_due)
    {
      self->state.snooze_kind = LACTD_REMINDER_SESSION;
      self->state.snooze_due = self->pending_session_due;
    }
  else
    {
      self->state.snooze_kind = LACTD_REMINDER_NIGHT;
      self->state.snooze_due = self->pending_night_due;
    }
  self->state.snooze_until = now + (gint64) minutes * 60;
  self->state.snooze_emitted = 0;
  g_message ("Reminder (%s) snoozed for %u min",
             lactd_reminder_kind_to_string (self->state.snooze_kind),
             minutes);
  save_state (self);
  goals_evaluate (self);
  return TRUE;
}

gboolean
lactd_goals_dismiss (LactdGoals *self, GError **error)
{
  g_return_val_if_fail (LACTD_IS_GOALS (self), FALSE);

  goals_evaluate (self);
  if (self->pending_session_due == 0 && self->pending_night_due == 0)
    {
      g_debug ("Dismiss with no reminder pending: nothing to do");
      return TRUE;
    }

  /* Until the next session: nothing more is due from this last end. */
  self->state.dismissed_end = self->last_end;
  if (self->pending_night_due != 0)
    self->state.night_dismissed = self->pending_night_due;
  self->state.snooze_kind = LACTD_REMINDER_NONE;
  self->state.snooze_due = 0;
  self->state.snooze_until = 0;
  self->state.snooze_emitted = 0;
  g_message ("Reminders dismissed until the next session");
  save_state (self);
  goals_evaluate (self);
  return TRUE;
}

const LactdGoal *
lactd_goals_get_goal (LactdGoals *self)
{
  g_return_val_if_fail (LACTD_IS_GOALS (self), NULL);
  return &self->goal;
}

gboolean
lactd_goals_has_pending (LactdGoals *self)
{
  g_return_val_if_fail (LACTD_IS_GOALS (self), FALSE);
  /* Pending-ness can begin without an event (after a jump back, at a due
   * already announced), so look now. */
  goals_evaluate (self);
  return self->pending_session_due != 0 || self->pending_night_due != 0;
}

static gboolean
handle_set_goal (LactdGoals1 *iface, GDBusMethodInvocation *invocation,
                 GVariant *changes, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_goals_set_goal (LACTD_GOALS (iface), changes, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    lactd_goals1_complete_set_goal (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_snooze (LactdGoals1 *iface, GDBusMethodInvocation *invocation,
               guint minutes, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_goals_snooze (LACTD_GOALS (iface), minutes, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    lactd_goals1_complete_snooze (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_dismiss (LactdGoals1 *iface, GDBusMethodInvocation *invocation,
                gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_goals_dismiss (LACTD_GOALS (iface), &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    lactd_goals1_complete_dismiss (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --------------------------------------------------------------- hooks */

void
lactd_goals_start (LactdGoals *self)
{
  g_return_if_fail (LACTD_IS_GOALS (self));

  self->started = TRUE;
  goals_evaluate (self);
}

void
lactd_goals_refresh (LactdGoals *self)
{
  g_return_if_fail (LACTD_IS_GOALS (self));
  goals_evaluate (self);
}

void
lactd_goals_session_stored (LactdGoals *self)
{
  g_return_if_fail (LACTD_IS_GOALS (self));
  g_debug ("A session was stored");
  goals_evaluate (self);
}

void
lactd_goals_session_deleted (LactdGoals *self)
{
  g_return_if_fail (LACTD_IS_GOALS (self));
  g_debug ("A session was deleted");
  goals_evaluate (self);
}

void
lactd_goals_set_live_active (LactdGoals *self, gboolean active)
{
  gint64 now;

  g_return_if_fail (LACTD_IS_GOALS (self));

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
          save_state (self);
        }
      g_debug ("Live session started: nothing is due while it runs");
    }
  else
    {
      self->live_end = now;
      g_debug ("Live session ended");
    }
  goals_evaluate (self);
}

/* Hysteresis: a sensor is announced low once at or below
 * LACTD_BATTERY_LOW_PERCENT and stays so (persisted) until its level is
 * above LACTD_BATTERY_REARM_PERCENT again. */
void
lactd_goals_battery_level (LactdGoals *self, const char *address,
                           guint8 percent)
{
  guint index;

  g_return_if_fail (LACTD_IS_GOALS (self));
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
          save_state (self);
        }
      return;
    }
  if (percent > LACTD_BATTERY_LOW_PERCENT)
    return;

  g_ptr_array_add (self->state.battery_low, g_strdup (address));
  save_state (self);
  if (self->goal.reminders)
    {
      g_autofree char *message = lactd_reminder_battery_message (address,
                                                                 percent);
      gint64 now = lactd_clock_now (self->clock);

      g_message ("Reminder (battery, due %" G_GINT64_FORMAT "): %s", now,
                 message);
      lactd_goals1_emit_reminder_due (LACTD_GOALS1 (self), "battery", now,
                                      message);
    }
}

void
lactd_goals_resume (LactdGoals *self)
{
  g_return_if_fail (LACTD_IS_GOALS (self));
  g_message ("Resumed from sleep; re-evaluating goals and reminders");
  goals_evaluate (self);
}

static void
clock_fired_cb (LactdClock *clock, gpointer user_data)
{
  goals_evaluate (LACTD_GOALS (user_data));
}

static void
clock_time_changed_cb (LactdClock *clock, gpointer user_data)
{
  g_debug ("Wall clock or time zone changed");
  goals_evaluate (LACTD_GOALS (user_data));
}

/* ------------------------------------------------------------- object */

static void
lactd_goals_dispose (GObject *object)
{
  LactdGoals *self = LACTD_GOALS (object);

  if (self->clock != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->clock, self);
      lactd_clock_disarm (self->clock);
    }
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (lactd_goals_parent_class)->dispose (object);
}

static void
lactd_goals_finalize (GObject *object)
{
  LactdGoals *self = LACTD_GOALS (object);

  lactd_reminder_state_clear (&self->state);
  g_free (self->saved_state);
  G_OBJECT_CLASS (lactd_goals_parent_class)->finalize (object);
}

static void
lactd_goals_class_init (LactdGoalsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lactd_goals_dispose;
  object_class->finalize = lactd_goals_finalize;
}

static void
lactd_goals_init (LactdGoals *self)
{
  self->goal = lactd_goal_defaults ();
  lactd_reminder_state_init (&self->state);

  g_signal_connect (self, "handle-set-goal", G_CALLBACK (handle_set_goal),
                    NULL);
  g_signal_connect (self, "handle-snooze", G_CALLBACK (handle_snooze), NULL);
  g_signal_connect (self, "handle-dismiss", G_CALLBACK (handle_dismiss),
                    NULL);
}

static gboolean
load_settings (LactdGoals *self, GError **error)
{
  g_autofree char *goal_str = NULL;
  g_autofree char *state_str = NULL;
  g_autoptr(GError) local_error = NULL;

  goal_str = lactd_store_get_setting (self->store, SETTING_GOAL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      lactd_error_from_store (error);
      return FALSE;
    }
  /* A damaged setting must not keep the daemon down: fall back. */
  if (goal_str != NULL &&
      !lactd_goal_from_string (goal_str, &self->goal, &local_error))
    {
      g_warning ("Stored goal \"%s\" unusable (%s); using the defaults",
                 goal_str, local_error->message);
      g_clear_error (&local_error);
      self->goal = lactd_goal_defaults ();
    }

  state_str = lactd_store_get_setting (self->store, SETTING_REMINDERS,
                                       &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      lactd_error_from_store (error);
      return FALSE;
    }
  self->saved_state = g_steal_pointer (&state_str);
  if (!lactd_reminder_state_parse (self->saved_state, &self->state,
                                   &local_error))
    {
      g_warning ("%s; starting with fresh reminder state",
                 local_error->message);
      g_clear_error (&local_error);
      save_state (self);
    }
  return TRUE;
}

LactdGoals *
lactd_goals_new (LactdStore *store, LactdClock *clock, GError **error)
{
  g_autoptr(LactdGoals) self = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (LACTD_IS_CLOCK (clock), NULL);

  self = g_object_new (LACTD_TYPE_GOALS, NULL);
  self->store = store;
  self->clock = g_object_ref (clock);

  if (!load_settings (self, error))
    return NULL;

  set_variant_property (self, "goal",
                        lactd_goals1_get_goal (LACTD_GOALS1 (self)),
                        lactd_goal_to_variant (&self->goal));
  g_signal_connect (clock, "fired", G_CALLBACK (clock_fired_cb), self);
  g_signal_connect (clock, "time-changed",
                    G_CALLBACK (clock_time_changed_cb), self);
  goals_evaluate (self);
  return g_steal_pointer (&self);
}
