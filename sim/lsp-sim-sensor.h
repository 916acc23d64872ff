/* lsp-sim-sensor.h — a GLib model of an LSP v1 sensor (the peripheral).
 *
 * Transport-neutral: a transport calls lsp_sim_sensor_read() and
 * lsp_sim_sensor_write() for ATT reads and writes (which return an ATT
 * error code or 0), tells the sensor which characteristics have
 * notifications or indications enabled, and forwards every ::send emission
 * to the central. The same object backs the daemon's in-process simulated
 * link, the BLE peripheral lactd-sim (BlueZ GattManager1) and test peers.
 *
 * All bytes on the wire come from protocol/'s encoder, except what the
 * malformed-packet knobs build on purpose. All timing runs on GLib
 * timeouts of the thread-default main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "lsp.h"

G_BEGIN_DECLS

/* The sensor's characteristics (same order as the daemon's LactdChar). */
typedef enum {
  LSP_SIM_CHAR_FEATURES,
  LSP_SIM_CHAR_LIVE_PROGRESS,
  LSP_SIM_CHAR_SESSION_RECORD,
  LSP_SIM_CHAR_RACP,
  LSP_SIM_CHAR_DEVICE_TIME,
  LSP_SIM_CHAR_BATTERY_LEVEL,
  LSP_SIM_CHAR_MANUFACTURER,
  LSP_SIM_CHAR_MODEL_NUMBER,
  LSP_SIM_CHAR_SERIAL_NUMBER,
  LSP_SIM_CHAR_FIRMWARE_REVISION,
  LSP_SIM_N_CHARS
} LspSimChar;

const char *lsp_sim_char_uuid (LspSimChar ch);
gboolean lsp_sim_char_from_uuid (const char *uuid, LspSimChar *ch_out);

/* ATT error codes the sensor answers with (0 means success). */
#define LSP_SIM_ATT_OK                       0x00
#define LSP_SIM_ATT_READ_NOT_PERMITTED       0x02
#define LSP_SIM_ATT_WRITE_NOT_PERMITTED      0x03
#define LSP_SIM_ATT_INVALID_LENGTH           0x0D
#define LSP_SIM_ATT_VALUE_NOT_ALLOWED        0x13
#define LSP_SIM_ATT_CCCD_IMPROPER            0xFD
#define LSP_SIM_ATT_PROCEDURE_IN_PROGRESS    0xFE

/* Rule breaks the malformed-packet builder can produce, per
 * characteristic; see lsp_sim_malformed_packet(). */
guint lsp_sim_malformed_count (LspSimChar ch);
/* A packet for ch breaking rule `variant` (0 .. count-1). Session Records
 * carry `seq` where their layout still allows it. *expected_out, if set,
 * receives the status a decoder should answer. */
GBytes *lsp_sim_malformed_packet (LspSimChar ch, guint variant, guint32 seq,
                                  gint64 now_utc, lsp_status *expected_out);

/* How a one-shot RACP fault behaves (lsp_sim_sensor_inject_racp_fault). */
typedef enum {
  LSP_SIM_RACP_FAULT_NONE,
  LSP_SIM_RACP_FAULT_RESPONSE,    /* answer 0x06 with the given code */
  LSP_SIM_RACP_FAULT_SILENT,      /* accept the write, never answer */
  LSP_SIM_RACP_FAULT_WRITE_ERROR, /* refuse the write with an ATT error */
} LspSimRacpFault;

/* A live session to run (lsp_sim_sensor_start_session). */
typedef struct {
  lsp_record_kind kind;
  lsp_side side;             /* LSP_SIDE_BOTH with double_sided */
  gboolean double_sided;
  guint duration_s;          /* session time, 1..14400 */
  guint volume_left_tenths;  /* final volumes, or LSP_NOT_MEASURED */
  guint volume_right_tenths;
  guint supplement_tenths;
  guint8 suction;            /* 0..15 or LSP_NOT_APPLICABLE */
} LspSimSession;

