/* lactd-sync-setup.c — sync step 1, on every connection: Sensor Features
 * (a changed record epoch is noticed here), Device Information, Battery
 * Level, Device Time (set to the host's when off by more than 2 s or in
 * another offset), then subscriptions to Live Progress, Session Record,
 * RACP and Battery Level.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sync"

#include "lactd-sync-private.h"

/* Clocks further apart than this are set (lsp-v1 step 1). */
#define CLOCK_TOLERANCE_S 2

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
  const char *kind = lactd_sensor_kind_from_lsp (features->kind);

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
  self->early_dropped = FALSE;
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
            lactd_sync_report_malformed (self, LACTD_CHAR_BATTERY_LEVEL, status);
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
recheck_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) value = NULL;
  LactdSync *self;
  lsp_features features;
  gsize len;
  const guint8 *data;

  value = lactd_link_read_finish (LACTD_LINK (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (value == NULL)
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                             "Could not read Sensor Features: %s",
                             error->message);
      return;
    }
  data = g_bytes_get_data (value, &len);
  /* Only a changed epoch needs step 1's handling (and a store write). */
  if (lsp_features_decode (data, len, &features) != LSP_OK ||
      features.record_epoch != self->epoch)
    {
      if (!handle_features (self, value))
        return;
    }
  lactd_sync_procedure_start (self);
}

void
lactd_sync_setup_recheck_epoch (LactdSync *self)
{
  lactd_link_read_async (self->link, LACTD_CHAR_FEATURES, self->cancellable,
                         recheck_read_cb, self);
}

void
lactd_sync_setup_start (LactdSync *self)
{
  self->setup_step = SETUP_READ_FEATURES;
  setup_next (self);
}
