/* fake-sensor.c — the LSP v1 peripheral behind each fake device: features,
 * a record store with a capacity, the RACP state machine and live
 * sessions, all on bytes from the project's encoder (protocol/lsp.h).
 *
 * Record contents are a pure function of (epoch, sequence number), so the
 * store persists as a range and a test can predict what it will receive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fake-bluetoothd"

#include "fake-bluetoothd.h"

#define RECORDS_PER_TICK 16
#define RECORD_SPACING_S 600

FSensor *
fake_sensor_new (FakeBluez *fb, const char *address)
{
  FSensor *s = g_new0 (FSensor, 1);

  s->fb = fb;
  s->address = g_ascii_strup (address, -1);
  s->name = g_strdup ("LSP sensor");
  s->uuids = g_strsplit (LSP_UUID_SERVICE, " ", -1);
  s->kind = LSP_SENSOR_KIND_PUMP;
  s->in_range = TRUE;
  s->connect_delay_ms = 30;
  s->resolve_delay_ms = 100;
  s->records_per_tick = RECORDS_PER_TICK;
  s->fail_delay_ms = 300;
  s->epoch = 1;
  s->capacity = 1000;
  s->low = 1;
  s->high = 0;
  s->base_time = g_get_real_time () / G_USEC_PER_SEC - 86400 * 30;
  s->battery = 87;
  s->malformed = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  s->report_queue = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->delivered = g_hash_table_new (NULL, NULL);
  s->hang = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->hung = g_ptr_array_new_with_free_func (g_object_unref);
  return s;
}

void
fake_sensor_free (FSensor *s)
{
  g_clear_handle_id (&s->report_source, g_source_remove);
  g_clear_handle_id (&s->live_source, g_source_remove);
  fake_fault_clear (s);
  g_hash_table_unref (s->delivered);
  g_free (s->last_client);
  g_array_unref (s->report_queue);
  g_hash_table_unref (s->malformed);
  g_hash_table_unref (s->hang);
  /* Never answered: the caller has timed out, or is gone. */
  g_ptr_array_unref (s->hung);
  g_free (s->address);
  g_free (s->name);
  g_strfreev (s->uuids);
  g_free (s);
}

static guint32
stored_count (FSensor *s)
{
  return s->high >= s->low ? s->high - s->low + 1 : 0;
}

void
fake_sensor_add_records (FSensor *s, guint n)
{
  s->high += n;
  /* A full store overwrites its oldest records. */
  if (stored_count (s) > s->capacity)
    s->low = s->high - s->capacity + 1;
  fake_bluez_save (s->fb);
}

void
fake_sensor_reset_epoch (FSensor *s, guint32 epoch, guint backlog)
{
  s->epoch = epoch;
  s->low = 1;
  s->high = 0;
  s->highest_delete = 0;
  g_hash_table_remove_all (s->malformed);
  g_hash_table_remove_all (s->delivered);
  fake_sensor_add_records (s, backlog);
}

/* Record seq of the current epoch, as the sensor stores it. */
static gsize
encode_record (FSensor *s, guint32 seq, guint8 out[LSP_RECORD_LEN + 1])
{
  const char *bad = g_hash_table_lookup (s->malformed, GUINT_TO_POINTER (seq));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  lsp_record r = { 0 };
  guint32 v = seq * 7 + s->epoch;

  r.seq = seq;
  r.start_utc = (guint32) MIN (s->base_time + (gint64) seq * RECORD_SPACING_S,
                               now);
  r.utc_offset_known = TRUE;
  r.utc_offset_quarters = 4;
  r.kind = s->kind == LSP_SENSOR_KIND_SNS ? LSP_RECORD_KIND_SNS
                                          : LSP_RECORD_KIND_PUMP;
  r.double_sided = (seq % 3) == 0;
  r.seconds_left = (guint16) (300 + v % 900);
  r.seconds_right = (guint16) (300 + (v / 3) % 900);
  if (s->kind == LSP_SENSOR_KIND_SNS)
    {
      r.supplement.measured = TRUE;
      r.supplement.tenths = (guint16) (100 + v % 600);
    }
  else
    {
      r.volume_left.measured = TRUE;
      r.volume_left.tenths = (guint16) (200 + v % 1200);
      r.volume_right.measured = (seq % 5) != 0;
      r.volume_right.tenths = r.volume_right.measured
                                  ? (guint16) (150 + v % 1100) : 0;
    }
  g_assert (lsp_record_encode (&r, now, out) == LSP_OK);
  if (bad == NULL)
    return LSP_RECORD_LEN;
  if (g_str_equal (bad, "short"))
    return LSP_RECORD_LEN - 1;
  if (g_str_equal (bad, "long"))
    {
      out[LSP_RECORD_LEN] = 0xAA;
      return LSP_RECORD_LEN + 1;
    }
  if (g_str_equal (bad, "volume"))
    {
      out[14] = 0x20;   /* 0x4E20 = 20000 tenths */
      out[15] = 0x4E;
    }
  else if (g_str_equal (bad, "future"))
    {
      guint32 t = (guint32) (now + 30 * 86400);
      out[4] = t & 0xff; out[5] = (t >> 8) & 0xff;
      out[6] = (t >> 16) & 0xff; out[7] = (guint8) (t >> 24);
    }
  else /* "kind" */
    out[9] |= 0x03;
  return LSP_RECORD_LEN;
}

