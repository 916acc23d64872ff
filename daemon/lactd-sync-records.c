/* lactd-sync-records.c — sync steps 2-4: the RACP procedures, records
 * into store batches, commit, then acknowledge with a delete.
 *
 * The rule everything here serves: the sensor is only ever told to delete
 * numbers that are durably committed, and never a number not yet seen.
 * Numbers count for the acknowledgement only once their batch committed,
 * and only when they came in answer to this run's report (>= last+1);
 * anything else that arrives is stored just the same, idempotently. A
 * report that handled fewer than the N the sensor counted acknowledges
 * only the run from last+1 and syncs again later: what is missing is late
 * or lost in transit, not lost on the sensor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sync"

#include "lactd-sync-private.h"

void
lactd_sync_pending_clear (gpointer data)
{
  PendingRecord *pending = data;

  g_clear_pointer (&pending->raw, g_bytes_unref);
}

static const char *
phase_name (SyncPhase phase)
{
  switch (phase)
    {
    case SYNC_PHASE_COUNT:
      return "report number of stored records";
    case SYNC_PHASE_REPORT:
    case SYNC_PHASE_STRAGGLERS:
      return "report stored records";
    case SYNC_PHASE_DELETE:
      return "delete stored records";
    case SYNC_PHASE_ABORT:
      return "abort";
    case SYNC_PHASE_NONE:
    default:
      return "none";
    }
}

static const char *
response_name (guint code)
{
  static const char *const names[] = {
    NULL, "success", "opcode not supported", "invalid operator",
    "operator not supported", "invalid operand", "no records found",
    "abort unsuccessful", "procedure not completed", "operand not supported",
  };

  return code < G_N_ELEMENTS (names) && names[code] != NULL ? names[code]
                                                            : "unknown";
}

/* ----------------------------------------------------------- records */

/* The daemon's UTC offset at an instant. The zone is looked up once per
 * run (a lookup stats /etc/localtime), so a change of zone is seen by the
 * next run. */
static gint32
local_offset_minutes_at (LactdSync *self, gint64 when)
{
  gint interval;

  if (self->local_tz == NULL)
    self->local_tz = g_time_zone_new_local ();
  interval = g_time_zone_find_interval (self->local_tz, G_TIME_TYPE_UNIVERSAL,
                                        when);
  if (interval < 0)
    return 0;
  return g_time_zone_get_offset (self->local_tz, interval) / 60;
}

static gint32
volume_tenths (const lsp_volume *volume)
{
  return volume->measured ? (gint32) volume->tenths : LACTD_VOLUME_NONE;
}

static void
session_from_record (LactdSync *self, const lsp_record *record,
                     LactdSession *session)
{
  static const LactdSessionKind kinds[] = {
    [LSP_RECORD_KIND_PUMP] = LACTD_SESSION_KIND_PUMP,
    [LSP_RECORD_KIND_SNS] = LACTD_SESSION_KIND_SNS,
    [LSP_RECORD_KIND_HAND] = LACTD_SESSION_KIND_HAND,
  };

  *session = (LactdSession) {
    .from_sensor = TRUE,
    .seq = record->seq,
    .kind = kinds[record->kind],
    .start = record->start_utc,
    /* Unknown offset: the daemon's own at that instant (the D-Bus API
     * promises this). */
    .utc_offset_min =
      lsp_record_utc_offset_minutes (record,
                                     local_offset_minutes_at (self, record->start_utc)),
    .duration_left = record->seconds_left,
    .duration_right = record->seconds_right,
    .double_sided = record->double_sided,
    .interrupted = record->interrupted,
    .clock_unsynced = record->clock_unsynced,
    .volume_left_tenths = volume_tenths (&record->volume_left),
    .volume_right_tenths = volume_tenths (&record->volume_right),
    .supplement_tenths = volume_tenths (&record->supplement),
  };
}