#define LSP_SIM_TYPE_SENSOR (lsp_sim_sensor_get_type ())
G_DECLARE_FINAL_TYPE (LspSimSensor, lsp_sim_sensor, LSP_SIM, SENSOR, GObject)

/* Signals:
 *   "send" (guint ch, GBytes *value): a notification or indication for the
 *     central; only emitted while ch has notifications enabled.
 *   "link-lost" (): the sensor dropped the link (stop-after knob, reboot);
 *     the transport goes not-ready.
 *   "delete-requested" (guint upto): a valid RACP delete was accepted;
 *     upto is its operand (G_MAXUINT32 for "all"). Emitted before any
 *     record is removed, so an observer can check what it covers.
 *   "session-started" (guint seq), "session-ended" (guint seq): live
 *     sessions, for scenario drivers and tests.
 */

LspSimSensor *lsp_sim_sensor_new (lsp_sensor_kind kind, guint capacity);
/* Builds a sensor for a named scenario (see lsp_sim_scenario_names()). */
LspSimSensor *lsp_sim_sensor_new_for_scenario (const char *spec,
                                               GError **error);
/* "demo", "session", "backlog[:N]", ... with a line of help each. */
const char *const *lsp_sim_scenario_names (void);
const char *lsp_sim_scenario_help (const char *name);

/* ---------------------------------------------------- ATT entry points */

/* NULL with *att_error set when the read is refused. */
GBytes *lsp_sim_sensor_read (LspSimSensor *self, LspSimChar ch,
                             guint8 *att_error);
/* 0 on success, else an ATT error code (LSP_SIM_ATT_*). */
guint8 lsp_sim_sensor_write (LspSimSensor *self, LspSimChar ch,
                             const guint8 *data, gsize len);
void lsp_sim_sensor_set_notifying (LspSimSensor *self, LspSimChar ch,
                                   gboolean enabled);
gboolean lsp_sim_sensor_get_notifying (LspSimSensor *self, LspSimChar ch);
/* The central went away: a running procedure stops without its 0x06 and
 * every notification is disabled (the next central subscribes again). */
void lsp_sim_sensor_disconnected (LspSimSensor *self);

/* ------------------------------------------------------------- state */

lsp_sensor_kind lsp_sim_sensor_get_kind (LspSimSensor *self);
void lsp_sim_sensor_set_kind (LspSimSensor *self, lsp_sensor_kind kind);
guint32 lsp_sim_sensor_get_epoch (LspSimSensor *self);
guint lsp_sim_sensor_get_capacity (LspSimSensor *self);
guint lsp_sim_sensor_get_n_records (LspSimSensor *self);
/* Lowest and highest stored sequence numbers; FALSE when empty. */
gboolean lsp_sim_sensor_get_seq_range (LspSimSensor *self, guint32 *low,
                                       guint32 *high);
/* The number the next stored record will carry. */
guint32 lsp_sim_sensor_get_next_seq (LspSimSensor *self);
/* Records overwritten because the store was full, since creation. */
guint lsp_sim_sensor_get_overwritten (LspSimSensor *self);
/* Highest operand of an accepted delete (G_MAXUINT32 for "all"), 0 none. */
guint32 lsp_sim_sensor_get_highest_deleted (LspSimSensor *self);
gboolean lsp_sim_sensor_get_procedure_running (LspSimSensor *self);
guint8 lsp_sim_sensor_get_battery (LspSimSensor *self);
/* Device time: the sensor's clock and offset. */
void lsp_sim_sensor_get_device_time (LspSimSensor *self,
                                     lsp_device_time *out);
void lsp_sim_sensor_set_device_time (LspSimSensor *self,
                                     const lsp_device_time *time);
void lsp_sim_sensor_set_device_info (LspSimSensor *self,
                                     const char *manufacturer,
                                     const char *model, const char *serial,
                                     const char *firmware);

