/* lsp-sim-sensor.c — the simulated LSP v1 sensor: characteristics, the
 * record store, the RACP state machine and live sessions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "lsp-sim-private.h"

#include <string.h>

/* Records of a report sent per main-loop dispatch when there is no delay:
 * enough for throughput, small enough to keep the loop responsive. */
#define BURST_RECORDS 64

typedef struct {
  guint32 seq;
  GBytes *raw;
} SimRecord;

struct _LspSimSensor {
  GObject parent_instance;

  lsp_sensor_kind kind;
  guint32 epoch;
  guint capacity;
  GArray *records;            /* SimRecord, ascending seq */
  guint32 next_seq;
  guint overwritten;
  guint32 highest_deleted;

  gboolean notifying[LSP_SIM_N_CHARS];
  gint64 clock_skew_s;        /* device clock minus real clock */
  gboolean offset_known;
  gint8 offset_quarters;
  guint8 battery;
  char *manufacturer, *model, *serial, *firmware;
  GRand *rand;
  GArray *owned_sources;      /* guint, scenario timers */

  /* RACP: one procedure at a time. generation changes whenever a
   * procedure ends early, so a burst in flight notices. */
  gboolean procedure_running;
  guint procedure_generation;
  guint procedure_source;
  GPtrArray *report_queue;    /* GBytes, the running report's records */
  guint report_pos;
  GBytes *final_indication;   /* sent when the procedure ends */
  GQueue stragglers;          /* GBytes held back past the 0x06 */
  GQueue deferred;            /* RACP indications outside a procedure */
  guint deferred_source;
  guint straggler_source;

  /* knobs */
  guint record_delay_ms;
  gboolean reorder;
  guint n_stragglers;
  guint straggler_delay_ms;
  guint stop_after;           /* 0: off */
  guint8 fault_opcode;
  LspSimRacpFault fault;
  guint8 fault_code;

  /* live sessions */
  double speed;
  gboolean session_running;
  LspSimSession session;
  guint32 session_seq;
  gint64 session_start_utc;
  guint session_elapsed;
  guint live_source;
  gboolean repeating;
  LspSimSession repeat_session;
  guint repeat_pause_ms;
  guint repeat_source;
};

G_DEFINE_TYPE (LspSimSensor, lsp_sim_sensor, G_TYPE_OBJECT)