static FChar *
sensor_char (FSensor *s, const char *uuid)
{
  return s->connected_via ? fake_device_find_char (s->connected_via, uuid)
                          : NULL;
}

gboolean
fake_sensor_notify_raw (FSensor *s, const char *name, const guint8 *data,
                        gsize len)
{
  const char *uuid = g_str_equal (name, "live") ? LSP_UUID_LIVE_PROGRESS
                   : g_str_equal (name, "record") ? LSP_UUID_SESSION_RECORD
                   : g_str_equal (name, "racp") ? LSP_UUID_RACP
                   : g_str_equal (name, "battery") ? LSP_UUID_BATTERY_LEVEL
                   : NULL;
  FChar *ch = uuid ? sensor_char (s, uuid) : NULL;

  if (!fake_char_notifying (ch))
    return FALSE;
  fake_char_notify (ch, data, len);
  return TRUE;
}

static void
indicate (FSensor *s, const lsp_racp_indication *ind)
{
  guint8 buf[LSP_RACP_INDICATION_MAX_LEN];
  gsize len = 0;

  if (fake_fault_hit (s, FAULT_RESPONSE))
    return;   /* lost on the way */
  g_assert (lsp_racp_indication_encode (ind, buf, &len) == LSP_OK);
  fake_char_notify (sensor_char (s, LSP_UUID_RACP), buf, len);
}

static void
respond (FSensor *s, guint8 opcode, lsp_racp_response_code code)
{
  lsp_racp_indication ind = { .type = LSP_RACP_IND_RESPONSE,
                              .request_opcode = opcode, .response = code };

  s->procedure_running = FALSE;
  indicate (s, &ind);
}

static gboolean
report_tick (gpointer data)
{
  FSensor *s = data;
  FChar *ch = sensor_char (s, LSP_UUID_SESSION_RECORD);

  for (guint i = 0; i < s->records_per_tick && s->report_queue->len > 0; i++)
    {
      guint8 buf[LSP_RECORD_LEN + 1];
      guint32 seq = g_array_index (s->report_queue, guint32, 0);
      gsize len;

      g_array_remove_index (s->report_queue, 0);
      if (seq < s->low || seq > s->high)
        continue;
      if (fake_char_notifying (ch) && fake_fault_hit (s, FAULT_RECORD))
        continue;   /* lost on the way */
      if (s->connected_via == NULL)
        return G_SOURCE_REMOVE;   /* a fault dropped the link */
      len = encode_record (s, seq, buf);
      if (fake_char_notifying (ch))
        fake_fault_delivered (s, seq);
      fake_char_notify (ch, buf, len);
      s->records_sent++;
      s->drop_count++;
      if (s->drop_after > 0 && s->drop_count >= s->drop_after
          && s->connected_via != NULL)
        {
          g_message ("%s: dropping the link after %u records", s->address,
                     s->drop_count);
          s->drop_after = 0;
          s->report_source = 0;
          fake_device_drop (s->connected_via, FALSE);
          return G_SOURCE_REMOVE;
        }
    }
  if (s->report_queue->len > 0)
    return G_SOURCE_CONTINUE;
  s->report_source = 0;
  respond (s, LSP_RACP_REPORT, LSP_RACP_RSP_SUCCESS);
  return G_SOURCE_REMOVE;
}

