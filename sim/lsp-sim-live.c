/* lsp-sim-live.c — the simulated sensor's live sessions: Live Progress
 * about once a second of session time (scaled by the speed factor), one
 * packet with active clear at the end, then the stored record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "lsp-sim-private.h"

static guint
live_interval_ms (LspSimSensor *self)
{
  double ms = 1000.0 / self->speed;

  return (guint) CLAMP (ms, 1.0, 60000.0);
}

static guint16
volume_at (guint final_tenths, guint elapsed, guint duration)
{
  if (final_tenths == LSP_NOT_MEASURED)
    return LSP_NOT_MEASURED;
  return (guint16) ((guint64) final_tenths * elapsed / MAX (duration, 1u));
}

static lsp_volume
to_volume (guint tenths)
{
  lsp_volume v = { tenths != LSP_NOT_MEASURED,
                   tenths != LSP_NOT_MEASURED ? (guint16) tenths : 0 };
  return v;
}

static void
send_live (LspSimSensor *self, gboolean active)
{
  const LspSimSession *s = &self->session;
  guint elapsed = self->session_elapsed;
  guint stimulation_s = MIN (120u, s->duration_s / 6);
  lsp_live live = {
    .side = s->side,
    .phase = !active ? LSP_PHASE_IDLE
             : self->kind == LSP_SENSOR_KIND_SNS ? LSP_PHASE_IDLE
             : elapsed < stimulation_s ? LSP_PHASE_STIMULATION
             : LSP_PHASE_EXPRESSION,
    .active = active,
    .seq = self->session_seq,
    .elapsed_s = (guint16) elapsed,
    .volume_left = to_volume (volume_at (s->volume_left_tenths, elapsed, s->duration_s)),
    .volume_right = to_volume (volume_at (s->volume_right_tenths, elapsed, s->duration_s)),
    .supplement = to_volume (volume_at (s->supplement_tenths, elapsed, s->duration_s)),
    .has_suction = s->suction != LSP_NOT_APPLICABLE && active,
    .suction = s->suction != LSP_NOT_APPLICABLE && active ? s->suction : 0,
    .has_battery = TRUE,
    .battery_percent = self->battery,
  };
  guint8 buf[LSP_LIVE_LEN];
  lsp_status status = lsp_live_encode (&live, buf);

  if (status != LSP_OK)
    {
      g_warning ("live progress not encodable: %s", lsp_status_message (status));
      return;
    }
  lsp_sim_sensor_send_data (self, LSP_SIM_CHAR_LIVE_PROGRESS, buf, sizeof buf);
}

static gboolean repeat_cb (gpointer user_data);

static void
store_session_record (LspSimSensor *self)
{
  const LspSimSession *s = &self->session;
  lsp_record record = {
    .seq = self->session_seq,
    .start_utc = (guint32) self->session_start_utc,
    .utc_offset_known = self->offset_known,
    .utc_offset_quarters = self->offset_known ? self->offset_quarters : 0,
    .kind = s->kind,
    .double_sided = s->double_sided,
    .volume_left = to_volume (s->volume_left_tenths),
    .volume_right = to_volume (s->volume_right_tenths),
    .supplement = to_volume (s->supplement_tenths),
  };
  guint8 buf[LSP_RECORD_LEN];
  g_autoptr(GBytes) raw = NULL;
  lsp_status status;

  if (s->double_sided || s->side == LSP_SIDE_LEFT)
    record.seconds_left = (guint16) s->duration_s;
  if (s->double_sided || s->side == LSP_SIDE_RIGHT)
    record.seconds_right = (guint16) s->duration_s;
  if (!s->double_sided && (s->side == LSP_SIDE_BOTH || s->side == LSP_SIDE_NONE))
    {
      record.seconds_left = (guint16) (s->duration_s / 2);
      record.seconds_right = (guint16) (s->duration_s - s->duration_s / 2);
    }
  status = lsp_record_encode (&record, lsp_sim_sensor_device_now (self), buf);
  if (status != LSP_OK)
    {
      g_warning ("session record not encodable: %s",
                 lsp_status_message (status));
      return;
    }
  raw = g_bytes_new (buf, sizeof buf);
  lsp_sim_sensor_insert_record (self, self->session_seq, raw);
}

static gboolean
live_cb (gpointer user_data)
{
  LspSimSensor *self = user_data;
  guint32 seq = self->session_seq;

  self->session_elapsed++;
  if (self->session_elapsed < self->session.duration_s)
    {
      send_live (self, TRUE);
      return G_SOURCE_CONTINUE;
    }
  self->live_source = 0;
  self->session_running = FALSE;
  /* The record is stored before the final packet goes out, so a central
   * that syncs on it finds the record. */
  store_session_record (self);
  send_live (self, FALSE);
  g_message ("session %u ended", seq);
  lsp_sim_sensor_emit (self, LSP_SIM_SIGNAL_SESSION_ENDED, (guint) seq);
  if (self->repeating && self->repeat_source == 0)
    self->repeat_source = g_timeout_add (MAX (self->repeat_pause_ms, 1u),
                                         repeat_cb, self);
  return G_SOURCE_REMOVE;
}