enum {
  SIGNAL_SEND,
  SIGNAL_LINK_LOST,
  SIGNAL_DELETE_REQUESTED,
  SIGNAL_SESSION_STARTED,
  SIGNAL_SESSION_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const char_uuids[LSP_SIM_N_CHARS] = {
  [LSP_SIM_CHAR_FEATURES] = LSP_UUID_FEATURES,
  [LSP_SIM_CHAR_LIVE_PROGRESS] = LSP_UUID_LIVE_PROGRESS,
  [LSP_SIM_CHAR_SESSION_RECORD] = LSP_UUID_SESSION_RECORD,
  [LSP_SIM_CHAR_RACP] = LSP_UUID_RACP,
  [LSP_SIM_CHAR_DEVICE_TIME] = LSP_UUID_DEVICE_TIME,
  [LSP_SIM_CHAR_BATTERY_LEVEL] = LSP_UUID_BATTERY_LEVEL,
  [LSP_SIM_CHAR_MANUFACTURER] = LSP_UUID_MANUFACTURER,
  [LSP_SIM_CHAR_MODEL_NUMBER] = LSP_UUID_MODEL_NUMBER,
  [LSP_SIM_CHAR_SERIAL_NUMBER] = LSP_UUID_SERIAL_NUMBER,
  [LSP_SIM_CHAR_FIRMWARE_REVISION] = LSP_UUID_FIRMWARE_REV,
};

const char *
lsp_sim_char_uuid (LspSimChar ch)
{
  g_return_val_if_fail ((guint) ch < LSP_SIM_N_CHARS, NULL);
  return char_uuids[ch];
}

gboolean
lsp_sim_char_from_uuid (const char *uuid, LspSimChar *ch_out)
{
  for (guint i = 0; i < LSP_SIM_N_CHARS; i++)
    {
      if (uuid != NULL && g_ascii_strcasecmp (uuid, char_uuids[i]) == 0)
        {
          if (ch_out != NULL)
            *ch_out = (LspSimChar) i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
sim_record_clear (gpointer data)
{
  SimRecord *record = data;

  g_clear_pointer (&record->raw, g_bytes_unref);
}

/* ------------------------------------------------------------ helpers */

GRand *
lsp_sim_sensor_get_rand (LspSimSensor *self)
{
  return self->rand;
}

gint64
lsp_sim_sensor_device_now (LspSimSensor *self)
{
  return g_get_real_time () / G_USEC_PER_SEC + self->clock_skew_s;
}

void
lsp_sim_sensor_own_source (LspSimSensor *self, guint source_id)
{
  g_array_append_val (self->owned_sources, source_id);
}

static void
send_value (LspSimSensor *self, LspSimChar ch, GBytes *value)
{
  if (!self->notifying[ch])
    {
      g_debug ("%s: notifications off, dropping %zu bytes",
               lsp_sim_char_uuid (ch), g_bytes_get_size (value));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SEND], 0, (guint) ch, value);
}

static void
send_data (LspSimSensor *self, LspSimChar ch, const guint8 *data, gsize len)
{
  g_autoptr(GBytes) value = g_bytes_new (data, len);

  send_value (self, ch, value);
}

void
lsp_sim_sensor_send_raw (LspSimSensor *self, LspSimChar ch, GBytes *value)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  g_return_if_fail ((guint) ch < LSP_SIM_N_CHARS);
  send_value (self, ch, value);
}

static GBytes *
racp_response_bytes (guint8 request_opcode, guint8 code)
{
  const guint8 data[LSP_RACP_RESPONSE_LEN] = {
    LSP_RACP_IND_RESPONSE, 0x00, request_opcode, code
  };

  return g_bytes_new (data, sizeof data);
}

static GBytes *
racp_count_bytes (guint32 count)
{
  lsp_racp_indication ind = { .type = LSP_RACP_IND_COUNT, .count = count };
  guint8 buf[LSP_RACP_INDICATION_MAX_LEN];
  size_t len = 0;

  lsp_racp_indication_encode (&ind, buf, &len);
  return g_bytes_new (buf, len);
}

/* ------------------------------------------------------------ records */

static void
insert_record (LspSimSensor *self, guint32 seq, GBytes *raw)
{
  SimRecord record = { seq, g_bytes_ref (raw) };
  guint pos = self->records->len;

  if (self->capacity > 0 && self->records->len >= self->capacity)
    {
      g_debug ("store full: record %u overwritten",
               g_array_index (self->records, SimRecord, 0).seq);
      g_array_remove_index (self->records, 0);
      self->overwritten++;
      pos = self->records->len;
    }
  while (pos > 0 && g_array_index (self->records, SimRecord, pos - 1).seq > seq)
    pos--;
  g_array_insert_val (self->records, pos, record);
}

guint32
lsp_sim_sensor_add_raw_record (LspSimSensor *self, GBytes *raw)
{
  guint32 seq;

  g_return_val_if_fail (LSP_SIM_IS_SENSOR (self), 0);
  seq = self->next_seq++;
  insert_record (self, seq, raw);
  return seq;
}

guint32
lsp_sim_sensor_add_record (LspSimSensor *self, const lsp_record *record)
{
  lsp_record copy;
  guint8 buf[LSP_RECORD_LEN];
  g_autoptr(GBytes) raw = NULL;
  gint64 now;
  lsp_status status;

  g_return_val_if_fail (LSP_SIM_IS_SENSOR (self), 0);
  g_return_val_if_fail (record != NULL, 0);

  now = lsp_sim_sensor_device_now (self);
  copy = *record;
  copy.seq = self->next_seq;
  if (copy.start_utc == 0)
    copy.start_utc = (guint32) now;
  status = lsp_record_encode (&copy, now, buf);
  if (status != LSP_OK)
    {
      g_warning ("refusing an invalid record: %s",
                 lsp_status_message (status));
      return 0;
    }
  raw = g_bytes_new (buf, sizeof buf);
  return lsp_sim_sensor_add_raw_record (self, raw);
}

void
lsp_sim_sensor_reset_epoch (LspSimSensor *self)
{
  guint32 old = self->epoch;

  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  g_array_set_size (self->records, 0);
  do
    self->epoch = g_rand_int (self->rand);
  while (self->epoch == 0 || self->epoch == old);
  self->next_seq = 1;
  g_message ("record store erased, epoch %u -> %u", old, self->epoch);
}

/* ------------------------------------------------------- RACP machine */

static void
procedure_end (LspSimSensor *self)
{
  self->procedure_running = FALSE;
  self->procedure_generation++;
  g_clear_handle_id (&self->procedure_source, g_source_remove);
  g_clear_pointer (&self->report_queue, g_ptr_array_unref);
  g_clear_pointer (&self->final_indication, g_bytes_unref);
  self->report_pos = 0;
}

static gboolean
straggler_cb (gpointer user_data)
{
  LspSimSensor *self = user_data;
  g_autoptr(GBytes) value = g_queue_pop_head (&self->stragglers);

  if (g_queue_is_empty (&self->stragglers))
    self->straggler_source = 0;
  if (value != NULL)
    send_value (self, LSP_SIM_CHAR_SESSION_RECORD, value);
  return self->straggler_source != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Sends the procedure's final indication and ends it. */
static void
procedure_finish (LspSimSensor *self)
{
  g_autoptr(GBytes) final = g_steal_pointer (&self->final_indication);

  self->procedure_source = 0;  /* the caller's source is ending */
  procedure_end (self);
  if (final != NULL)
    send_value (self, LSP_SIM_CHAR_RACP, final);
  if (!g_queue_is_empty (&self->stragglers) && self->straggler_source == 0)
    self->straggler_source = g_timeout_add (MAX (self->straggler_delay_ms, 1),
                                            straggler_cb, self);
}

static gboolean
finish_cb (gpointer user_data)
{
  procedure_finish (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
report_cb (gpointer user_data)
{
  LspSimSensor *self = user_data;
  guint generation = self->procedure_generation;
  guint burst = self->record_delay_ms == 0 ? BURST_RECORDS : 1;

  while (burst-- > 0 && self->report_pos < self->report_queue->len)
    {
      GBytes *value = g_ptr_array_index (self->report_queue, self->report_pos);

      self->report_pos++;
      send_value (self, LSP_SIM_CHAR_SESSION_RECORD, value);
      if (generation != self->procedure_generation)
        return G_SOURCE_REMOVE;   /* ended from a signal handler */
      if (self->stop_after > 0 && self->report_pos >= self->stop_after)
        {
          g_message ("dropping the link after %u records of the report",
                     self->report_pos);
          self->stop_after = 0;
          self->procedure_source = 0;
          procedure_end (self);
          g_signal_emit (self, signals[SIGNAL_LINK_LOST], 0);
          return G_SOURCE_REMOVE;
        }
    }
  if (self->report_pos < self->report_queue->len)
    return G_SOURCE_CONTINUE;
  procedure_finish (self);
  return G_SOURCE_REMOVE;
}

/* Ends the running procedure soon with `final` as its indication. */
static void
schedule_finish (LspSimSensor *self, GBytes *final)
{
  self->procedure_running = TRUE;
  self->final_indication = final;
  self->procedure_source = g_idle_add (finish_cb, self);
}

static void
start_report (LspSimSensor *self, const lsp_racp_request *request)
{
  g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint n_late;

  for (guint i = 0; i < self->records->len; i++)
    {
      SimRecord *record = &g_array_index (self->records, SimRecord, i);

      if (request->op == LSP_RACP_OP_ALL || record->seq >= request->seq)
        g_ptr_array_add (queue, g_bytes_ref (record->raw));
    }
  g_debug ("report: %u records", queue->len);
  if (queue->len == 0)
    {
      schedule_finish (self, racp_response_bytes (LSP_RACP_REPORT,
                                                  LSP_RACP_RSP_NO_RECORDS));
      return;
    }
  if (self->reorder)
    {
      for (guint i = queue->len - 1; i > 0; i--)
        {
          guint j = (guint) g_rand_int_range (self->rand, 0, (gint32) i + 1);
          gpointer tmp = queue->pdata[i];

          queue->pdata[i] = queue->pdata[j];
          queue->pdata[j] = tmp;
        }
    }
  /* Held back past the 0x06, as BlueZ may deliver them. */
  n_late = MIN (self->n_stragglers, queue->len);
  for (guint i = queue->len - n_late; i < queue->len; i++)
    g_queue_push_tail (&self->stragglers, g_bytes_ref (queue->pdata[i]));
  g_ptr_array_set_size (queue, queue->len - n_late);

  self->procedure_running = TRUE;
  self->report_queue = g_steal_pointer (&queue);
  self->report_pos = 0;
  self->final_indication = racp_response_bytes (LSP_RACP_REPORT,
                                                LSP_RACP_RSP_SUCCESS);
  if (self->report_queue->len == 0)
    self->procedure_source = g_idle_add (finish_cb, self);
  else if (self->record_delay_ms == 0)
    self->procedure_source = g_idle_add (report_cb, self);
  else
    self->procedure_source = g_timeout_add (self->record_delay_ms, report_cb,
                                            self);
}

static void
run_delete (LspSimSensor *self, const lsp_racp_request *request)
{
  guint32 upto = request->op == LSP_RACP_OP_ALL ? G_MAXUINT32 : request->seq;
  guint removed = 0;

  g_signal_emit (self, signals[SIGNAL_DELETE_REQUESTED], 0, (guint) upto);
  self->highest_deleted = MAX (self->highest_deleted, upto);
  /* Records are kept in ascending order: the deleted ones are a prefix. */
  while (removed < self->records->len &&
         g_array_index (self->records, SimRecord, removed).seq <= upto)
    removed++;
  if (removed > 0)
    g_array_remove_range (self->records, 0, removed);
  g_debug ("delete <= %u: %u records removed, %u left", upto, removed,
           self->records->len);
  schedule_finish (self, racp_response_bytes (LSP_RACP_DELETE,
                                              removed > 0
                                              ? LSP_RACP_RSP_SUCCESS
                                              : LSP_RACP_RSP_NO_RECORDS));
}

static guint32
count_matching (LspSimSensor *self, const lsp_racp_request *request)
{
  guint32 n = 0;

  for (guint i = 0; i < self->records->len; i++)
    if (request->op == LSP_RACP_OP_ALL ||
        g_array_index (self->records, SimRecord, i).seq >= request->seq)
      n++;
  return n;
}

static gboolean
deferred_cb (gpointer user_data)
{
  LspSimSensor *self = user_data;
  GBytes *value;

  self->deferred_source = 0;
  while ((value = g_queue_pop_head (&self->deferred)) != NULL)
    {
      send_value (self, LSP_SIM_CHAR_RACP, value);
      g_bytes_unref (value);
    }
  return G_SOURCE_REMOVE;
}

static guint8
write_racp (LspSimSensor *self, const guint8 *data, gsize len)
{
  lsp_racp_request request;
  lsp_status status;
  guint8 opcode = len > 0 ? data[0] : 0;

  if (!self->notifying[LSP_SIM_CHAR_RACP])
    return LSP_SIM_ATT_CCCD_IMPROPER;

  status = lsp_racp_request_decode (data, len, &request);

  if (status == LSP_OK && request.opcode == LSP_RACP_ABORT)
    {
      /* The stopped procedure sends no 0x06 of its own. */
      g_debug ("abort%s", self->procedure_running ? "" : " (nothing running)");
      procedure_end (self);
      /* Aborting is immediate: the control point is free at once, the
       * 0x06 follows. */
      g_queue_push_tail (&self->deferred,
                         racp_response_bytes (LSP_RACP_ABORT,
                                              LSP_RACP_RSP_SUCCESS));
      if (self->deferred_source == 0)
        self->deferred_source = g_idle_add (deferred_cb, self);
      return LSP_SIM_ATT_OK;
    }
  if (self->procedure_running)
    return LSP_SIM_ATT_PROCEDURE_IN_PROGRESS;

  if (self->fault != LSP_SIM_RACP_FAULT_NONE &&
      (self->fault_opcode == 0 || self->fault_opcode == opcode))
    {
      LspSimRacpFault fault = self->fault;

      self->fault = LSP_SIM_RACP_FAULT_NONE;
      g_message ("injected RACP fault %d on opcode 0x%02x", fault, opcode);
      switch (fault)
        {
        case LSP_SIM_RACP_FAULT_WRITE_ERROR:
          return self->fault_code != 0 ? self->fault_code : 0x80;
        case LSP_SIM_RACP_FAULT_SILENT:
          self->procedure_running = TRUE;   /* until aborted */
          return LSP_SIM_ATT_OK;
        case LSP_SIM_RACP_FAULT_RESPONSE:
          schedule_finish (self, racp_response_bytes (opcode,
                                                      self->fault_code));
          return LSP_SIM_ATT_OK;
        case LSP_SIM_RACP_FAULT_NONE:
        default:
          break;
        }
    }

  if (status != LSP_OK)
    {
      g_debug ("invalid RACP request: %s", lsp_status_message (status));
      schedule_finish (self, racp_response_bytes (opcode,
                                                  lsp_racp_response_for_status (status)));
      return LSP_SIM_ATT_OK;
    }

  switch (request.opcode)
    {
    case LSP_RACP_REPORT:
      start_report (self, &request);
      break;
    case LSP_RACP_REPORT_COUNT:
      /* Answered with the count only, no 0x06. */
      schedule_finish (self, racp_count_bytes (count_matching (self, &request)));
      break;
    case LSP_RACP_DELETE:
      run_delete (self, &request);
      break;
    case LSP_RACP_ABORT:
    default:
      g_assert_not_reached ();
    }
  return LSP_SIM_ATT_OK;
}

void
lsp_sim_sensor_disconnected (LspSimSensor *self)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  if (self->procedure_running)
    g_debug ("central gone: procedure stopped");
  procedure_end (self);
  g_queue_clear_full (&self->deferred, (GDestroyNotify) g_bytes_unref);
  g_clear_handle_id (&self->deferred_source, g_source_remove);
  g_queue_clear_full (&self->stragglers, (GDestroyNotify) g_bytes_unref);
  g_clear_handle_id (&self->straggler_source, g_source_remove);
  memset (self->notifying, 0, sizeof self->notifying);
}

void
lsp_sim_sensor_reboot (LspSimSensor *self)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  procedure_end (self);
  g_signal_emit (self, signals[SIGNAL_LINK_LOST], 0);
}

/* ---------------------------------------------------- ATT entry points */

static guint16
capabilities_for (lsp_sensor_kind kind)
{
  guint16 common = LSP_CAP_DURATION_PER_SIDE | LSP_CAP_DEVICE_TIME |
                   LSP_CAP_BATTERY_SERVICE;

  if (kind == LSP_SENSOR_KIND_SNS)
    return common | LSP_CAP_SUPPLEMENT_VOLUME;
  return common | LSP_CAP_VOLUME_PER_SIDE | LSP_CAP_SUCTION_LEVEL |
         LSP_CAP_PHASE;
}

GBytes *
lsp_sim_sensor_read (LspSimSensor *self, LspSimChar ch, guint8 *att_error)
{
  guint8 buf[LSP_FEATURES_LEN];
  const char *text = NULL;
  guint8 dummy;

  g_return_val_if_fail (LSP_SIM_IS_SENSOR (self), NULL);
  if (att_error == NULL)
    att_error = &dummy;
  *att_error = LSP_SIM_ATT_OK;

  switch (ch)
    {
    case LSP_SIM_CHAR_FEATURES:
      {
        lsp_features features = {
          .protocol_version = LSP_PROTOCOL_VERSION,
          .kind = self->kind,
          .capabilities = capabilities_for (self->kind),
          .record_epoch = self->epoch,
          .capacity = (guint16) MIN (self->capacity, G_MAXUINT16),
        };
        lsp_features_encode (&features, buf);
        return g_bytes_new (buf, LSP_FEATURES_LEN);
      }
    case LSP_SIM_CHAR_DEVICE_TIME:
      {
        lsp_device_time time;
        lsp_sim_sensor_get_device_time (self, &time);
        lsp_device_time_encode (&time, buf);
        return g_bytes_new (buf, LSP_DEVICE_TIME_LEN);
      }
    case LSP_SIM_CHAR_BATTERY_LEVEL:
      lsp_battery_encode (self->battery, buf);
      return g_bytes_new (buf, LSP_BATTERY_LEN);
    case LSP_SIM_CHAR_MANUFACTURER:
      text = self->manufacturer;
      break;
    case LSP_SIM_CHAR_MODEL_NUMBER:
      text = self->model;
      break;
    case LSP_SIM_CHAR_SERIAL_NUMBER:
      text = self->serial;
      break;
    case LSP_SIM_CHAR_FIRMWARE_REVISION:
      text = self->firmware;
      break;
    case LSP_SIM_CHAR_LIVE_PROGRESS:
    case LSP_SIM_CHAR_SESSION_RECORD:
    case LSP_SIM_CHAR_RACP:
    case LSP_SIM_N_CHARS:
    default:
      *att_error = LSP_SIM_ATT_READ_NOT_PERMITTED;
      return NULL;
    }
  return g_bytes_new (text, strlen (text));
}

guint8
lsp_sim_sensor_write (LspSimSensor *self, LspSimChar ch, const guint8 *data,
                      gsize len)
{
  g_return_val_if_fail (LSP_SIM_IS_SENSOR (self), LSP_SIM_ATT_WRITE_NOT_PERMITTED);

  switch (ch)
    {
    case LSP_SIM_CHAR_RACP:
      return write_racp (self, data, len);
    case LSP_SIM_CHAR_DEVICE_TIME:
      {
        lsp_device_time time;
        lsp_status status = lsp_device_time_decode (data, len, &time);

        if (status == LSP_ERR_TIME_LENGTH)
          return LSP_SIM_ATT_INVALID_LENGTH;
        if (status != LSP_OK)
          return LSP_SIM_ATT_VALUE_NOT_ALLOWED;
        lsp_sim_sensor_set_device_time (self, &time);
        return LSP_SIM_ATT_OK;
      }
    case LSP_SIM_CHAR_FEATURES:
    case LSP_SIM_CHAR_LIVE_PROGRESS:
    case LSP_SIM_CHAR_SESSION_RECORD:
    case LSP_SIM_CHAR_BATTERY_LEVEL:
    case LSP_SIM_CHAR_MANUFACTURER:
    case LSP_SIM_CHAR_MODEL_NUMBER:
    case LSP_SIM_CHAR_SERIAL_NUMBER:
    case LSP_SIM_CHAR_FIRMWARE_REVISION:
    case LSP_SIM_N_CHARS:
    default:
      return LSP_SIM_ATT_WRITE_NOT_PERMITTED;
    }
}

void
lsp_sim_sensor_set_notifying (LspSimSensor *self, LspSimChar ch,
                              gboolean enabled)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  g_return_if_fail ((guint) ch < LSP_SIM_N_CHARS);
  self->notifying[ch] = !!enabled;
}

gboolean
lsp_sim_sensor_get_notifying (LspSimSensor *self, LspSimChar ch)
{
  g_return_val_if_fail (LSP_SIM_IS_SENSOR (self), FALSE);
  g_return_val_if_fail ((guint) ch < LSP_SIM_N_CHARS, FALSE);
  return self->notifying[ch];
}

/* ------------------------------------------------------- live sessions */

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
  send_data (self, LSP_SIM_CHAR_LIVE_PROGRESS, buf, sizeof buf);
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
  insert_record (self, self->session_seq, raw);
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
  g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0, (guint) seq);
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
  g_signal_emit (self, signals[SIGNAL_SESSION_STARTED], 0,
                 (guint) self->session_seq);
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

/* ------------------------------------------------------------- state */

lsp_sensor_kind
lsp_sim_sensor_get_kind (LspSimSensor *self)
{
  return self->kind;
}

void
lsp_sim_sensor_set_kind (LspSimSensor *self, lsp_sensor_kind kind)
{
  g_return_if_fail (kind == LSP_SENSOR_KIND_PUMP || kind == LSP_SENSOR_KIND_SNS);
  self->kind = kind;
  g_free (self->model);
  self->model = g_strdup (kind == LSP_SENSOR_KIND_SNS ? "LSP-Sim SNS flow"
                                                      : "LSP-Sim pump");
}

guint32
lsp_sim_sensor_get_epoch (LspSimSensor *self)
{
  return self->epoch;
}

guint
lsp_sim_sensor_get_capacity (LspSimSensor *self)
{
  return self->capacity;
}

guint
lsp_sim_sensor_get_n_records (LspSimSensor *self)
{
  return self->records->len;
}

gboolean
lsp_sim_sensor_get_seq_range (LspSimSensor *self, guint32 *low, guint32 *high)
{
  if (self->records->len == 0)
    return FALSE;
  if (low != NULL)
    *low = g_array_index (self->records, SimRecord, 0).seq;
  if (high != NULL)
    *high = g_array_index (self->records, SimRecord, self->records->len - 1).seq;
  return TRUE;
}

guint32
lsp_sim_sensor_get_next_seq (LspSimSensor *self)
{
  return self->next_seq;
}

guint
lsp_sim_sensor_get_overwritten (LspSimSensor *self)
{
  return self->overwritten;
}

guint32
lsp_sim_sensor_get_highest_deleted (LspSimSensor *self)
{
  return self->highest_deleted;
}

gboolean
lsp_sim_sensor_get_procedure_running (LspSimSensor *self)
{
  return self->procedure_running;
}

guint8
lsp_sim_sensor_get_battery (LspSimSensor *self)
{
  return self->battery;
}

void
lsp_sim_sensor_set_battery (LspSimSensor *self, guint8 percent)
{
  guint8 buf[LSP_BATTERY_LEN];

  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  self->battery = MIN (percent, (guint8) LSP_MAX_BATTERY);
  lsp_battery_encode (self->battery, buf);
  send_data (self, LSP_SIM_CHAR_BATTERY_LEVEL, buf, sizeof buf);
}

void
lsp_sim_sensor_get_device_time (LspSimSensor *self, lsp_device_time *out)
{
  out->utc = (guint32) lsp_sim_sensor_device_now (self);
  out->utc_offset_known = self->offset_known;
  out->utc_offset_quarters = self->offset_known ? self->offset_quarters : 0;
}

void
lsp_sim_sensor_set_device_time (LspSimSensor *self, const lsp_device_time *time)
{
  self->clock_skew_s = (gint64) time->utc - g_get_real_time () / G_USEC_PER_SEC;
  self->offset_known = time->utc_offset_known;
  self->offset_quarters = time->utc_offset_known ? time->utc_offset_quarters : 0;
  g_debug ("device time set: skew %" G_GINT64_FORMAT " s, offset %d/4 h",
           self->clock_skew_s, self->offset_quarters);
}

void
lsp_sim_sensor_set_device_info (LspSimSensor *self, const char *manufacturer,
                                const char *model, const char *serial,
                                const char *firmware)
{
#define SET_IF(field) \
  if (field != NULL) { g_free (self->field); self->field = g_strdup (field); }
  SET_IF (manufacturer);
  SET_IF (model);
  SET_IF (serial);
  SET_IF (firmware);
#undef SET_IF
}

/* ------------------------------------------------------------- knobs */

void
lsp_sim_sensor_set_record_delay (LspSimSensor *self, guint delay_ms)
{
  self->record_delay_ms = delay_ms;
}

void
lsp_sim_sensor_set_reorder (LspSimSensor *self, gboolean reorder)
{
  self->reorder = reorder;
}

void
lsp_sim_sensor_set_stragglers (LspSimSensor *self, guint n, guint delay_ms)
{
  self->n_stragglers = n;
  self->straggler_delay_ms = delay_ms;
}

void
lsp_sim_sensor_stop_after (LspSimSensor *self, guint k)
{
  self->stop_after = k;
}

void
lsp_sim_sensor_inject_racp_fault (LspSimSensor *self, guint8 opcode,
                                  LspSimRacpFault fault, guint8 code)
{
  self->fault_opcode = opcode;
  self->fault = fault;
  self->fault_code = code;
}

void
lsp_sim_sensor_set_seed (LspSimSensor *self, guint32 seed)
{
  g_rand_set_seed (self->rand, seed);
}

/* ------------------------------------------------------------ object */

static void
lsp_sim_sensor_dispose (GObject *object)
{
  LspSimSensor *self = LSP_SIM_SENSOR (object);

  procedure_end (self);
  g_queue_clear_full (&self->deferred, (GDestroyNotify) g_bytes_unref);
  g_clear_handle_id (&self->deferred_source, g_source_remove);
  g_queue_clear_full (&self->stragglers, (GDestroyNotify) g_bytes_unref);
  g_clear_handle_id (&self->straggler_source, g_source_remove);
  g_clear_handle_id (&self->live_source, g_source_remove);
  g_clear_handle_id (&self->repeat_source, g_source_remove);
  for (guint i = 0; i < self->owned_sources->len; i++)
    g_source_remove (g_array_index (self->owned_sources, guint, i));
  g_array_set_size (self->owned_sources, 0);

  G_OBJECT_CLASS (lsp_sim_sensor_parent_class)->dispose (object);
}

static void
lsp_sim_sensor_finalize (GObject *object)
{
  LspSimSensor *self = LSP_SIM_SENSOR (object);

  g_array_unref (self->records);
  g_array_unref (self->owned_sources);
  g_rand_free (self->rand);
  g_free (self->manufacturer);
  g_free (self->model);
  g_free (self->serial);
  g_free (self->firmware);

  G_OBJECT_CLASS (lsp_sim_sensor_parent_class)->finalize (object);
}

static void
lsp_sim_sensor_class_init (LspSimSensorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lsp_sim_sensor_dispose;
  object_class->finalize = lsp_sim_sensor_finalize;

  signals[SIGNAL_SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, g_cclosure_marshal_VOID__UINT_POINTER,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BYTES);
  g_signal_set_va_marshaller (signals[SIGNAL_SEND], G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__UINT_POINTERv);
  signals[SIGNAL_LINK_LOST] =
    g_signal_new ("link-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_UINT);
  signals[SIGNAL_SESSION_STARTED] =
    g_signal_new ("session-started", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_UINT);
  signals[SIGNAL_SESSION_ENDED] =
    g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_UINT);
}

static void
lsp_sim_sensor_init (LspSimSensor *self)
{
  GDateTime *now = g_date_time_new_now_local ();

  self->records = g_array_new (FALSE, FALSE, sizeof (SimRecord));
  g_array_set_clear_func (self->records, sim_record_clear);
  self->owned_sources = g_array_new (FALSE, FALSE, sizeof (guint));
  self->rand = g_rand_new_with_seed (0x1ac7d);
  self->next_seq = 1;
  self->battery = 100;
  self->speed = 1.0;
  self->offset_known = TRUE;
  self->offset_quarters =
    (gint8) (g_date_time_get_utc_offset (now) / (15 * G_TIME_SPAN_MINUTE));
  self->manufacturer = g_strdup ("lactd project");
  self->serial = g_strdup ("SIM-0001");
  self->firmware = g_strdup ("1.0.0-sim");
  g_queue_init (&self->stragglers);
  g_queue_init (&self->deferred);
  g_date_time_unref (now);
}

LspSimSensor *
lsp_sim_sensor_new (lsp_sensor_kind kind, guint capacity)
{
  LspSimSensor *self = g_object_new (LSP_SIM_TYPE_SENSOR, NULL);

  lsp_sim_sensor_set_kind (self, kind);
  self->capacity = CLAMP (capacity, 1u, (guint) G_MAXUINT16);
  do
    self->epoch = g_rand_int (self->rand);
  while (self->epoch == 0);
  return self;
}
