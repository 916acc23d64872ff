/* lsp-sim-private.h — what lsp-sim-sensor.c and lsp-sim-scenario.c share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lsp-sim-sensor.h"

G_BEGIN_DECLS

/* The sensor's seeded generator (backlogs, shuffles, scenarios). */
GRand *lsp_sim_sensor_get_rand (LspSimSensor *self);
/* The device clock now, in UTC seconds. */
gint64 lsp_sim_sensor_device_now (LspSimSensor *self);
/* Ties a GSource id to the sensor: removed when the sensor goes away. */
void lsp_sim_sensor_own_source (LspSimSensor *self, guint source_id);

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
  gboolean stragglers_lowest; /* hold back the first records, not the last */
  guint32 lose_seq;           /* one shot: never sent in the next report */
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


typedef enum {
  LSP_SIM_SIGNAL_SEND,
  LSP_SIM_SIGNAL_LINK_LOST,
  LSP_SIM_SIGNAL_DELETE_REQUESTED,
  LSP_SIM_SIGNAL_SESSION_STARTED,
  LSP_SIM_SIGNAL_SESSION_ENDED,
  LSP_SIM_N_SIGNALS
} LspSimSignal;

/* lsp-sim-sensor.c */
void lsp_sim_sensor_emit (LspSimSensor *self, LspSimSignal signal, guint arg);
/* Sends when notifications are enabled on ch, else drops. */
void lsp_sim_sensor_send_value (LspSimSensor *self, LspSimChar ch,
                                GBytes *value);
void lsp_sim_sensor_send_data (LspSimSensor *self, LspSimChar ch,
                               const guint8 *data, gsize len);
/* Keeps ascending order; overwrites the oldest when full. */
void lsp_sim_sensor_insert_record (LspSimSensor *self, guint32 seq,
                                   GBytes *raw);

/* lsp-sim-racp.c */
guint8 lsp_sim_racp_write (LspSimSensor *self, const guint8 *data, gsize len);
/* Ends the running procedure without its 0x06. */
void lsp_sim_racp_stop (LspSimSensor *self);
/* And drops stragglers and pending indications. */
void lsp_sim_racp_clear (LspSimSensor *self);

G_END_DECLS