gboolean
lsp_sim_sensor_start_session (LspSimSensor *self, const LspSimSession *session)
{
  g_return_val_if_fail (LSP_SIM_IS_SENSOR (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  if (self->session_running)
    return FALSE;
  self->session = *session;
  self->session.duration_s = CLAMP (session->duration_s, 1u, LSP_MAX_SECONDS);
  self->session_running = TRUE;
  self->session_seq = self->next_seq++;
  self->session_start_utc = lsp_sim_sensor_device_now (self);
  self->session_elapsed = 0;
  g_message ("session %u started (%u s at speed %.1f)", self->session_seq,
             self->session.duration_s, self->speed);
  send_live (self, TRUE);
  self->live_source = g_timeout_add (live_interval_ms (self), live_cb, self);
  lsp_sim_sensor_emit (self, LSP_SIM_SIGNAL_SESSION_STARTED, (guint) self->session_seq);
  return TRUE;
}

gboolean
lsp_sim_sensor_get_session_running (LspSimSensor *self)
{
  g_return_val_if_fail (LSP_SIM_IS_SENSOR (self), FALSE);
  return self->session_running;
}

static gboolean
repeat_cb (gpointer user_data)
{
  LspSimSensor *self = user_data;
  LspSimSession next = self->repeat_session;
  double jitter = g_rand_double_range (self->rand, 0.85, 1.15);

  self->repeat_source = 0;
  /* A little variety from one session to the next. */
  if (next.volume_left_tenths != LSP_NOT_MEASURED)
    next.volume_left_tenths = MIN ((guint) (next.volume_left_tenths * jitter), 10000u);
  if (next.volume_right_tenths != LSP_NOT_MEASURED)
    next.volume_right_tenths = MIN ((guint) (next.volume_right_tenths * jitter), 10000u);
  if (next.supplement_tenths != LSP_NOT_MEASURED)
    next.supplement_tenths = MIN ((guint) (next.supplement_tenths * jitter), 10000u);
  lsp_sim_sensor_start_session (self, &next);
  return G_SOURCE_REMOVE;
}

void
lsp_sim_sensor_repeat_sessions (LspSimSensor *self,
                                const LspSimSession *session,
                                guint first_delay_ms, guint pause_ms)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  self->repeating = TRUE;
  self->repeat_session = *session;
  self->repeat_pause_ms = pause_ms;
  g_clear_handle_id (&self->repeat_source, g_source_remove);
  self->repeat_source = g_timeout_add (MAX (first_delay_ms, 1u), repeat_cb,
                                       self);
}

void
lsp_sim_sensor_set_speed (LspSimSensor *self, double speed)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  self->speed = speed > 0.0 ? speed : 1.0;
}
