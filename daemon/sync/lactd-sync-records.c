/* lactd-sync-records.c — sync steps 3 and 7: each Session Record decoded
 * into a store batch (a session, or a rejected record with its reason),
 * committed in batches; what counts for the report's acknowledgement. The
 * RACP procedures and step 4's decision live in lactd-sync-racp.c.
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

/* ------------------------------------------------------ announcing */

/* Emits ::session-stored for the first n queued sessions. They leave the
 * queue first, so a handler that announces (or commits) meanwhile sees a
 * consistent one; an emptied queue gives its memory back. */
static void
announce_first (LactdSync *self, guint n)
{
  g_autoptr(GArray) sessions = NULL;

  if (n == self->unannounced->len)
    {
      sessions = g_steal_pointer (&self->unannounced);
      self->unannounced = g_array_new (FALSE, FALSE, sizeof (LactdSession));
    }
  else
    {
      sessions = g_array_sized_new (FALSE, FALSE, sizeof (LactdSession), n);
      g_array_append_vals (sessions, self->unannounced->data, n);
      g_array_remove_range (self->unannounced, 0, n);
    }
  for (guint i = 0; i < n; i++)
    lactd_sync_emit_session_stored (self, &g_array_index (sessions, LactdSession, i));
  if (n > 0 && self->unannounced->len == 0)
    g_debug ("%s: every stored session announced", self->address);
}

/* A few at a time, below every notification and timer: the signals (and
 * whatever their handlers do) never hold up the records still arriving,
 * their commits or the delete. */
static gboolean
announce_cb (gpointer user_data)
{
  LactdSync *self = user_data;

  announce_first (self, MIN (self->unannounced->len, LACTD_SYNC_ANNOUNCE_CHUNK));
  if (self->unannounced->len > 0)
    return G_SOURCE_CONTINUE;
  self->announce_source = 0;
  return G_SOURCE_REMOVE;
}

void
lactd_sync_schedule_announce (LactdSync *self)
{
  gboolean in_report = self->phase == SYNC_PHASE_REPORT ||
                       self->phase == SYNC_PHASE_STRAGGLERS;

  /* A report's sessions wait until it is over and the delete is on its
   * way: announcing costs lactd more than receiving and storing (a
   * SessionAdded is ~240k instructions in GLib), and on a loaded machine
   * that CPU slows the report itself. The goals then react once to the
   * whole burst. */
  if (self->announce_source != 0 || self->unannounced->len == 0 ||
      (in_report && self->unannounced->len < LACTD_SYNC_ANNOUNCE_HOLD_MAX))
    return;
  self->announce_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                                           announce_cb, self, NULL);
}

void
lactd_sync_announce_all (LactdSync *self)
{
  g_clear_handle_id (&self->announce_source, g_source_remove);
  if (self->unannounced->len > 0)
    announce_first (self, self->unannounced->len);
}

/* ------------------------------------------------------------ batches */

/* Commits every pending record in one batch and queues the sessions it
 * newly stored for announcing. On failure nothing of it is kept and the
 * records stay pending (not handled, so not acknowledged). */
gboolean
lactd_sync_flush (LactdSync *self, GError **error)
{
  GArray *stored = self->unannounced;
  LactdStoreBatch *batch;
  guint32 store_ack = 0;
  guint n_before = stored->len;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->pending->len == 0)
    return TRUE;

  batch = lactd_store_batch_begin (self->store, self->address, self->epoch,
                                   error);
  if (batch == NULL)
    return FALSE;

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
          g_array_set_size (stored, n_before);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  if (!lactd_store_batch_commit (batch, &store_ack, error))
    {
      g_array_set_size (stored, n_before);
      return FALSE;
    }

  g_debug ("%s: committed %u records (%u new sessions)", self->address,
           self->pending->len, stored->len - n_before);
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
  lactd_sync_schedule_announce (self);
  return TRUE;
}

static gboolean commit_full_batch (LactdSync *self);

static gboolean
flush_cb (gpointer user_data)
{
  LactdSync *self = user_data;
  g_autoptr(GError) error = NULL;

  self->flush_source = 0;
  /* A report's batch that cannot be committed ends the run, as a full
   * one does. */
  if (self->phase == SYNC_PHASE_REPORT || self->phase == SYNC_PHASE_STRAGGLERS)
    commit_full_batch (self);
  else if (!lactd_sync_flush (self, &error))
    g_warning ("%s: could not commit records: %s", self->address,
               error->message);
  return G_SOURCE_REMOVE;
}

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
gboolean
lactd_sync_report_arrived (LactdSync *self)
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
      self->last_record_time = self->last_activity;
      pending.in_procedure = note_seen (self, pending.seq);
    }
  g_array_append_val (self->pending, pending);

  if (self->pending->len >= LACTD_SYNC_BATCH_RECORDS)
    {
      if (!commit_full_batch (self))
        return;
    }
  else if (self->flush_source == 0)
    {
      /* A report's records are committed while it is still arriving, so
       * that after its last record only a small batch is left to commit
       * before the delete. */
      self->flush_source = g_timeout_add (in_report ? LACTD_SYNC_REPORT_FLUSH_MS
                                                    : LACTD_SYNC_LOOSE_FLUSH_MS,
                                          flush_cb, self);
    }

  if (self->phase == SYNC_PHASE_STRAGGLERS && lactd_sync_report_arrived (self))
    lactd_sync_report_complete (self);
}