static gboolean
matches (const lsp_racp_request *req, guint32 seq)
{
  switch (req->op)
    {
    case LSP_RACP_OP_ALL:
      return TRUE;
    case LSP_RACP_OP_GREATER_EQUAL:
      return seq >= req->seq;
    case LSP_RACP_OP_LESS_EQUAL:
      return seq <= req->seq;
    case LSP_RACP_OP_NULL:
    default:
      return FALSE;
    }
}

typedef struct {
  FSensor *sensor;
  GBytes *value;
} Procedure;

/* Runs after the write response, as a sensor's indications follow it. */
static gboolean
run_procedure (gpointer data)
{
  Procedure *p = data;
  FSensor *s = p->sensor;
  gsize len;
  const guint8 *buf = g_bytes_get_data (p->value, &len);
  lsp_racp_request req;
  lsp_status st = lsp_racp_request_decode (buf, len, &req);
  guint8 opcode = len > 0 ? buf[0] : 0;

  g_bytes_unref (p->value);
  g_free (p);
  if (s->connected_via == NULL)
    return G_SOURCE_REMOVE;
  if (st != LSP_OK)
    {
      respond (s, opcode, lsp_racp_response_for_status (st));
      return G_SOURCE_REMOVE;
    }
  switch (req.opcode)
    {
    case LSP_RACP_REPORT_COUNT:
      {
        lsp_racp_indication ind = { .type = LSP_RACP_IND_COUNT };
        for (guint32 q = s->low; q <= s->high && s->high > 0; q++)
          ind.count += matches (&req, q);
        s->procedure_running = FALSE;
        indicate (s, &ind);
      }
      break;
    case LSP_RACP_REPORT:
      g_array_set_size (s->report_queue, 0);
      for (guint32 q = s->low; q <= s->high && s->high > 0; q++)
        if (matches (&req, q))
          g_array_append_val (s->report_queue, q);
      if (s->report_queue->len == 0)
        {
          respond (s, LSP_RACP_REPORT, LSP_RACP_RSP_NO_RECORDS);
          break;
        }
      s->report_opcode = LSP_RACP_REPORT;
      s->drop_count = 0;
      s->report_source = g_timeout_add (1, report_tick, s);
      break;
    case LSP_RACP_DELETE:
      {
        guint32 n = 0;
        for (guint32 q = s->low; q <= s->high && s->high > 0; q++)
          n += matches (&req, q);
        fake_fault_deleting (s, req.op == LSP_RACP_OP_ALL ? s->high : req.seq);
        if (req.op == LSP_RACP_OP_ALL)
          s->low = s->high + 1;
        else if (req.seq >= s->low)
          s->low = MIN (req.seq, s->high) + 1;
        s->highest_delete = MAX (s->highest_delete,
                                 req.op == LSP_RACP_OP_ALL ? s->high : req.seq);
        s->deletes++;
        fake_bluez_save (s->fb);
        if (fake_fault_hit (s, FAULT_DELETE) || s->connected_via == NULL)
          {
            s->procedure_running = FALSE;   /* its 0x06 never comes */
            break;
          }
        respond (s, LSP_RACP_DELETE,
                 n > 0 ? LSP_RACP_RSP_SUCCESS : LSP_RACP_RSP_NO_RECORDS);
      }
      break;
    case LSP_RACP_ABORT:
      g_array_set_size (s->report_queue, 0);
      g_clear_handle_id (&s->report_source, g_source_remove);
      respond (s, LSP_RACP_ABORT, LSP_RACP_RSP_SUCCESS);
      break;
    default:
      respond (s, opcode, LSP_RACP_RSP_OPCODE_NOT_SUPPORTED);
      break;
    }
  return G_SOURCE_REMOVE;
}

