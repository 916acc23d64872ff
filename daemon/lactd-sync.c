/* lactd-sync.c — the sync engine: connection handling, step 1 (identity,
 * clock, battery, subscriptions), packet dispatch, runs and their callers.
 * Steps 2-4 live in lactd-sync-records.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sync"

#include "lactd-sync-private.h"

#include <stdarg.h>

#define DEFAULT_PROCEDURE_MS 10000
#define DEFAULT_STRAGGLER_MS 2000
/* Clocks further apart than this are set (lsp-v1 step 1). */
#define CLOCK_TOLERANCE_S 2

G_DEFINE_QUARK (lactd-sync-error-quark, lactd_sync_error)

G_DEFINE_TYPE (LactdSync, lactd_sync, G_TYPE_OBJECT)

static GParamSpec *props[LACTD_SYNC_N_PROPS];

enum {
  SIGNAL_SESSION_STORED,
  SIGNAL_LIVE,
  SIGNAL_MALFORMED_PACKET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_run (LactdSync *self);

/* ---------------------------------------------------------- properties */

void
lactd_sync_set_string (LactdSync *self, char **field, const char *value,
                       guint prop_id)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop_id]);
}

void
lactd_sync_set_uint (LactdSync *self, guint *field, guint value, guint prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop_id]);
}

static void
set_state (LactdSync *self, const char *state)
{
  if (g_strcmp0 (self->state, state) != 0)
    g_debug ("%s: sync state %s", self->address, state);
  lactd_sync_set_string (self, &self->state, state, LACTD_SYNC_PROP_STATE);
}

/* Loads the counters the store keeps for this sensor. */
void
lactd_sync_refresh_counters (LactdSync *self)
{
  g_autoptr(LactdSensorRow) row = NULL;
  g_autoptr(GError) error = NULL;

  row = lactd_store_get_sensor (self->store, self->address, &error);
  if (row == NULL)
    {
      g_debug ("%s: no stored counters: %s", self->address, error->message);
      return;
    }
  lactd_sync_set_uint (self, &self->rejected_records, row->rejected_records,
                       LACTD_SYNC_PROP_REJECTED_RECORDS);
  lactd_sync_set_uint (self, &self->lost_records, row->lost_records,
                       LACTD_SYNC_PROP_LOST_RECORDS);
}

void
lactd_sync_emit_session_stored (LactdSync *self, const LactdSession *session)
{
  g_signal_emit (self, signals[SIGNAL_SESSION_STORED], 0, session);
}

static void
report_malformed (LactdSync *self, LactdChar ch, lsp_status status)
{
  const char *reason = lsp_status_message (status);

  g_warning ("%s: malformed %s packet ignored: %s", self->address,
             lactd_char_name (ch), reason);
  lactd_sync_set_uint (self, &self->malformed_packets,
                       self->malformed_packets + 1,
                       LACTD_SYNC_PROP_MALFORMED_PACKETS);
  g_signal_emit (self, signals[SIGNAL_MALFORMED_PACKET], 0, (int) ch, reason);
}

/* ---------------------------------------------------------------- runs */

