/* lsp-sim-racp.c — the simulated sensor's Record Access Control Point:
 * one procedure at a time, reports (optionally slow, shuffled, with
 * stragglers past the 0x06 or a dropped link), counts, deletes, aborts
 * and injected faults, exactly as lsp-v1 describes them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lactd-sim"

#include "lsp-sim-private.h"

#include <string.h>

/* Records of a report sent per main-loop dispatch when there is no delay:
 * enough for throughput, small enough to keep the loop responsive. */
#define BURST_RECORDS 64

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

/* ------------------------------------------------------- RACP machine */

void
lsp_sim_racp_stop (LspSimSensor *self)
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
    lsp_sim_sensor_send_value (self, LSP_SIM_CHAR_SESSION_RECORD, value);
  return self->straggler_source != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Sends the procedure's final indication and ends it. */
static void
procedure_finish (LspSimSensor *self)
{
  g_autoptr(GBytes) final = g_steal_pointer (&self->final_indication);

  self->procedure_source = 0;  /* the caller's source is ending */
  lsp_sim_racp_stop (self);
  if (final != NULL)
    lsp_sim_sensor_send_value (self, LSP_SIM_CHAR_RACP, final);
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
      lsp_sim_sensor_send_value (self, LSP_SIM_CHAR_SESSION_RECORD, value);
      if (generation != self->procedure_generation)
        return G_SOURCE_REMOVE;   /* ended from a signal handler */
      if (self->stop_after > 0 && self->report_pos >= self->stop_after)
        {
          g_message ("dropping the link after %u records of the report",
                     self->report_pos);
          self->stop_after = 0;
          self->procedure_source = 0;
          lsp_sim_racp_stop (self);
          lsp_sim_sensor_emit (self, LSP_SIM_SIGNAL_LINK_LOST, 0);
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

      if (request->op != LSP_RACP_OP_ALL && record->seq < request->seq)
        continue;
      if (record->seq == self->lose_seq)
        {
          g_debug ("report: record %u lost in transit", record->seq);
          self->lose_seq = 0;
          continue;
        }
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
  if (self->stragglers_lowest)
    {
      for (guint i = 0; i < n_late; i++)
        g_queue_push_tail (&self->stragglers, g_bytes_ref (queue->pdata[i]));
      g_ptr_array_remove_range (queue, 0, n_late);
    }
  else
    {
      for (guint i = queue->len - n_late; i < queue->len; i++)
        g_queue_push_tail (&self->stragglers, g_bytes_ref (queue->pdata[i]));
      g_ptr_array_set_size (queue, queue->len - n_late);
    }

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

  lsp_sim_sensor_emit (self, LSP_SIM_SIGNAL_DELETE_REQUESTED, (guint) upto);
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
      lsp_sim_sensor_send_value (self, LSP_SIM_CHAR_RACP, value);
      g_bytes_unref (value);
    }
  return G_SOURCE_REMOVE;
}

guint8
lsp_sim_racp_write (LspSimSensor *self, const guint8 *data, gsize len)
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
      lsp_sim_racp_stop (self);
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
lsp_sim_racp_clear (LspSimSensor *self)
{
  lsp_sim_racp_stop (self);
  g_queue_clear_full (&self->deferred, (GDestroyNotify) g_bytes_unref);
  g_clear_handle_id (&self->deferred_source, g_source_remove);
  g_queue_clear_full (&self->stragglers, (GDestroyNotify) g_bytes_unref);
  g_clear_handle_id (&self->straggler_source, g_source_remove);
}

void
lsp_sim_sensor_disconnected (LspSimSensor *self)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  if (self->procedure_running)
    g_debug ("central gone: procedure stopped");
  lsp_sim_racp_clear (self);
  memset (self->notifying, 0, sizeof self->notifying);
}

void
lsp_sim_sensor_reboot (LspSimSensor *self)
{
  g_return_if_fail (LSP_SIM_IS_SENSOR (self));
  lsp_sim_racp_stop (self);
  lsp_sim_sensor_emit (self, LSP_SIM_SIGNAL_LINK_LOST, 0);
}