/* ------------------------------------------------------------ records */

/* Stores a record (its seq is assigned; start 0 means the device's now),
 * overwriting the oldest when full. Returns the seq. */
guint32 lsp_sim_sensor_add_record (LspSimSensor *self,
                                   const lsp_record *record);
/* Stores raw bytes as the next record (a malformed one, say); the seq is
 * consumed whether or not the bytes carry it. */
guint32 lsp_sim_sensor_add_raw_record (LspSimSensor *self, GBytes *raw);
/* n pump (or SNS feed) records with starts spread over the past `days`. */
void lsp_sim_sensor_add_backlog (LspSimSensor *self, guint n, guint days);
/* The relactation month: ~30 days x 8-10 sessions, volumes rising from a
 * few drops to 20-40 mL a side (pump sensor), or SNS supplement falling
 * from ~60 mL to ~15 mL a feed (SNS sensor). */
void lsp_sim_sensor_add_relactation_month (LspSimSensor *self, guint days);
/* Erases every record and picks a new epoch; numbering restarts at 1. */
void lsp_sim_sensor_reset_epoch (LspSimSensor *self);

/* ------------------------------------------------------- live sessions */

/* Starts a live session (replacing nothing: FALSE if one runs). Live
 * Progress goes out every 1000/speed ms for each session second, then one
 * packet with active clear, then the record is stored. */
gboolean lsp_sim_sensor_start_session (LspSimSensor *self,
                                       const LspSimSession *session);
gboolean lsp_sim_sensor_get_session_running (LspSimSensor *self);
/* Time scale of live sessions (default 1.0). */
void lsp_sim_sensor_set_speed (LspSimSensor *self, double speed);
/* Repeats sessions like the given one, pausing pause_ms between them. */
void lsp_sim_sensor_repeat_sessions (LspSimSensor *self,
                                     const LspSimSession *session,
                                     guint first_delay_ms, guint pause_ms);

/* ------------------------------------------------- knobs for scenarios */

/* Delay between record notifications of a report (0: bursts on idle). */
void lsp_sim_sensor_set_record_delay (LspSimSensor *self, guint delay_ms);
/* Reports send their records in a shuffled order. */
void lsp_sim_sensor_set_reorder (LspSimSensor *self, gboolean reorder);
/* The last n records of each report go out after its 0x06, delay_ms
 * apart (the first delay_ms after the 0x06). */
void lsp_sim_sensor_set_stragglers (LspSimSensor *self, guint n,
                                    guint delay_ms);
/* The stragglers are the first n records of each report (the lowest
 * numbers, unless reordered) instead of the last. */
void lsp_sim_sensor_set_stragglers_lowest (LspSimSensor *self,
                                           gboolean lowest);
/* One shot: the next report that holds record seq does not send it, as if
 * the notification were lost on the way (the count still includes it). */
void lsp_sim_sensor_lose_in_transit (LspSimSensor *self, guint32 seq);
/* One shot: the next report stops after k records and the link drops. */
void lsp_sim_sensor_stop_after (LspSimSensor *self, guint k);
/* One shot: the next RACP write with this opcode (0 = any) fails so. */
void lsp_sim_sensor_inject_racp_fault (LspSimSensor *self, guint8 opcode,
                                       LspSimRacpFault fault, guint8 code);
/* Sends raw bytes on ch as a notification/indication (if enabled). */
void lsp_sim_sensor_send_raw (LspSimSensor *self, LspSimChar ch,
                              GBytes *value);
/* Sets the battery level and notifies it. */
void lsp_sim_sensor_set_battery (LspSimSensor *self, guint8 percent);
/* Simulates a reboot: the procedure stops, the link drops. */
void lsp_sim_sensor_reboot (LspSimSensor *self);
/* Seeds the generator behind backlogs, reordering and scenarios. */
void lsp_sim_sensor_set_seed (LspSimSensor *self, guint32 seed);

G_END_DECLS