static void
complete_waiters (LactdSync *self, const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static gboolean
rerun_cb (gpointer user_data)
{
  LactdSync *self = user_data;

  self->rerun_source = 0;
  if (!self->running && self->connected)
    start_run (self);
  return G_SOURCE_REMOVE;
}

static void
run_ended (LactdSync *self, const GError *error)
{
  self->running = FALSE;
  lactd_sync_procedure_stop (self);
  complete_waiters (self, error);
  /* A session ended during the run: sync once more for its record. */
  if (self->rerun && self->connected && self->rerun_source == 0)
    self->rerun_source = g_idle_add (rerun_cb, self);
  self->rerun = FALSE;
}

void
lactd_sync_run_succeeded (LactdSync *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  if (!lactd_store_set_last_sync (self->store, self->address, now, &error))
    g_warning ("%s: could not record the sync time: %s", self->address,
               error->message);
  self->last_sync = now;
  g_object_notify_by_pspec (G_OBJECT (self), props[LACTD_SYNC_PROP_LAST_SYNC]);
  lactd_sync_set_string (self, &self->last_error, "",
                         LACTD_SYNC_PROP_LAST_ERROR);
  set_state (self, "idle");
  g_debug ("%s: sync done", self->address);
  run_ended (self, NULL);
}

/* Ends the run with an error. What was handled is committed (it is valid
 * data, stored idempotently) but nothing is deleted; the next run resumes
 * from step 2. */
void
lactd_sync_run_failed (LactdSync *self, LactdSyncError code,
                       const char *format, ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) flush_error = NULL;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (LACTD_SYNC_ERROR, code, format, args);
  va_end (args);

  lactd_sync_procedure_stop (self);
  if (!lactd_sync_flush (self, &flush_error))
    g_warning ("%s: could not commit the records handled so far: %s",
               self->address, flush_error->message);

  g_warning ("%s: sync failed: %s", self->address, error->message);
  lactd_sync_set_string (self, &self->last_error, error->message,
                         LACTD_SYNC_PROP_LAST_ERROR);
  set_state (self, "error");
  run_ended (self, error);
}

/* ------------------------------------------------------------- step 1 */

typedef enum {
  SETUP_READ_FEATURES,
  SETUP_READ_MODEL,
  SETUP_READ_FIRMWARE,
  SETUP_READ_BATTERY,
  SETUP_READ_TIME,
  SETUP_NOTIFY_LIVE,
  SETUP_NOTIFY_RECORD,
  SETUP_NOTIFY_RACP,
  SETUP_NOTIFY_BATTERY,
  SETUP_DONE,
} SetupStep;

static void setup_next (LactdSync *self);
static void setup_write_cb (GObject *source, GAsyncResult *result,
                            gpointer user_data);

static char *
text_from_bytes (GBytes *value)
{
  gsize len;
  const char *data = g_bytes_get_data (value, &len);
  g_autofree char *text = g_utf8_make_valid (data != NULL ? data : "",
                                             (gssize) len);

  /* Device Information strings may carry trailing NULs or spaces. */
  return g_strdup (g_strstrip (g_strdelimit (text, "\n\r\t", ' ')));
}

static void
apply_features (LactdSync *self, const lsp_features *features)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LactdSensorRow) row = NULL;
  const char *kind = features->kind == LSP_SENSOR_KIND_SNS ? "sns" : "pump";

  row = lactd_store_get_sensor (self->store, self->address, NULL);
  if (row == NULL || g_strcmp0 (row->kind, kind) != 0)
    {
      const char *name = row != NULL ? row->name
                         : lactd_link_get_name (self->link);

      if (!lactd_store_remember_sensor (self->store, self->address, name,
                                        kind, &error))
        g_warning ("%s: could not store the sensor kind: %s", self->address,
                   error->message);
      g_clear_error (&error);
    }
  if (row != NULL && row->epoch_known && row->epoch != features->record_epoch)
    g_message ("%s: record epoch changed (%u -> %u): the sensor's numbering "
               "restarted", self->address, row->epoch, features->record_epoch);

  self->epoch = features->record_epoch;
  self->capabilities = features->capabilities;
  self->epoch_known = TRUE;
  lactd_sync_set_string (self, &self->kind, kind, LACTD_SYNC_PROP_KIND);
}

