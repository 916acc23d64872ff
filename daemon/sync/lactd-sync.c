/* lactd-sync.c — the sync engine: the object, connection handling, packet
 * dispatch, runs and their callers. Step 1 (identity, clock, battery,
 * subscriptions) lives in lactd-sync-setup.c, steps 3 and 7 (records) in
 * lactd-sync-records.c, steps 2 and 4 (RACP, acknowledgement) in
 * lactd-sync-racp.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sync"

#include "lactd-sync-private.h"

#include <stdarg.h>

#define DEFAULT_PROCEDURE_MS 10000
#define DEFAULT_STRAGGLER_MS 2000

G_DEFINE_QUARK (lactd-sync-error-quark, lactd_sync_error)

G_DEFINE_TYPE (LactdSync, lactd_sync, G_TYPE_OBJECT)

static LactdLive *
live_copy (const LactdLive *live)
{
  return g_memdup2 (live, sizeof *live);
}

G_DEFINE_BOXED_TYPE (LactdLive, lactd_live, live_copy, g_free)

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

void
lactd_sync_report_malformed (LactdSync *self, LactdChar ch, lsp_status status)
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
  gboolean rerun = self->rerun;
  gboolean rerun_later = self->rerun_later;

  self->running = FALSE;
  self->rerun = FALSE;
  self->rerun_later = FALSE;
  lactd_sync_procedure_stop (self);
  if (self->connected && rerun)
    {
      /* A session ended during the run: sync once more for its record. */
      g_clear_handle_id (&self->rerun_source, g_source_remove);
      self->rerun_source = g_idle_add (rerun_cb, self);
    }
  else if (self->connected && rerun_later && self->rerun_source == 0)
    {
      /* A short report: what is missing may still be on its way. */
      self->rerun_source = g_timeout_add (self->rerun_ms, rerun_cb, self);
    }
  /* Last: a caller's callback may ask for the next sync right away. */
  complete_waiters (self, error);
}

void
lactd_sync_run_succeeded (LactdSync *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  /* Whoever waits for the sync's end sees every session it stored. */
  lactd_sync_announce_all (self);
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

void
lactd_sync_run_finished (LactdSync *self)
{
  g_autofree char *fault = g_steal_pointer (&self->fault);

  if (fault != NULL)
    {
      self->rerun_later = FALSE;
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED, "%s", fault);
      return;
    }
  if (!self->rerun_later)
    {
      self->partial_streak = 0;
      lactd_sync_run_succeeded (self);
      return;
    }
  /* Short reports: again and again while they acknowledge something new,
   * a few times in a row while they do not. */
  self->partial_streak = self->ack != 0 ? 1 : self->partial_streak + 1;
  if (self->partial_streak > LACTD_SYNC_PARTIAL_RERUNS)
    {
      self->rerun_later = FALSE;
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                             "The sensor counted %u records after %u but "
                             "only %u arrived, %u times in a row: they stay "
                             "on the sensor for the next sync",
                             self->expected, self->last,
                             g_hash_table_size (self->handled),
                             self->partial_streak);
      return;
    }
  lactd_sync_run_succeeded (self);
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
  gboolean reporting;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (LACTD_SYNC_ERROR, code, format, args);
  va_end (args);

  reporting = self->phase == SYNC_PHASE_REPORT ||
              self->phase == SYNC_PHASE_STRAGGLERS;
  /* A failed run does not sync again by itself. */
  self->rerun_later = FALSE;
  lactd_sync_procedure_stop (self);
  if (code == LACTD_SYNC_ERROR_STORAGE)
    {
      /* The store just refused them: they stay unacknowledged on the
       * sensor and come again with the next sync. */
      g_array_set_size (self->pending, 0);
    }
  else if (!lactd_sync_flush (self, &flush_error))
    g_warning ("%s: could not commit the records handled so far: %s",
               self->address, flush_error->message);
  lactd_sync_announce_all (self);
  /* A report the sensor is still sending would only pile up records that
   * this run can no longer acknowledge. */
  if (reporting && self->connected)
    lactd_sync_write_abort (self);

  g_warning ("%s: sync failed: %s", self->address, error->message);
  lactd_sync_set_string (self, &self->last_error, error->message,
                         LACTD_SYNC_PROP_LAST_ERROR);
  set_state (self, "error");
  run_ended (self, error);
}

