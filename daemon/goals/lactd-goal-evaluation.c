/* lactd-goal-evaluation.c — the tracker's one evaluation, phase by
 * phase: the session due, the night, announcing, progress, trend and the
 * next wake-up. It is cheap (a handful of indexed queries) and being
 * idempotent makes clock jumps harmless: what is due is derived from the
 * store and the persisted reminder state, never from elapsed timers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-goals"

#include "lactd-goal-tracker-private.h"

#include "lactd-reminders.h"

#define WINDOW_SECONDS (24 * 3600)

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

/* ------------------------------------------------------------ helpers */

/* Writes the reminder state only when it differs from what is stored:
 * a settings write is a durable commit. */
void
lactd_goal_tracker_save_state (LactdGoalTracker *self)
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

static gboolean
totals_equal (const LactdTotals *a, const LactdTotals *b)
{
  return a->sessions == b->sessions &&
         a->night_sessions == b->night_sessions &&
         a->seconds_left == b->seconds_left &&
         a->seconds_right == b->seconds_right &&
         a->expressed_tenths == b->expressed_tenths &&
         a->supplement_tenths == b->supplement_tenths;
}

static gboolean
progress_equal (const LactdProgress *a, const LactdProgress *b)
{
  return totals_equal (&a->totals, &b->totals) && a->target == b->target &&
         !a->night_done == !b->night_done && a->next_due == b->next_due;
}

static gboolean
trend_equal (const LactdTrendFigures *a, const LactdTrendFigures *b)
{
  return a->expressed_tenths == b->expressed_tenths &&
         a->supplement_tenths == b->supplement_tenths &&
         a->days_counted == b->days_counted &&
         a->first_session_julian == b->first_session_julian &&
         a->first_milk_julian == b->first_milk_julian;
}

/* --------------------------------------------------------- evaluation */

/* What one evaluation works out, phase by phase. */
typedef struct {
  gint64 now;
  GTimeZone *tz;
  GArray *emissions;            /* Emission */
  gboolean dirty;               /* the reminder state changed */

  gint64 due;                   /* last end + gap; 0 with no session */
  gboolean session_on, session_snoozed;
  gint64 next_due;

  LactdNightSpan span;          /* the latest night window begun */
  gboolean night_stored, night_on, night_snoozed;

  GArray *window;               /* sessions of the last 24 h */
  guint32 today;                /* local julian day */
} Evaluation;

static void
add_emission (Evaluation *ev, const char *kind, gint64 due, char *message)
{
  Emission emission = { kind, due, message };

  g_array_append_val (ev->emissions, emission);
  ev->dirty = TRUE;
}

/* The session due: the latest end (stored or live) + the gap. */
static void
evaluate_session_due (LactdGoalTracker *self, Evaluation *ev)
{
  LactdReminderState *st = &self->state;
  g_autoptr(GError) error = NULL;
  LactdSession latest;
  gint64 last_end = 0;

  if (lactd_store_latest_session (self->store, &latest, &error))
    last_end = lactd_session_end (&latest);
  else if (error != NULL)
    g_warning ("Could not read the latest session: %s", error->message);
  last_end = MAX (last_end, self->live_end);
  self->last_end = last_end;
  if (last_end != 0)
    ev->due = last_end + (gint64) self->goal.max_gap_minutes * 60;

  ev->session_on = self->goal.reminders && !self->live && last_end != 0 &&
                   st->dismissed_end != last_end;
  ev->session_snoozed = ev->session_on &&
                        st->snooze_kind == LACTD_REMINDER_SESSION &&
                        st->snooze_due == ev->due;
  if (ev->session_on)
    ev->next_due = ev->session_snoozed ? st->snooze_until : ev->due;

  if (ev->session_on && self->started && ev->now >= ev->due)
    {
      /* Once per due time: a jump that skipped far past it gives one. */
      if (st->session_emitted != ev->due)
        {
          st->session_emitted = ev->due;
          add_emission (ev, "session", ev->due,
                        lactd_reminder_session_message (last_end, ev->now));
        }
      else if (ev->session_snoozed && ev->now >= st->snooze_until &&
               st->snooze_emitted != st->snooze_until)
        {
          st->snooze_emitted = st->snooze_until;
          add_emission (ev, "session", st->snooze_until,
                        lactd_reminder_session_message (last_end, ev->now));
        }
    }
  self->pending_session_due = (ev->session_on && st->session_emitted == ev->due
                               && ev->now >= ev->due) ? ev->due : 0;
}