static gboolean
handle_features (LactdSync *self, GBytes *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) early = NULL;
  lsp_features features;
  gsize len;
  const guint8 *data = g_bytes_get_data (value, &len);
  lsp_status status = lsp_features_decode (data, len, &features);

  if (status != LSP_OK)
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED, "%s",
                             lsp_status_message (status));
      return FALSE;
    }
  /* Records still pending belong to the epoch they came in. */
  if (self->pending->len > 0 && features.record_epoch != self->epoch &&
      !lactd_sync_flush (self, &error))
    {
      g_warning ("%s: records of epoch %u not committed: %s", self->address,
                 self->epoch, error->message);
      g_array_set_size (self->pending, 0);
      g_clear_error (&error);
    }
  apply_features (self, &features);
  if (!lactd_store_set_sensor_epoch (self->store, self->address, self->epoch,
                                     &error))
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_STORAGE,
                             "Could not store the record epoch: %s",
                             error->message);
      return FALSE;
    }
  /* Records that came before the epoch was known belong to it. */
  early = g_steal_pointer (&self->early_records);
  self->early_records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < early->len; i++)
    lactd_sync_handle_record (self, g_ptr_array_index (early, i));
  return TRUE;
}

static void
maybe_set_clock (LactdSync *self, GBytes *value)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 host = g_date_time_to_unix (now);
  gint8 quarters = (gint8) (g_date_time_get_utc_offset (now) /
                            (15 * G_TIME_SPAN_MINUTE));
  lsp_device_time device, host_time = { (guint32) host, TRUE, quarters };
  guint8 buf[LSP_DEVICE_TIME_LEN];
  gsize len;
  const guint8 *data = g_bytes_get_data (value, &len);
  lsp_status status = lsp_device_time_decode (data, len, &device);

  if (status != LSP_OK)
    g_warning ("%s: device time unreadable (%s): setting it",
               self->address, lsp_status_message (status));
  else if (ABS ((gint64) device.utc - host) <= CLOCK_TOLERANCE_S &&
           device.utc_offset_known &&
           device.utc_offset_quarters == quarters)
    {
      self->setup_step++;
      setup_next (self);
      return;
    }
  else
    g_message ("%s: setting the sensor clock (off by %" G_GINT64_FORMAT
               " s, offset %d/4 h, host %d/4 h)", self->address,
               (gint64) device.utc - host, device.utc_offset_quarters, quarters);

  if (lsp_device_time_encode (&host_time, buf) != LSP_OK)
    {
      g_warning ("%s: host UTC offset %d/4 h not expressible", self->address,
                 quarters);
      self->setup_step++;
      setup_next (self);
      return;
    }
  {
    g_autoptr(GBytes) bytes = g_bytes_new (buf, sizeof buf);

    lactd_link_write_async (self->link, LACTD_CHAR_DEVICE_TIME, bytes,
                            self->cancellable, setup_write_cb, self);
  }
}

