/* lsp-sim-sensor.c — the simulated LSP v1 sensor: the object, its
 * characteristics, the record store, state and knobs. The RACP machine is
 * in lsp-sim-racp.c, live sessions in lsp-sim-live.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "lsp-sim-private.h"

#include <string.h>


G_DEFINE_TYPE (LspSimSensor, lsp_sim_sensor, G_TYPE_OBJECT)

static guint signals[LSP_SIM_N_SIGNALS];

void
lsp_sim_sensor_emit (LspSimSensor *self, LspSimSignal signal, guint arg)
{
  if (signal == LSP_SIM_SIGNAL_LINK_LOST)
    g_signal_emit (self, signals[signal], 0);
  else
    g_signal_emit (self, signals[signal], 0, arg);
}

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

void
lsp_sim_sensor_send_value (LspSimSensor *self, LspSimChar ch, GBytes *value)
{
  if (!self->notifying[ch])
    {
      g_debug ("%s: notifications off, dropping %zu bytes",
               lsp_sim_char_uuid (ch), g_bytes_get_size (value));
      return;
    }
  g_signal_emit (self, signals[LSP_SIM_SIGNAL_SEND], 0, (guint) ch, value);
}

void
lsp_sim_sensor_send_data (LspSimSensor *self, LspSimChar ch, const guint8 *data, gsize len)
{
  g_autoptr(GBytes) value = g_bytes_new (data, len);

  lsp_sim_sensor_send_value (self, ch, value);
}

void
lsp_sim_sensor_send_raw (LspSimSensor *self, LspSimChar ch, GBytes *value)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  g_return_if_fail ((guint) ch < LSP_SIM_N_CHARS);
  lsp_sim_sensor_send_value (self, ch, value);
}

/* ------------------------------------------------------------ records */

void
lsp_sim_sensor_insert_record (LspSimSensor *self, guint32 seq, GBytes *raw)
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
  lsp_sim_sensor_insert_record (self, seq, raw);
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
      return lsp_sim_racp_write (self, data, len);
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
  lsp_sim_sensor_send_data (self, LSP_SIM_CHAR_BATTERY_LEVEL, buf, sizeof buf);
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
lsp_sim_sensor_set_stragglers_lowest (LspSimSensor *self, gboolean lowest)
{
  self->stragglers_lowest = lowest;
}

void
lsp_sim_sensor_lose_in_transit (LspSimSensor *self, guint32 seq)
{
  self->lose_seq = seq;
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

  lsp_sim_racp_clear (self);
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

  signals[LSP_SIM_SIGNAL_SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, g_cclosure_marshal_VOID__UINT_POINTER,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BYTES);
  g_signal_set_va_marshaller (signals[LSP_SIM_SIGNAL_SEND], G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__UINT_POINTERv);
  signals[LSP_SIM_SIGNAL_LINK_LOST] =
    g_signal_new ("link-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[LSP_SIM_SIGNAL_DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_UINT);
  signals[LSP_SIM_SIGNAL_SESSION_STARTED] =
    g_signal_new ("session-started", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_UINT);
  signals[LSP_SIM_SIGNAL_SESSION_ENDED] =
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