static gboolean
add_rejected (LactdStoreBatch *batch, const PendingRecord *pending,
              const char *code, const char *message, GError **error)
{
  gsize len;
  const guint8 *raw = g_bytes_get_data (pending->raw, &len);

  return lactd_store_batch_add_rejected (batch, pending->seq, raw, len, code,
                                         message, error);
}

/* Commits every pending record in one batch. On failure nothing of it is
 * kept and the records stay pending (not handled, so not acknowledged). */
gboolean
lactd_sync_flush (LactdSync *self, GError **error)
{
  g_autoptr(GArray) stored = NULL;
  LactdStoreBatch *batch;
  guint32 store_ack = 0;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->pending->len == 0)
    return TRUE;

  batch = lactd_store_batch_begin (self->store, self->address, self->epoch,
                                   error);
  if (batch == NULL)
    return FALSE;

  stored = g_array_new (FALSE, FALSE, sizeof (LactdSession));
  for (guint i = 0; i < self->pending->len; i++)
    {
      PendingRecord *pending = &g_array_index (self->pending, PendingRecord, i);
      g_autoptr(GError) local_error = NULL;
      gboolean ok;

      if (pending->valid)
        {
          LactdSession session = pending->session;
          LactdAddResult result = LACTD_ADD_DUPLICATE;

          ok = lactd_store_batch_add_session (batch, &session, &result,
                                              &local_error);
          if (!ok && g_error_matches (local_error, LACTD_STORE_ERROR,
                                      LACTD_STORE_ERROR_INVALID))
            {
              /* The codec let it through but the store's rules did not:
               * keep it aside like any other broken record. */
              g_warning ("%s: record %u refused by the store: %s",
                         self->address, pending->seq, local_error->message);
              ok = add_rejected (batch, pending, "STORE_INVALID",
                                 local_error->message, NULL);
              g_clear_error (&local_error);
              if (!ok)
                g_set_error (&local_error, LACTD_STORE_ERROR,
                             LACTD_STORE_ERROR_STORAGE,
                             "Could not keep record %u aside", pending->seq);
            }
          else if (ok && result == LACTD_ADD_STORED)
            g_array_append_val (stored, session);
          else if (ok && result == LACTD_ADD_CONFLICT)
            g_warning ("%s: record %u differs from the one stored under "
                       "its number: kept aside", self->address, pending->seq);
        }
      else
        {
          ok = add_rejected (batch, pending, lsp_status_name (pending->status),
                             lsp_status_message (pending->status),
                             &local_error);
        }
      if (!ok)
        {
          lactd_store_batch_abort (batch);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  if (!lactd_store_batch_commit (batch, &store_ack, error))
    return FALSE;

  g_debug ("%s: committed %u records (%u new sessions)", self->address,
           self->pending->len, stored->len);
  for (guint i = 0; i < self->pending->len; i++)
    {
      PendingRecord *pending = &g_array_index (self->pending, PendingRecord, i);

      if (!pending->in_procedure || self->phase == SYNC_PHASE_NONE)
        continue;
      g_hash_table_add (self->handled, GUINT_TO_POINTER (pending->seq));
      if (self->low == 0 || pending->seq < self->low)
        self->low = pending->seq;
    }
  g_array_set_size (self->pending, 0);

  lactd_sync_refresh_counters (self);
  for (guint i = 0; i < stored->len; i++)
    lactd_sync_emit_session_stored (self, &g_array_index (stored, LactdSession, i));
  return TRUE;
}

static gboolean
flush_cb (gpointer user_data)
{
  LactdSync *self = user_data;
  g_autoptr(GError) error = NULL;

  self->flush_source = 0;
  if (!lactd_sync_flush (self, &error))
    g_warning ("%s: could not commit records: %s", self->address,
               error->message);
  return G_SOURCE_REMOVE;
}

static void report_complete (LactdSync *self);

/* ------------------------------------------------- rejected-record log */

void
lactd_sync_log_rejected_summary (LactdSync *self)
{
  g_clear_handle_id (&self->reject_summary_source, g_source_remove);
  if (self->reject_suppressed == 0)
    return;
  g_warning ("%s: %u more records rejected (counted, not logged one by one; "
             "the last: %s)", self->address, self->reject_suppressed,
             lsp_status_message (self->reject_last_status));
  self->reject_suppressed = 0;
}

static gboolean
reject_summary_cb (gpointer user_data)
{
  LactdSync *self = user_data;
  gint64 now = g_get_monotonic_time ();

  /* Summed up once they stop for a second, or when the window ends. */
  if (now - self->reject_last_suppressed < G_USEC_PER_SEC &&
      now - self->reject_window_start <
        LACTD_SYNC_REJECTED_LOG_WINDOW_S * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;
  self->reject_summary_source = 0;
  lactd_sync_log_rejected_summary (self);
  return G_SOURCE_REMOVE;
}

/* A flood of broken records must not become a flood of log lines: a
 * burst is logged one by one, the rest counted and summed up. */
static void
log_rejected (LactdSync *self, guint32 seq, lsp_status status)
{
  gint64 now = g_get_monotonic_time ();

  if (self->reject_suppressed == 0 &&
      now - self->reject_window_start >=
        LACTD_SYNC_REJECTED_LOG_WINDOW_S * G_USEC_PER_SEC)
    {
      self->reject_window_start = now;
      self->reject_logged = 0;
    }
  if (self->reject_logged < LACTD_SYNC_REJECTED_LOG_BURST)
    {
      self->reject_logged++;
      g_warning ("%s: record %u rejected: %s", self->address, seq,
                 lsp_status_message (status));
      return;
    }
  self->reject_suppressed++;
  self->reject_last_suppressed = now;
  self->reject_last_status = status;
  if (self->reject_summary_source == 0)
    self->reject_summary_source = g_timeout_add (250, reject_summary_cb, self);
}

/* ------------------------------------------------------- one record */

/* Whether a number that arrived during the report counts for its
 * acknowledgement: readable, above last, and within what a sensor can
 * hold (so that a sensor cannot grow these sets without bound). */
static gboolean
note_seen (LactdSync *self, guint32 seq)
{
  gpointer key = GUINT_TO_POINTER (seq);

  if (seq == 0 || seq <= self->last)
    return FALSE;
  if (!g_hash_table_contains (self->seen, key) &&
      g_hash_table_size (self->seen) >= LACTD_SYNC_REPORT_MAX)
    return FALSE;
  g_hash_table_add (self->seen, key);
  return TRUE;
}

/* Every counted record has arrived (lsp-v1 step 4's wait). */
static gboolean
report_arrived (LactdSync *self)
{
  return g_hash_table_size (self->seen) >= self->expected;
}

/* Commits a full batch; FALSE when the store refused it. */
static gboolean
commit_full_batch (LactdSync *self)
{
  g_autoptr(GError) error = NULL;

  if (lactd_sync_flush (self, &error))
    return TRUE;
  if (self->running)
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_STORAGE,
                             "Could not commit records: %s", error->message);
      return FALSE;
    }
  /* Not committed, so never acknowledged: the sensor keeps them for the
   * next sync. Holding them here would only retry a failing commit on
   * every record. */
  g_warning ("%s: could not commit records: %s; %u records stay on the "
             "sensor", self->address, error->message, self->pending->len);
  g_array_set_size (self->pending, 0);
  return FALSE;
}