static void
setup_write_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  LactdSync *self;

  if (!lactd_link_write_finish (LACTD_LINK (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (error != NULL)
    g_warning ("%s: could not set the sensor clock: %s", self->address,
               error->message);
  self->setup_step++;
  setup_next (self);
}

static void
setup_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) value = NULL;
  LactdSync *self;

  value = lactd_link_read_finish (LACTD_LINK (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;

  switch ((SetupStep) self->setup_step)
    {
    case SETUP_READ_FEATURES:
      if (value == NULL)
        {
          lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                                 "Could not read Sensor Features: %s",
                                 error->message);
          return;
        }
      if (!handle_features (self, value))
        return;
      break;
    case SETUP_READ_MODEL:
    case SETUP_READ_FIRMWARE:
      if (value != NULL)
        {
          g_autofree char *text = text_from_bytes (value);

          if (self->setup_step == SETUP_READ_MODEL)
            lactd_sync_set_string (self, &self->model, text,
                                   LACTD_SYNC_PROP_MODEL);
          else
            lactd_sync_set_string (self, &self->firmware, text,
                                   LACTD_SYNC_PROP_FIRMWARE);
        }
      else
        g_debug ("%s: no %s: %s", self->address,
                 self->setup_step == SETUP_READ_MODEL ? "model" : "firmware",
                 error->message);
      if (self->setup_step == SETUP_READ_FIRMWARE &&
          !lactd_store_update_sensor_info (self->store, self->address,
                                           self->model, self->firmware,
                                           &error))
        g_warning ("%s: could not store model and firmware: %s",
                   self->address, error->message);
      break;
    case SETUP_READ_BATTERY:
      if (value != NULL)
        {
          guint8 percent;
          gsize len;
          const guint8 *data = g_bytes_get_data (value, &len);
          lsp_status status = lsp_battery_decode (data, len, &percent);

          if (status == LSP_OK)
            lactd_sync_set_uint (self, &self->battery, percent,
                                 LACTD_SYNC_PROP_BATTERY);
          else
            report_malformed (self, LACTD_CHAR_BATTERY_LEVEL, status);
        }
      break;
    case SETUP_READ_TIME:
      if (value != NULL)
        {
          maybe_set_clock (self, value);
          return;   /* continues from the write, if any */
        }
      g_warning ("%s: could not read the device time: %s", self->address,
                 error->message);
      break;
    case SETUP_NOTIFY_LIVE:
    case SETUP_NOTIFY_RECORD:
    case SETUP_NOTIFY_RACP:
    case SETUP_NOTIFY_BATTERY:
    case SETUP_DONE:
    default:
      g_assert_not_reached ();
    }
  self->setup_step++;
  setup_next (self);
}

static void
setup_notify_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  LactdSync *self;

  if (lactd_link_start_notify_finish (LACTD_LINK (source), result, &error))
    {
      self = user_data;
    }
  else
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self = user_data;
      /* Records and the control point are the sync; the rest is nice. */
      if (self->setup_step == SETUP_NOTIFY_RECORD ||
          self->setup_step == SETUP_NOTIFY_RACP)
        {
          lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                                 "Could not subscribe: %s", error->message);
          return;
        }
      g_warning ("%s: could not subscribe: %s", self->address, error->message);
    }
  self->setup_step++;
  setup_next (self);
}

static void
setup_next (LactdSync *self)
{
  static const LactdChar reads[] = {
    [SETUP_READ_FEATURES] = LACTD_CHAR_FEATURES,
    [SETUP_READ_MODEL] = LACTD_CHAR_MODEL_NUMBER,
    [SETUP_READ_FIRMWARE] = LACTD_CHAR_FIRMWARE_REVISION,
    [SETUP_READ_BATTERY] = LACTD_CHAR_BATTERY_LEVEL,
    [SETUP_READ_TIME] = LACTD_CHAR_DEVICE_TIME,
  };
  static const LactdChar notifies[] = {
    LACTD_CHAR_LIVE_PROGRESS, LACTD_CHAR_SESSION_RECORD, LACTD_CHAR_RACP,
    LACTD_CHAR_BATTERY_LEVEL,
  };

  if (self->setup_step == SETUP_READ_TIME &&
      !(self->capabilities & LSP_CAP_DEVICE_TIME))
    self->setup_step++;

  if (self->setup_step <= SETUP_READ_TIME)
    {
      lactd_link_read_async (self->link, reads[self->setup_step],
                             self->cancellable, setup_read_cb, self);
    }
  else if (self->setup_step < SETUP_DONE)
    {
      lactd_link_start_notify_async (self->link,
                                     notifies[self->setup_step - SETUP_NOTIFY_LIVE],
                                     self->cancellable, setup_notify_cb, self);
    }
  else
    {
      g_debug ("%s: step 1 done (epoch %u)", self->address, self->epoch);
      self->setup_done = TRUE;
      lactd_sync_procedure_start (self);
    }
}

static void
start_run (LactdSync *self)
{
  g_return_if_fail (!self->running);

  self->running = TRUE;
  set_state (self, "syncing");
  if (self->setup_done)
    {
      lactd_sync_procedure_start (self);
      return;
    }
  self->setup_step = SETUP_READ_FEATURES;
  setup_next (self);
}