/* The night: the latest window that has begun, reminded at its half
 * point while it is still open and nothing was stored in it. */
static void
evaluate_night (LactdGoalTracker *self, Evaluation *ev)
{
  LactdReminderState *st = &self->state;
  const LactdNightSpan *span = &ev->span;
  g_autoptr(GError) error = NULL;

  lactd_night_span_latest_begun (&self->goal, ev->tz, ev->now, &ev->span);
  if (!lactd_night_span_has_session (self->store, &self->goal, span,
                                     &ev->night_stored, &error))
    g_warning ("Could not read the night's sessions: %s", error->message);
  /* Only once the history has begun: an empty store reminds of nothing. */
  ev->night_on = self->goal.reminders && !self->live && !ev->night_stored &&
                 self->last_end != 0 &&
                 !(self->live_start >= span->start &&
                   self->live_start < span->end) &&
                 ev->now >= span->half && ev->now < span->end &&
                 st->night_dismissed != span->half;
  ev->night_snoozed = ev->night_on &&
                      st->snooze_kind == LACTD_REMINDER_NIGHT &&
                      st->snooze_due == span->half;
  if (ev->night_on && self->started)
    {
      if (st->night_emitted != span->half)
        {
          st->night_emitted = span->half;
          add_emission (ev, "night", span->half,
                        lactd_reminder_night_message ());
        }
      else if (ev->night_snoozed && ev->now >= st->snooze_until &&
               st->snooze_emitted != st->snooze_until)
        {
          st->snooze_emitted = st->snooze_until;
          add_emission (ev, "night", st->snooze_until,
                        lactd_reminder_night_message ());
        }
    }
  self->pending_night_due =
    (ev->night_on && st->night_emitted == span->half) ? span->half : 0;
}

/* Persist before announcing: a crash in between loses a reminder rather
 * than repeating one after the restart. */
static void
announce_reminders (LactdGoalTracker *self, Evaluation *ev)
{
  if (ev->dirty)
    lactd_goal_tracker_save_state (self);
  for (guint i = 0; i < ev->emissions->len; i++)
    {
      Emission *emission = &g_array_index (ev->emissions, Emission, i);

      g_message ("Reminder (%s, due %" G_GINT64_FORMAT "): %s",
                 emission->kind, emission->due, emission->message);
      lactd_goal_tracker_emit_reminder (self, emission->kind, emission->due,
                                        emission->message);
    }
}

/* Progress over (now - 24 h, now] and whatever starts later. */
static void
evaluate_progress (LactdGoalTracker *self, Evaluation *ev)
{
  LactdNightWindow night_window = lactd_goal_night_window (&self->goal);
  LactdProgress progress = { { 0 }, 0, FALSE, 0 };
  g_autoptr(GError) error = NULL;

  if (!lactd_store_totals (self->store, ev->now - WINDOW_SECONDS + 1,
                           G_MAXINT64, &night_window, &progress.totals,
                           &error))
    {
      g_warning ("Could not total the last 24 hours: %s", error->message);
      g_clear_error (&error);
    }
  ev->window = lactd_store_list_sessions (self->store,
                                          ev->now - WINDOW_SECONDS + 1,
                                          G_MAXINT64, &error);
  if (ev->window == NULL)
    g_warning ("Could not list the last 24 hours: %s", error->message);
  progress.target = self->goal.sessions_per_day;
  progress.night_done = ev->night_stored;
  progress.next_due = ev->next_due;
  if (!progress_equal (&progress, &self->progress))
    {
      gboolean next_due_changed = progress.next_due != self->progress.next_due;

      self->progress = progress;
      g_object_notify (G_OBJECT (self), "progress");
      if (next_due_changed)
        g_object_notify (G_OBJECT (self), "next-due");
    }
}