void
lactd_sync_handle_record (LactdSync *self, GBytes *value)
{
  PendingRecord pending = { 0 };
  lsp_record record;
  gsize len;
  const guint8 *data = g_bytes_get_data (value, &len);
  gboolean in_report = self->phase == SYNC_PHASE_REPORT ||
                       self->phase == SYNC_PHASE_STRAGGLERS;

  pending.raw = g_bytes_ref (value);
  pending.status = lsp_record_decode (data, len,
                                      g_get_real_time () / G_USEC_PER_SEC,
                                      &record);
  if (pending.status == LSP_OK)
    {
      pending.valid = TRUE;
      pending.seq = record.seq;
      session_from_record (self, &record, &pending.session);
    }
  else
    {
      /* 0: unreadable (too short, 0, or erased flash); handles none. */
      if (!lsp_record_peek_seq (data, len, &pending.seq))
        pending.seq = 0;
      log_rejected (self, pending.seq, pending.status);
    }

  if (in_report)
    {
      self->received++;
      self->last_activity = g_get_monotonic_time ();
      pending.in_procedure = note_seen (self, pending.seq);
    }
  g_array_append_val (self->pending, pending);

  if (self->pending->len >= LACTD_SYNC_BATCH_RECORDS)
    {
      if (!commit_full_batch (self))
        return;
    }
  else if (!in_report && self->flush_source == 0)
    {
      self->flush_source = g_timeout_add (LACTD_SYNC_LOOSE_FLUSH_MS, flush_cb,
                                          self);
    }

  if (self->phase == SYNC_PHASE_STRAGGLERS && report_arrived (self))
    report_complete (self);
}