/* A sync is wanted (a session ended): now, or after the running one. */
static void
request_run (LactdSync *self)
{
  if (!self->connected)
    return;
  if (self->running)
    self->rerun = TRUE;
  else
    start_run (self);
}

void
lactd_sync_run_async (LactdSync *self, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LACTD_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lactd_sync_run_async);
  if (!self->connected)
    {
      g_task_return_new_error (task, LACTD_SYNC_ERROR,
                               LACTD_SYNC_ERROR_NOT_CONNECTED,
                               "Sensor %s is not connected", self->address);
      return;
    }
  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
  if (!self->running)
    start_run (self);
}

gboolean
lactd_sync_run_finish (LactdSync *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------- link events */

static void
on_ready_changed (LactdLink *link, GParamSpec *pspec, LactdSync *self)
{
  gboolean ready = lactd_link_get_ready (link);

  if (ready == self->connected)
    return;
  self->connected = ready;
  g_object_notify_by_pspec (G_OBJECT (self), props[LACTD_SYNC_PROP_CONNECTED]);

  /* Whatever was in flight belongs to the old connection. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->setup_done = FALSE;
  self->epoch_known = FALSE;

  if (ready)
    {
      g_message ("%s: connected", self->address);
      if (!self->running)
        start_run (self);
    }
  else
    {
      g_message ("%s: disconnected", self->address);
      g_clear_handle_id (&self->rerun_source, g_source_remove);
      if (self->running)
        lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                               "The link dropped during the sync");
      else
        {
          g_autoptr(GError) error = NULL;

          if (!lactd_sync_flush (self, &error))
            g_warning ("%s: %s", self->address, error->message);
        }
      g_ptr_array_set_size (self->early_records, 0);
    }
}

static void
handle_live (LactdSync *self, GBytes *value)
{
  lsp_live live;
  gsize len;
  const guint8 *data = g_bytes_get_data (value, &len);
  lsp_status status = lsp_live_decode (data, len, &live);

  if (status != LSP_OK)
    {
      report_malformed (self, LACTD_CHAR_LIVE_PROGRESS, status);
      return;
    }
  if (live.has_battery)
    lactd_sync_set_uint (self, &self->battery, live.battery_percent,
                         LACTD_SYNC_PROP_BATTERY);
  g_signal_emit (self, signals[SIGNAL_LIVE], 0, &live);
  if (!live.active)
    {
      g_message ("%s: session %u ended: syncing its record", self->address,
                 live.seq);
      request_run (self);
    }
}

static void
on_value_received (LactdLink *link, LactdChar ch, GBytes *value,
                   LactdSync *self)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (value, &len);

  switch (ch)
    {
    case LACTD_CHAR_LIVE_PROGRESS:
      handle_live (self, value);
      break;
    case LACTD_CHAR_SESSION_RECORD:
      if (!self->epoch_known)
        g_ptr_array_add (self->early_records, g_bytes_ref (value));
      else
        lactd_sync_handle_record (self, value);
      break;
    case LACTD_CHAR_RACP:
      {
        lsp_racp_indication indication;
        lsp_status status = lsp_racp_indication_decode (data, len, &indication);

        if (status != LSP_OK)
          report_malformed (self, ch, status);
        else
          lactd_sync_handle_racp (self, &indication);
        break;
      }
    case LACTD_CHAR_BATTERY_LEVEL:
      {
        guint8 percent;
        lsp_status status = lsp_battery_decode (data, len, &percent);

        if (status != LSP_OK)
          report_malformed (self, ch, status);
        else
          lactd_sync_set_uint (self, &self->battery, percent,
                               LACTD_SYNC_PROP_BATTERY);
        break;
      }
    case LACTD_CHAR_FEATURES:
    case LACTD_CHAR_DEVICE_TIME:
    case LACTD_CHAR_MANUFACTURER:
    case LACTD_CHAR_MODEL_NUMBER:
    case LACTD_CHAR_SERIAL_NUMBER:
    case LACTD_CHAR_FIRMWARE_REVISION:
    case LACTD_N_CHARS:
    default:
      g_debug ("%s: unexpected value on %s ignored", self->address,
               lactd_char_name (ch));
      break;
    }
}

/* ------------------------------------------------------------- object */

void
lactd_sync_set_timeouts (LactdSync *self, guint procedure_ms,
                         guint straggler_ms)
{
  g_return_if_fail (LACTD_IS_SYNC (self));
  self->procedure_ms = MAX (procedure_ms, 1u);
  self->straggler_ms = straggler_ms;
}

LactdLink *
lactd_sync_get_link (LactdSync *self)
{
  return self->link;
}

const char *
lactd_sync_get_state (LactdSync *self)
{
  return self->state;
}

const char *
lactd_sync_get_last_error (LactdSync *self)
{
  return self->last_error;
}

guint
lactd_sync_get_battery (LactdSync *self)
{
  return self->battery;
}

const char *
lactd_sync_get_model (LactdSync *self)
{
  return self->model;
}

const char *
lactd_sync_get_firmware (LactdSync *self)
{
  return self->firmware;
}

const char *
lactd_sync_get_kind (LactdSync *self)
{
  return self->kind;
}

guint
lactd_sync_get_rejected_records (LactdSync *self)
{
  return self->rejected_records;
}

guint
lactd_sync_get_lost_records (LactdSync *self)
{
  return self->lost_records;
}

guint
lactd_sync_get_malformed_packets (LactdSync *self)
{
  return self->malformed_packets;
}

gint64
lactd_sync_get_last_sync (LactdSync *self)
{
  return self->last_sync;
}

gboolean
lactd_sync_get_connected (LactdSync *self)
{
  return self->connected;
}

static void
lactd_sync_get_property (GObject *object, guint prop_id, GValue *value,
                         GParamSpec *pspec)
{
  LactdSync *self = LACTD_SYNC (object);

  switch (prop_id)
    {
    case LACTD_SYNC_PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case LACTD_SYNC_PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case LACTD_SYNC_PROP_BATTERY:
      g_value_set_uint (value, self->battery);
      break;
    case LACTD_SYNC_PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case LACTD_SYNC_PROP_FIRMWARE:
      g_value_set_string (value, self->firmware);
      break;
    case LACTD_SYNC_PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case LACTD_SYNC_PROP_REJECTED_RECORDS:
      g_value_set_uint (value, self->rejected_records);
      break;
    case LACTD_SYNC_PROP_LOST_RECORDS:
      g_value_set_uint (value, self->lost_records);
      break;
    case LACTD_SYNC_PROP_MALFORMED_PACKETS:
      g_value_set_uint (value, self->malformed_packets);
      break;
    case LACTD_SYNC_PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;
    case LACTD_SYNC_PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lactd_sync_dispose (GObject *object)
{
  LactdSync *self = LACTD_SYNC (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->link != NULL)
    {
      g_clear_signal_handler (&self->ready_id, self->link);
      g_clear_signal_handler (&self->value_id, self->link);
    }
  lactd_sync_procedure_stop (self);
  g_clear_handle_id (&self->rerun_source, g_source_remove);
  if (self->pending != NULL && self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!lactd_sync_flush (self, &error))
        g_warning ("%s: %s", self->address, error->message);
    }
  if (self->waiters != NULL && self->waiters->len > 0)
    {
      g_autoptr(GError) error =
        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The sensor went away");
      complete_waiters (self, error);
    }
  g_clear_object (&self->link);

  G_OBJECT_CLASS (lactd_sync_parent_class)->dispose (object);
}

static void
lactd_sync_finalize (GObject *object)
{
  LactdSync *self = LACTD_SYNC (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->early_records, g_ptr_array_unref);
  g_clear_pointer (&self->handled, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->local_tz, g_time_zone_unref);
  g_free (self->address);
  g_free (self->state);
  g_free (self->last_error);
  g_free (self->model);
  g_free (self->firmware);
  g_free (self->kind);

  G_OBJECT_CLASS (lactd_sync_parent_class)->finalize (object);
}

static void
lactd_sync_class_init (LactdSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS;

  object_class->get_property = lactd_sync_get_property;
  object_class->dispose = lactd_sync_dispose;
  object_class->finalize = lactd_sync_finalize;

  props[LACTD_SYNC_PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, "idle", flags);
  props[LACTD_SYNC_PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, "", flags);
  props[LACTD_SYNC_PROP_BATTERY] =
    g_param_spec_uint ("battery", NULL, NULL, 0, 255, 255, flags);
  props[LACTD_SYNC_PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, "", flags);
  props[LACTD_SYNC_PROP_FIRMWARE] =
    g_param_spec_string ("firmware", NULL, NULL, "", flags);
  props[LACTD_SYNC_PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, "unknown", flags);
  props[LACTD_SYNC_PROP_REJECTED_RECORDS] =
    g_param_spec_uint ("rejected-records", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[LACTD_SYNC_PROP_LOST_RECORDS] =
    g_param_spec_uint ("lost-records", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[LACTD_SYNC_PROP_MALFORMED_PACKETS] =
    g_param_spec_uint ("malformed-packets", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[LACTD_SYNC_PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[LACTD_SYNC_PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, LACTD_SYNC_N_PROPS, props);

  signals[SIGNAL_SESSION_STORED] =
    g_signal_new ("session-stored", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_POINTER);
  signals[SIGNAL_LIVE] =
    g_signal_new ("live", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_MALFORMED_PACKET] =
    g_signal_new ("malformed-packet", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_INT, G_TYPE_STRING);
}

static void
lactd_sync_init (LactdSync *self)
{
  self->state = g_strdup ("idle");
  self->last_error = g_strdup ("");
  self->model = g_strdup ("");
  self->firmware = g_strdup ("");
  self->kind = g_strdup ("unknown");
  self->battery = 255;
  self->procedure_ms = DEFAULT_PROCEDURE_MS;
  self->straggler_ms = DEFAULT_STRAGGLER_MS;
  self->cancellable = g_cancellable_new ();
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->early_records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->handled = g_hash_table_new (NULL, NULL);
  self->pending = g_array_new (FALSE, TRUE, sizeof (PendingRecord));
  g_array_set_clear_func (self->pending, lactd_sync_pending_clear);
}

LactdSync *
lactd_sync_new (LactdLink *link, LactdStore *store)
{
  LactdSync *self;
  g_autoptr(LactdSensorRow) row = NULL;

  g_return_val_if_fail (LACTD_IS_LINK (link), NULL);
  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (LACTD_TYPE_SYNC, NULL);
  self->link = g_object_ref (link);
  self->store = store;
  self->address = g_strdup (lactd_link_get_address (link));

  row = lactd_store_get_sensor (store, self->address, NULL);
  if (row != NULL)
    {
      lactd_sync_set_string (self, &self->model, row->model, LACTD_SYNC_PROP_MODEL);
      lactd_sync_set_string (self, &self->firmware, row->firmware,
                             LACTD_SYNC_PROP_FIRMWARE);
      lactd_sync_set_string (self, &self->kind, row->kind, LACTD_SYNC_PROP_KIND);
      self->last_sync = row->last_sync;
      self->rejected_records = row->rejected_records;
      self->lost_records = row->lost_records;
    }

  self->ready_id = g_signal_connect (link, "notify::ready",
                                     G_CALLBACK (on_ready_changed), self);
  self->value_id = g_signal_connect (link, "value-received",
                                     G_CALLBACK (on_value_received), self);
  if (lactd_link_get_ready (link))
    on_ready_changed (link, NULL, self);
  return self;
}
