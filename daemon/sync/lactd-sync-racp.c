/* lactd-sync-racp.c — sync steps 2 and 4: the RACP procedures (count,
 * report, delete, abort) with their timeouts, the straggler wait, and
 * step 4's decision: which run of committed numbers may be acknowledged,
 * what the sensor lost, and whether it is at fault.
 *
 * The rule everything here serves: the sensor is only ever told to delete
 * numbers that are durably committed, and never a number not yet seen. A
 * report that handled fewer than the N the sensor counted acknowledges
 * only the run from last+1 and syncs again later: what is missing is late
 * or lost in transit, not lost on the sensor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sync"

#include "lactd-sync-private.h"

#include <time.h>

/* The process's CPU time (every thread), µs: for the debug line that says
 * what a report cost. */
static gint64
process_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
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
  lactd_sync_report_complete (self);
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

/* Step 4: commit, decide, then acknowledge with a delete. Most of the
 * report was committed while it arrived; what is left is one batch. */
void
lactd_sync_report_complete (LactdSync *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->straggler_timeout, g_source_remove);
  g_clear_handle_id (&self->procedure_timeout, g_source_remove);
  if (self->received > 0)
    g_debug ("%s: report over: %u record packets in %" G_GINT64_FORMAT
             " ms (CPU %" G_GINT64_FORMAT " ms), the last %" G_GINT64_FORMAT
             " ms ago; %u records left to commit, %u sessions to announce",
             self->address, self->received,
             (g_get_monotonic_time () - self->report_time) / 1000,
             (process_cpu_us () - self->report_cpu) / 1000,
             (g_get_monotonic_time () - self->last_record_time) / 1000,
             self->pending->len, self->unannounced->len);
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
  /* Below the delete's own traffic: it goes out first. */
  lactd_sync_schedule_announce (self);
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
              return;
            }
          self->report_time = g_get_monotonic_time ();
          self->report_cpu = process_cpu_us ();
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
          if (lactd_sync_report_arrived (self))
            lactd_sync_report_complete (self);
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