static void
start_run (LactdSync *self)
{
  g_return_if_fail (!self->running);

  self->running = TRUE;
  /* This run does what a pending rerun would. */
  g_clear_handle_id (&self->rerun_source, g_source_remove);
  set_state (self, "syncing");
  if (self->setup_done)
    {
      lactd_sync_setup_recheck_epoch (self);
      return;
    }
  lactd_sync_setup_start (self);
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
  self->early_dropped = FALSE;

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

/* A record before the record epoch is known belongs to it, so it waits;
 * but a sensor must not grow lactd's memory at will. Past the limit the
 * buffer goes: nothing in it was acknowledged, so the sensor keeps those
 * records and the next report brings them again. */
static void
buffer_early_record (LactdSync *self, GBytes *value)
{
  if (self->early_dropped)
    return;
  if (self->early_records->len < LACTD_SYNC_EARLY_RECORDS_MAX)
    {
      g_ptr_array_add (self->early_records, g_bytes_ref (value));
      return;
    }
  g_warning ("%s: more than %u records before the record epoch was known: "
             "dropped until it is (they stay on the sensor for the next "
             "report)", self->address, LACTD_SYNC_EARLY_RECORDS_MAX);
  g_ptr_array_set_size (self->early_records, 0);
  self->early_dropped = TRUE;
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
      lactd_sync_report_malformed (self, LACTD_CHAR_LIVE_PROGRESS, status);
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
        buffer_early_record (self, value);
      else
        lactd_sync_handle_record (self, value);
      break;
    case LACTD_CHAR_RACP:
      {
        lsp_racp_indication indication;
        lsp_status status = lsp_racp_indication_decode (data, len, &indication);

        if (status != LSP_OK)
          lactd_sync_report_malformed (self, ch, status);
        else
          lactd_sync_handle_racp (self, &indication);
        break;
      }
    case LACTD_CHAR_BATTERY_LEVEL:
      {
        guint8 percent;
        lsp_status status = lsp_battery_decode (data, len, &percent);

        if (status != LSP_OK)
          lactd_sync_report_malformed (self, ch, status);
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

void
lactd_sync_set_rerun_delay (LactdSync *self, guint rerun_ms)
{
  g_return_if_fail (LACTD_IS_SYNC (self));
  self->rerun_ms = MAX (rerun_ms, 1u);
}

/* For tests only (tests/README.md): LACTD_TEST_<NAME>_MS shortens a wait
 * so that a soak of thousands of faults fits in minutes. */
static void
test_override_ms (const char *name, guint *field)
{
  g_autofree char *var = g_strdup_printf ("LACTD_TEST_%s_MS", name);
  const char *text = g_getenv (var);
  guint64 value;
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, &error))
    {
      g_warning ("%s ignored: %s", var, error->message);
      return;
    }
  g_message ("%s=%s: a test setting, not for real sensors", var, text);
  *field = (guint) value;
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
  lactd_sync_log_rejected_summary (self);
  if (self->pending != NULL && self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!lactd_sync_flush (self, &error))
        g_warning ("%s: %s", self->address, error->message);
      lactd_sync_announce_all (self);
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
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_free (self->fault);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->unannounced, g_array_unref);
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

  /* Both payloads are only lent to the handlers (static scope: no copy
   * per emission). */
  signals[SIGNAL_SESSION_STORED] =
    g_signal_new ("session-stored", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  LACTD_TYPE_SESSION | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_LIVE] =
    g_signal_new ("live", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1,
                  LACTD_TYPE_LIVE | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[SIGNAL_LIVE], G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);
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
  self->rerun_ms = LACTD_SYNC_RERUN_MS;
  test_override_ms ("PROCEDURE", &self->procedure_ms);
  test_override_ms ("STRAGGLER", &self->straggler_ms);
  test_override_ms ("RERUN", &self->rerun_ms);
  self->cancellable = g_cancellable_new ();
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->early_records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->handled = g_hash_table_new (NULL, NULL);
  self->seen = g_hash_table_new (NULL, NULL);
  self->pending = g_array_new (FALSE, TRUE, sizeof (PendingRecord));
  g_array_set_clear_func (self->pending, lactd_sync_pending_clear);
  self->unannounced = g_array_new (FALSE, FALSE, sizeof (LactdSession));
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