/* ------------------------------------------------------------- RACP */

typedef struct {
  LactdSync *self;
  guint serial;
} RacpWrite;

static void racp_write (LactdSync *self, SyncPhase phase,
                        lsp_racp_opcode opcode, lsp_racp_operator op,
                        guint32 operand);

static void
racp_write_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RacpWrite *write = user_data;
  g_autoptr(GError) error = NULL;
  LactdSync *self;
  guint serial = write->serial;

  self = write->self;
  g_free (write);
  if (lactd_link_write_finish (LACTD_LINK (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* self may be gone */
  if (serial != self->phase_serial || self->phase == SYNC_PHASE_NONE)
    {
      g_debug ("%s: stale RACP write failed: %s", self->address,
               error->message);
      return;
    }
  /* ATT 0xFE on the run's first write: a procedure is still running that
   * no one is waiting for (a report for a daemon that was killed, while
   * bluetoothd kept the link). Abort it, once; the count follows the
   * abort's 0x06. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY)
      && self->phase == SYNC_PHASE_COUNT && !self->busy_aborted)
    {
      g_message ("%s: the sensor is busy with an earlier procedure: "
                 "aborting it", self->address);
      self->busy_aborted = TRUE;
      racp_write (self, SYNC_PHASE_ABORT, LSP_RACP_ABORT, LSP_RACP_OP_NULL, 0);
      return;
    }
  lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                         "The sensor refused RACP %s: %s",
                         phase_name (self->phase), error->message);
}

static void
abort_write_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  LactdSync *self;

  if (!lactd_link_write_finish (LACTD_LINK (source), result, &error))
    {
      g_debug ("RACP abort not written: %s", error->message);
      return;   /* still needed; self may be gone if cancelled */
    }
  self = user_data;
  self->abort_needed = FALSE;
}

/* Frees the sensor's control point after a procedure that never ended.
 * Writes are ordered, so it lands before whatever is written next. */
void
lactd_sync_write_abort (LactdSync *self)
{
  static const guint8 abort_request[] = { LSP_RACP_ABORT, LSP_RACP_OP_NULL };
  g_autoptr(GBytes) bytes = g_bytes_new_static (abort_request,
                                                sizeof abort_request);

  self->abort_needed = TRUE;
  lactd_link_write_async (self->link, LACTD_CHAR_RACP, bytes,
                          self->cancellable, abort_write_cb, self);
}

static gboolean procedure_timeout_cb (gpointer user_data);

static void
arm_procedure_timeout (LactdSync *self, guint ms)
{
  g_clear_handle_id (&self->procedure_timeout, g_source_remove);
  self->procedure_timeout = g_timeout_add (MAX (ms, 1u), procedure_timeout_cb,
                                           self);
}

static void
racp_write (LactdSync *self, SyncPhase phase, lsp_racp_opcode opcode,
            lsp_racp_operator op, guint32 operand)
{
  lsp_racp_request request = { opcode, op, operand };
  guint8 buf[LSP_RACP_REQUEST_MAX_LEN];
  size_t len = 0;
  g_autoptr(GBytes) bytes = NULL;
  RacpWrite *write;

  if (lsp_racp_request_encode (&request, buf, &len) != LSP_OK)
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                             "Internal error: RACP request not encodable");
      return;
    }
  bytes = g_bytes_new (buf, len);
  /* The phase is set before writing: the indication may come before the
   * write's own reply. */
  self->phase = phase;
  self->phase_serial++;
  self->last_activity = g_get_monotonic_time ();
  arm_procedure_timeout (self, self->procedure_ms);
  g_debug ("%s: RACP %s (operand %u)", self->address, phase_name (phase),
           operand);

  write = g_new0 (RacpWrite, 1);
  write->self = self;
  write->serial = self->phase_serial;
  lactd_link_write_async (self->link, LACTD_CHAR_RACP, bytes,
                          self->cancellable, racp_write_cb, write);
}