gboolean
fake_sensor_write (FSensor *s, FDevice *dev, const char *uuid, GBytes *value,
                   const char **dbus_error, char **message)
{
  if (g_str_equal (uuid, LSP_UUID_DEVICE_TIME))
    {
      if (g_bytes_get_size (value) != LSP_DEVICE_TIME_LEN)
        {
          *dbus_error = "org.bluez.Error.InvalidArguments";
          *message = g_strdup ("Invalid Length");
          return FALSE;
        }
      return TRUE;
    }
  if (!g_str_equal (uuid, LSP_UUID_RACP))
    {
      *dbus_error = "org.bluez.Error.NotPermitted";
      *message = g_strdup ("Write not permitted");
      return FALSE;
    }
  if (!fake_char_notifying (fake_device_find_char (dev, LSP_UUID_RACP)))
    {
      *dbus_error = "org.bluez.Error.Failed";
      *message = g_strdup ("Operation failed with ATT error: 0xfd");
      return FALSE;
    }
  if (s->procedure_running
      && !(g_bytes_get_size (value) >= 1
           && ((const guint8 *) g_bytes_get_data (value, NULL))[0]
                  == LSP_RACP_ABORT))
    {
      *dbus_error = "org.bluez.Error.Failed";
      *message = g_strdup ("Operation failed with ATT error: 0xfe");
      return FALSE;
    }
  {
    Procedure *p = g_new0 (Procedure, 1);
    p->sensor = s;
    p->value = g_bytes_ref (value);
    s->procedure_running = TRUE;
    g_idle_add (run_procedure, p);
  }
  return TRUE;
}

GBytes *
fake_sensor_read (FSensor *s, const char *uuid, GError **error)
{
  if (g_str_equal (uuid, LSP_UUID_FEATURES))
    {
      lsp_features f = { .protocol_version = 1, .kind = s->kind,
                         .capabilities = LSP_CAP_ALL, .record_epoch = s->epoch,
                         .capacity = s->capacity };
      guint8 buf[LSP_FEATURES_LEN];
      if (s->kind == LSP_SENSOR_KIND_SNS)
        f.capabilities &= (guint16) ~(LSP_CAP_VOLUME_PER_SIDE
                                      | LSP_CAP_SUCTION_LEVEL);
      g_assert (lsp_features_encode (&f, buf) == LSP_OK);
      return g_bytes_new (buf, sizeof buf);
    }
  if (g_str_equal (uuid, LSP_UUID_DEVICE_TIME))
    {
      lsp_device_time t = { .utc = (guint32) (g_get_real_time ()
                                              / G_USEC_PER_SEC),
                            .utc_offset_known = TRUE,
                            .utc_offset_quarters = 4 };
      guint8 buf[LSP_DEVICE_TIME_LEN];
      g_assert (lsp_device_time_encode (&t, buf) == LSP_OK);
      return g_bytes_new (buf, sizeof buf);
    }
  if (g_str_equal (uuid, LSP_UUID_BATTERY_LEVEL))
    return g_bytes_new (&s->battery, 1);
  if (g_str_equal (uuid, LSP_UUID_MANUFACTURER))
    return g_bytes_new_static ("Lactd Fake Devices", 18);
  if (g_str_equal (uuid, LSP_UUID_MODEL_NUMBER))
    return s->kind == LSP_SENSOR_KIND_SNS ? g_bytes_new_static ("FS-2", 4)
                                          : g_bytes_new_static ("FP-1", 4);
  if (g_str_equal (uuid, LSP_UUID_SERIAL_NUMBER))
    return g_bytes_new (s->address, strlen (s->address));
  if (g_str_equal (uuid, LSP_UUID_FIRMWARE_REV))
    return g_bytes_new_static ("1.0.0", 5);
  g_dbus_error_set_dbus_error (error, "org.bluez.Error.NotPermitted",
                               "Read not permitted", NULL);
  return NULL;
}

gboolean
fake_sensor_hangs (FSensor *s, const char *method, GDBusMethodInvocation *inv,
                   gboolean keep)
{
  guint left = GPOINTER_TO_UINT (g_hash_table_lookup (s->hang, method));

  if (left == 0)
    return FALSE;
  g_hash_table_replace (s->hang, g_strdup (method),
                        GUINT_TO_POINTER (left - 1));
  g_message ("%s: %s left unanswered", s->address, method);
  if (keep)
    g_ptr_array_add (s->hung, g_object_ref (inv));
  return TRUE;
}