/* The trend over the 7 complete local days before today. */
static void
evaluate_trend (LactdGoalTracker *self, Evaluation *ev)
{
  LactdTrendFigures figures = { 0 };
  g_autoptr(GError) error = NULL;

  ev->today = lactd_local_julian (ev->tz, ev->now);
  if (!lactd_store_trend (self->store, ev->today - 7, ev->today - 1, &figures,
                          &error))
    g_warning ("Could not compute the trend: %s", error->message);
  if (!trend_equal (&figures, &self->trend))
    {
      self->trend = figures;
      g_object_notify (G_OBJECT (self), "trend");
    }
}

static void
consider (gint64 *wake, gint64 now, gint64 t)
{
  if (t > now && (*wake == 0 || t < *wake))
    *wake = t;
}

/* The one wake-up: the earliest future event. */
static void
arm_next_wake_up (LactdGoalTracker *self, Evaluation *ev)
{
  const LactdReminderState *st = &self->state;
  LactdNightSpan next_span;
  gint64 wake = 0, first_start;

  if (ev->session_on && st->session_emitted != ev->due)
    consider (&wake, ev->now, ev->due);
  if ((ev->session_snoozed || ev->night_snoozed) &&
      st->snooze_emitted != st->snooze_until)
    consider (&wake, ev->now, st->snooze_until);
  if (self->goal.reminders)
    consider (&wake, ev->now,
              lactd_night_next_half (&self->goal, ev->tz, ev->now));
  /* night_done refers to the latest window that has begun. */
  lactd_night_span_next (&self->goal, ev->tz, ev->now, &next_span);
  consider (&wake, ev->now, next_span.start);
  if (earliest_counted_start (ev->window, &first_start))
    consider (&wake, ev->now, first_start + WINDOW_SECONDS);
  consider (&wake, ev->now, lactd_local_midnight (ev->tz, ev->today + 1));

  g_debug ("Evaluated at %" G_GINT64_FORMAT ": next due %" G_GINT64_FORMAT
           ", pending session %" G_GINT64_FORMAT " night %" G_GINT64_FORMAT
           ", wake-up at %" G_GINT64_FORMAT, ev->now, ev->next_due,
           self->pending_session_due, self->pending_night_due, wake);
  if (wake != 0)
    lactd_clock_arm (self->clock, wake);
  else
    lactd_clock_disarm (self->clock);
}

static void
evaluate_once (LactdGoalTracker *self)
{
  g_autoptr(GTimeZone) tz = lactd_clock_get_timezone (self->clock);
  g_autoptr(GArray) emissions = g_array_new (FALSE, TRUE, sizeof (Emission));
  Evaluation ev = { 0 };

  g_array_set_clear_func (emissions, emission_clear);
  ev.now = lactd_clock_now (self->clock);
  ev.tz = tz;
  ev.emissions = emissions;

  evaluate_session_due (self, &ev);
  evaluate_night (self, &ev);
  announce_reminders (self, &ev);
  evaluate_progress (self, &ev);
  evaluate_trend (self, &ev);
  arm_next_wake_up (self, &ev);
  g_clear_pointer (&ev.window, g_array_unref);
}

void
lactd_goal_tracker_evaluate (LactdGoalTracker *self)
{
  /* A "reminder-due" handler may call back into us (a snooze from a test,
   * an event): run again afterwards rather than nest. */
  if (self->evaluating)
    {
      self->evaluate_again = TRUE;
      return;
    }
  self->evaluating = TRUE;
  do
    {
      self->evaluate_again = FALSE;
      evaluate_once (self);
    }
  while (self->evaluate_again);
  self->evaluating = FALSE;
}