static gboolean
procedure_timeout_cb (gpointer user_data)
{
  LactdSync *self = user_data;
  gint64 quiet_ms = (g_get_monotonic_time () - self->last_activity) / 1000;

  self->procedure_timeout = 0;
  /* A long report is fine as long as records keep coming. */
  if (quiet_ms < self->procedure_ms)
    {
      arm_procedure_timeout (self, self->procedure_ms - (guint) quiet_ms);
      return G_SOURCE_REMOVE;
    }
  lactd_sync_write_abort (self);
  lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                         "The sensor did not answer RACP %s within %u ms",
                         phase_name (self->phase), self->procedure_ms);
  return G_SOURCE_REMOVE;
}

static gboolean
straggler_timeout_cb (gpointer user_data)
{
  LactdSync *self = user_data;

  self->straggler_timeout = 0;
  g_message ("%s: %u of %u counted records arrived (%u record packets)",
             self->address, g_hash_table_size (self->seen), self->expected,
             self->received);
  report_complete (self);
  return G_SOURCE_REMOVE;
}

void
lactd_sync_procedure_stop (LactdSync *self)
{
  self->phase = SYNC_PHASE_NONE;
  self->phase_serial++;
  g_clear_handle_id (&self->procedure_timeout, g_source_remove);
  g_clear_handle_id (&self->straggler_timeout, g_source_remove);
}

void
lactd_sync_procedure_start (LactdSync *self)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_sync_flush (self, &error))
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_STORAGE,
                             "Could not commit records: %s", error->message);
      return;
    }
  g_clear_pointer (&self->local_tz, g_time_zone_unref);
  if (!lactd_store_get_acknowledged (self->store, self->address, self->epoch,
                                     &self->last, &error))
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_STORAGE,
                             "Could not read what was acknowledged: %s",
                             error->message);
      return;
    }
  g_hash_table_remove_all (self->handled);
  g_hash_table_remove_all (self->seen);
  self->low = 0;
  self->ack = 0;
  self->lost = 0;
  g_clear_pointer (&self->fault, g_free);
  self->rerun_later = FALSE;
  self->received = 0;
  self->expected = 0;
  self->busy_aborted = FALSE;
  /* Above last+1 there is only 0xFFFFFFFF, which no record can carry. */
  if (self->last >= LSP_RECORD_SEQ_ERASED - 1)
    {
      lactd_sync_run_succeeded (self);
      return;
    }
  if (self->abort_needed)
    lactd_sync_write_abort (self);
  g_debug ("%s: step 2: records after %u (epoch %u)", self->address,
           self->last, self->epoch);
  racp_write (self, SYNC_PHASE_COUNT, LSP_RACP_REPORT_COUNT,
              LSP_RACP_OP_GREATER_EQUAL, self->last + 1);
}

/* The end of the run of handled numbers from `first`; 0 when `first`
 * itself was not handled. */