void
fake_sensor_link_down (FSensor *s)
{
  /* A new link gets a new ATT bearer. */
  s->att_broken = FALSE;
  /* An interrupted procedure simply ends; nothing is deleted. */
  g_array_set_size (s->report_queue, 0);
  g_clear_handle_id (&s->report_source, g_source_remove);
  s->procedure_running = FALSE;
}

static gboolean
live_tick (gpointer data)
{
  FSensor *s = data;
  lsp_live live = { 0 };
  guint8 buf[LSP_LIVE_LEN];
  gboolean last = s->live_elapsed >= s->live_total;

  live.seq = s->live_seq;
  live.active = !last;
  live.side = last ? LSP_SIDE_NONE : LSP_SIDE_BOTH;
  live.phase = last ? LSP_PHASE_IDLE
               : s->live_elapsed < 2 ? LSP_PHASE_STIMULATION
                                     : LSP_PHASE_EXPRESSION;
  live.elapsed_s = (guint16) s->live_elapsed;
  live.volume_left.measured = s->kind == LSP_SENSOR_KIND_PUMP;
  live.volume_left.tenths = live.volume_left.measured
                                ? (guint16) (s->live_elapsed * 5) : 0;
  live.volume_right = live.volume_left;
  live.supplement.measured = s->kind == LSP_SENSOR_KIND_SNS;
  live.supplement.tenths = live.supplement.measured
                               ? (guint16) (s->live_elapsed * 3) : 0;
  live.has_suction = s->kind == LSP_SENSOR_KIND_PUMP;
  live.suction = live.has_suction ? 7 : 0;
  live.has_battery = TRUE;
  live.battery_percent = s->battery;
  if (last)
    {
      /* The record is stored before the final packet announces the end. */
      s->live_source = 0;
      if (s->high < s->live_seq)
        fake_sensor_add_records (s, s->live_seq - s->high);
    }
  g_assert (lsp_live_encode (&live, buf) == LSP_OK);
  fake_char_notify (sensor_char (s, LSP_UUID_LIVE_PROGRESS), buf, sizeof buf);
  s->live_elapsed++;
  return last ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

guint32
fake_sensor_start_session (FSensor *s, guint seconds)
{
  g_clear_handle_id (&s->live_source, g_source_remove);
  s->live_seq = s->high + 1;
  s->live_elapsed = 0;
  s->live_total = MAX (seconds, 1);
  /* A tenth of the real pace keeps the tests fast. */
  s->live_source = g_timeout_add (100, live_tick, s);
  return s->live_seq;
}

GVariant *
fake_sensor_describe (FSensor *s)
{
  GVariantDict d;

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "epoch", "u", s->epoch);
  g_variant_dict_insert (&d, "low", "u", s->low);
  g_variant_dict_insert (&d, "high", "u", s->high);
  g_variant_dict_insert (&d, "stored", "u", stored_count (s));
  g_variant_dict_insert (&d, "highest_delete", "u", s->highest_delete);
  g_variant_dict_insert (&d, "deletes", "u", s->deletes);
  g_variant_dict_insert (&d, "connect_attempts", "u", s->connect_attempts);
  g_variant_dict_insert (&d, "pair_calls", "u", s->pair_calls);
  g_variant_dict_insert (&d, "pairs_cancelled", "u", s->pairs_cancelled);
  g_variant_dict_insert (&d, "records_sent", "u", s->records_sent);
  g_variant_dict_insert (&d, "connected", "b", s->connected_via != NULL);
  g_variant_dict_insert (&d, "in_range", "b", s->in_range);
  g_variant_dict_insert (&d, "bond_lost", "b", s->bond_lost);
  g_variant_dict_insert (&d, "live", "b", s->live_source != 0);
  g_variant_dict_insert (&d, "deleted_unsent", "u", s->deleted_unsent);
  g_variant_dict_insert (&d, "faults_fired", "u", s->faults_fired);
  g_variant_dict_insert (&d, "fault_armed", "b", s->fault_event != FAULT_NONE);
  g_variant_dict_insert (&d, "procedure_running", "b", s->procedure_running);
  g_variant_dict_insert (&d, "hung_calls", "u", s->hung->len);
  g_variant_dict_insert (&d, "drop_after_resolved", "u",
                         s->drop_after_resolved);
  return g_variant_dict_end (&d);
}