static guint32
handled_run_end (LactdSync *self, guint32 first)
{
  guint32 h = first;

  if (!g_hash_table_contains (self->handled, GUINT_TO_POINTER (first)))
    return 0;
  while (h < LSP_RECORD_SEQ_ERASED - 1 &&
         g_hash_table_contains (self->handled, GUINT_TO_POINTER (h + 1)))
    h++;
  return h;
}

/* Step 4's decision: where the acknowledged run starts (`low` only when
 * all N counted records were handled, else last+1), what the sensor lost,
 * and whether it is at fault. Sets ack (0: nothing) and lost. */
static gboolean
plan_acknowledgement (LactdSync *self, GError **error)
{
  guint n_handled = g_hash_table_size (self->handled);
  guint32 first = self->last + 1;
  guint32 h, unhandled;

  if (n_handled < self->expected)
    {
      /* Late or lost in transit, not lost on the sensor: nothing below
       * the lowest one handled may be deleted. */
      self->rerun_later = TRUE;
      g_message ("%s: %u of %u counted records arrived: acknowledging only "
                 "from %u, syncing again in %u ms", self->address, n_handled,
                 self->expected, first, self->rerun_ms);
    }
  else if (self->low > first && self->low - first > LSP_SYNC_MAX_GAP)
    {
      self->fault = g_strdup_printf ("The sensor's records jump from %u to "
                                     "%u: %u numbers missing, more than a "
                                     "sensor holds (sensor fault); nothing "
                                     "past %u acknowledged", self->last,
                                     self->low, self->low - first,
                                     self->last);
      g_warning ("%s: %s", self->address, self->fault);
    }
  else if (self->low > first)
    {
      if (!lactd_store_count_unhandled (self->store, self->address,
                                        self->epoch, first, self->low - 1,
                                        &self->lost, error))
        return FALSE;
      first = self->low;
    }

  h = handled_run_end (self, first);
  if (h == 0)
    return TRUE;
  /* Belt and braces: never delete what the store does not hold. */
  if (!lactd_store_count_unhandled (self->store, self->address, self->epoch,
                                    first, h, &unhandled, error))
    return FALSE;
  if (unhandled != 0)
    {
      g_set_error (error, LACTD_SYNC_ERROR, LACTD_SYNC_ERROR_STORAGE,
                   "%u of records %u-%u are not in the store", unhandled,
                   first, h);
      return FALSE;
    }
  self->ack = h;
  g_debug ("%s: step 4: %u records handled, acknowledging %u-%u",
           self->address, n_handled, first, h);
  return TRUE;
}

/* Step 4: commit, decide, then acknowledge with a delete. */
static void
report_complete (LactdSync *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->straggler_timeout, g_source_remove);
  g_clear_handle_id (&self->procedure_timeout, g_source_remove);
  if (!lactd_sync_flush (self, &error))
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_STORAGE,
                             "Could not commit records: %s", error->message);
      return;
    }
  self->phase = SYNC_PHASE_NONE;
  if (!plan_acknowledgement (self, &error))
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_STORAGE,
                             "Not acknowledging anything: %s",
                             error->message);
      return;
    }
  if (self->ack == 0)
    {
      g_debug ("%s: nothing to acknowledge", self->address);
      lactd_sync_run_finished (self);
      return;
    }
  racp_write (self, SYNC_PHASE_DELETE, LSP_RACP_DELETE,
              LSP_RACP_OP_LESS_EQUAL, self->ack);
}

/* The delete took effect: remember it, and report numbers the sensor
 * overwrote before they could be synced. */
static void
acknowledged (LactdSync *self)
{
  g_autoptr(GError) error = NULL;

  if (!lactd_store_set_acknowledged (self->store, self->address, self->epoch,
                                     self->ack, &error))
    {
      lactd_sync_run_failed (self, LACTD_SYNC_ERROR_STORAGE,
                             "Could not remember the acknowledgement: %s",
                             error->message);
      return;
    }
  if (self->lost > 0)
    {
      g_warning ("%s: %u records (numbers %u-%u, epoch %u) were overwritten "
                 "on the sensor before they could be synced", self->address,
                 self->lost, self->last + 1, self->low - 1, self->epoch);
      if (!lactd_store_add_lost_records (self->store, self->address,
                                         self->lost, &error))
        g_warning ("%s: could not count lost records: %s", self->address,
                   error->message);
      lactd_sync_refresh_counters (self);
    }
  g_message ("%s: synced: records up to %u acknowledged", self->address,
             self->ack);
  lactd_sync_run_finished (self);
}

void
lactd_sync_handle_racp (LactdSync *self, const lsp_racp_indication *indication)
{
  gboolean response = indication->type == LSP_RACP_IND_RESPONSE;
  guint8 code = indication->response;
  gboolean ok = code == LSP_RACP_RSP_SUCCESS || code == LSP_RACP_RSP_NO_RECORDS;

  self->last_activity = g_get_monotonic_time ();
  switch (self->phase)
    {
    case SYNC_PHASE_COUNT:
      if (indication->type == LSP_RACP_IND_COUNT)
        {
          self->expected = indication->count;
          g_debug ("%s: the sensor holds %u records after %u", self->address,
                   indication->count, self->last);
          if (indication->count == 0)
            {
              self->phase = SYNC_PHASE_NONE;
              lactd_sync_run_finished (self);
            }
          else
            racp_write (self, SYNC_PHASE_REPORT, LSP_RACP_REPORT,
                        LSP_RACP_OP_GREATER_EQUAL, self->last + 1);
          return;
        }
      if (response && indication->request_opcode == LSP_RACP_REPORT_COUNT)
        {
          lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                                 "The sensor answered RACP %s with “%s”",
                                 phase_name (self->phase), response_name (code));
          return;
        }
      break;
    case SYNC_PHASE_REPORT:
      if (response && indication->request_opcode == LSP_RACP_REPORT)
        {
          if (!ok)
            {
              lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                                     "The sensor answered RACP %s with “%s”",
                                     phase_name (self->phase),
                                     response_name (code));
              return;
            }
          g_clear_handle_id (&self->procedure_timeout, g_source_remove);
          self->phase = SYNC_PHASE_STRAGGLERS;
          if (report_arrived (self))
            report_complete (self);
          else
            self->straggler_timeout = g_timeout_add (MAX (self->straggler_ms, 1u),
                                                     straggler_timeout_cb,
                                                     self);
          return;
        }
      break;
    case SYNC_PHASE_DELETE:
      if (response && indication->request_opcode == LSP_RACP_DELETE)
        {
          g_clear_handle_id (&self->procedure_timeout, g_source_remove);
          if (!ok)
            {
              lactd_sync_run_failed (self, LACTD_SYNC_ERROR_FAILED,
                                     "The sensor answered RACP %s with “%s”",
                                     phase_name (self->phase),
                                     response_name (code));
              return;
            }
          self->phase = SYNC_PHASE_NONE;
          acknowledged (self);
          return;
        }
      break;
    case SYNC_PHASE_ABORT:
      if (response && indication->request_opcode == LSP_RACP_ABORT)
        {
          /* Even "abort unsuccessful" (the procedure may have ended on
           * its own meanwhile) lets the count try: if the control point
           * is still busy, that count fails the run. */
          if (code != LSP_RACP_RSP_SUCCESS)
            g_message ("%s: the sensor answered RACP abort with “%s”",
                       self->address, response_name (code));
          racp_write (self, SYNC_PHASE_COUNT, LSP_RACP_REPORT_COUNT,
                      LSP_RACP_OP_GREATER_EQUAL, self->last + 1);
          return;
        }
      break;
    case SYNC_PHASE_STRAGGLERS:
    case SYNC_PHASE_NONE:
    default:
      break;
    }
  g_debug ("%s: RACP indication 0x%02x (opcode 0x%02x, code 0x%02x) outside "
           "its procedure ignored", self->address, indication->type,
           indication->request_opcode, code);
}
