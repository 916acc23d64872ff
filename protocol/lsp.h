/* lsp.h — Lactation Sensor Profile (LSP) version 1: decoder and encoder.
 *
 * Pure C11: no allocation, no I/O, no global state. A sensor firmware can
 * include this header as is; the daemon, the simulator and the fuzzers
 * share it. docs/protocol.md restates the wire contract this implements.
 *
 * Every decoder checks the exact length and every rule of the contract and
 * returns a distinct lsp_status for each broken rule; it never reads past
 * the buffer. Every encoder refuses (with the same status) what the
 * decoder would reject, so decode(encode(x)) == x for every valid,
 * normalised x (see "Normalised values" below).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef LSP_H
#define LSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- UUIDs */

#define LSP_UUID_SERVICE        "f4680001-3aa1-4859-ac7b-48a5f3f7ceae"
#define LSP_UUID_LIVE_PROGRESS  "f4680002-3aa1-4859-ac7b-48a5f3f7ceae"
#define LSP_UUID_SESSION_RECORD "f4680003-3aa1-4859-ac7b-48a5f3f7ceae"
#define LSP_UUID_RACP           "f4680004-3aa1-4859-ac7b-48a5f3f7ceae"
#define LSP_UUID_DEVICE_TIME    "f4680005-3aa1-4859-ac7b-48a5f3f7ceae"
#define LSP_UUID_FEATURES       "f4680006-3aa1-4859-ac7b-48a5f3f7ceae"

#define LSP_UUID_BATTERY_SERVICE "0000180f-0000-1000-8000-00805f9b34fb"
#define LSP_UUID_BATTERY_LEVEL   "00002a19-0000-1000-8000-00805f9b34fb"
#define LSP_UUID_DEVICE_INFO     "0000180a-0000-1000-8000-00805f9b34fb"
#define LSP_UUID_MANUFACTURER    "00002a29-0000-1000-8000-00805f9b34fb"
#define LSP_UUID_MODEL_NUMBER    "00002a24-0000-1000-8000-00805f9b34fb"
#define LSP_UUID_SERIAL_NUMBER   "00002a25-0000-1000-8000-00805f9b34fb"
#define LSP_UUID_FIRMWARE_REV    "00002a26-0000-1000-8000-00805f9b34fb"

/* ------------------------------------------------------------ constants */

#define LSP_PROTOCOL_VERSION 1

#define LSP_FEATURES_LEN      10
#define LSP_LIVE_LEN          15
#define LSP_RECORD_LEN        20
#define LSP_DEVICE_TIME_LEN    5
#define LSP_BATTERY_LEN        1
#define LSP_RACP_REQUEST_MAX_LEN 7   /* opcode, operator, filter, u32 */
#define LSP_RACP_COUNT_LEN     6     /* 0x05, 0x00, u32 count */
#define LSP_RACP_RESPONSE_LEN  4     /* 0x06, 0x00, request opcode, code */
#define LSP_RACP_INDICATION_MAX_LEN 6

#define LSP_NOT_MEASURED      0xFFFFu  /* volume field: not measured */
#define LSP_NOT_APPLICABLE    0xFFu    /* suction field: not applicable */
#define LSP_BATTERY_UNKNOWN   0xFFu    /* live battery field: unknown */
#define LSP_UTC_OFFSET_UNKNOWN (-128)  /* record / device time offset */

#define LSP_MAX_SECONDS       14400u   /* 4 h: elapsed and per-side time */
#define LSP_MAX_VOLUME_TENTHS 10000u   /* 1000.0 mL in 0.1 mL units */
#define LSP_MAX_SUCTION       15u
#define LSP_MAX_BATTERY       100u
#define LSP_UTC_OFFSET_MIN    (-48)    /* -12:00 in 15-minute units */
#define LSP_UTC_OFFSET_MAX    56       /* +14:00 in 15-minute units */
#define LSP_MIN_START_UTC     1577836800LL /* 2020-01-01T00:00:00Z */
#define LSP_MAX_START_AHEAD_S 86400LL  /* a start may be at most 1 day ahead */
/* What erased flash reads as: a record carrying it is unreadable. */
#define LSP_RECORD_SEQ_ERASED 0xFFFFFFFFu
/* More numbers missing below a report than any sensor could have held
 * (lsp-v1 sync step 4): a sensor fault, never a loss. */
#define LSP_SYNC_MAX_GAP      100000u

/* Sensor Features capability bits. */
#define LSP_CAP_VOLUME_PER_SIDE   (1u << 0)
#define LSP_CAP_DURATION_PER_SIDE (1u << 1)
#define LSP_CAP_SUPPLEMENT_VOLUME (1u << 2)
#define LSP_CAP_SUCTION_LEVEL     (1u << 3)
#define LSP_CAP_PHASE             (1u << 4)
#define LSP_CAP_DEVICE_TIME       (1u << 5)
#define LSP_CAP_BATTERY_SERVICE   (1u << 6)
#define LSP_CAP_ALL               0x007Fu

/* --------------------------------------------------------------- status */

/* One code per broken rule. Values are stable: they are stored with
 * rejected records, so never renumber; only append. */
typedef enum {
  LSP_OK = 0,
  LSP_ERR_NULL_ARGUMENT = 1,

  /* Sensor Features */
  LSP_ERR_FEATURES_LENGTH = 10,
  LSP_ERR_FEATURES_VERSION,          /* protocol version is not 1 */
  LSP_ERR_FEATURES_KIND,             /* sensor kind not 1 or 2 */
  LSP_ERR_FEATURES_RESERVED_CAPS,    /* capability bits 7-15 set */

  /* Live Progress */
  LSP_ERR_LIVE_LENGTH = 20,
  LSP_ERR_LIVE_RESERVED_FLAGS,       /* flag bits 5-7 set */
  LSP_ERR_LIVE_SEQ,                  /* sequence number 0 */
  LSP_ERR_LIVE_ELAPSED,              /* elapsed > 14400 s */
  LSP_ERR_LIVE_VOLUME_LEFT,          /* > 10000 and not 0xFFFF */
  LSP_ERR_LIVE_VOLUME_RIGHT,
  LSP_ERR_LIVE_SUPPLEMENT,
  LSP_ERR_LIVE_SUCTION,              /* 16..254 */
  LSP_ERR_LIVE_BATTERY,              /* 101..254 */

  /* Session Record */
  LSP_ERR_RECORD_LENGTH = 40,
  LSP_ERR_RECORD_SEQ,                /* sequence number 0 */
  LSP_ERR_RECORD_START_TOO_EARLY,    /* before 2020-01-01, clock synced */
  LSP_ERR_RECORD_START_IN_FUTURE,    /* > now + 1 day, clock synced */
  LSP_ERR_RECORD_UTC_OFFSET,         /* outside -48..56 and not -128 */
  LSP_ERR_RECORD_KIND,               /* kind 3 */
  LSP_ERR_RECORD_RESERVED_FLAGS,     /* flag bits 5-7 set */
  LSP_ERR_RECORD_DURATION_LEFT,      /* > 14400 s */
  LSP_ERR_RECORD_DURATION_RIGHT,
  LSP_ERR_RECORD_VOLUME_LEFT,        /* > 10000 and not 0xFFFF */
  LSP_ERR_RECORD_VOLUME_RIGHT,
  LSP_ERR_RECORD_SUPPLEMENT,
  LSP_ERR_RECORD_SEQ_ERASED,         /* 0xFFFFFFFF: erased flash */

  /* RACP request (sensor side decodes these) */
  LSP_ERR_RACP_LENGTH = 60,          /* fewer than 2 bytes */
  LSP_ERR_RACP_OPCODE,               /* opcode not 0x01-0x04 */
  LSP_ERR_RACP_OPERATOR_INVALID,     /* undefined operator value */
  LSP_ERR_RACP_OPERATOR_UNSUPPORTED, /* defined operator the opcode refuses */
  LSP_ERR_RACP_FILTER,               /* filter type other than 0x01 */
  LSP_ERR_RACP_OPERAND,              /* missing, extra or short operand */

  /* RACP indications (daemon side decodes these) */
  LSP_ERR_INDICATION_LENGTH = 80,    /* wrong length for its opcode */
  LSP_ERR_INDICATION_OPCODE,         /* first byte not 0x05 or 0x06 */
  LSP_ERR_INDICATION_OPERATOR,       /* operator byte not 0x00 */
  LSP_ERR_INDICATION_RESPONSE_CODE,  /* response code not 0x01-0x09 */

  /* Device Time */
  LSP_ERR_TIME_LENGTH = 90,
  LSP_ERR_TIME_UTC_OFFSET,           /* outside -48..56 and not -128 */

  /* Battery Level */
  LSP_ERR_BATTERY_LENGTH = 100,
  LSP_ERR_BATTERY_RANGE,             /* > 100 */
} lsp_status;

/* A sentence saying what was wrong, e.g. "session record: kind 3 is
 * invalid". Never NULL; unknown codes give "unknown status". */
const char *lsp_status_message (lsp_status status);
/* The enumerator's name without the prefix, e.g. "RECORD_KIND". */
const char *lsp_status_name (lsp_status status);

/* ----------------------------------------------------------- values */

/* A volume in 0.1 mL. When measured is false, tenths is 0 and the volume
 * must never be summed: it is unknown, not zero. */
typedef struct {
  bool measured;
  uint16_t tenths;   /* 0..10000 when measured */
} lsp_volume;

typedef enum {
  LSP_SENSOR_KIND_PUMP = 1,
  LSP_SENSOR_KIND_SNS = 2,
} lsp_sensor_kind;

typedef struct {
  uint8_t protocol_version;   /* always 1 */
  lsp_sensor_kind kind;
  uint16_t capabilities;      /* LSP_CAP_* */
  uint32_t record_epoch;
  uint16_t capacity;          /* stored-record capacity */
} lsp_features;

typedef enum {
  LSP_SIDE_NONE = 0,
  LSP_SIDE_LEFT = 1,
  LSP_SIDE_RIGHT = 2,
  LSP_SIDE_BOTH = 3,
} lsp_side;

typedef enum {
  LSP_PHASE_IDLE = 0,
  LSP_PHASE_STIMULATION = 1,
  LSP_PHASE_EXPRESSION = 2,
  LSP_PHASE_PAUSED = 3,
} lsp_phase;

typedef struct {
  lsp_side side;
  lsp_phase phase;
  bool active;
  uint32_t seq;               /* >= 1 */
  uint16_t elapsed_s;         /* <= 14400 */
  lsp_volume volume_left;
  lsp_volume volume_right;
  lsp_volume supplement;
  bool has_suction;
  uint8_t suction;            /* 0..15 when has_suction, else 0 */
  bool has_battery;
  uint8_t battery_percent;    /* 0..100 when has_battery, else 0 */
} lsp_live;

typedef enum {
  LSP_RECORD_KIND_PUMP = 0,
  LSP_RECORD_KIND_SNS = 1,
  LSP_RECORD_KIND_HAND = 2,
} lsp_record_kind;

typedef struct {
  uint32_t seq;               /* >= 1 */
  uint32_t start_utc;         /* seconds since 1970-01-01 UTC */
  bool utc_offset_known;
  int8_t utc_offset_quarters; /* -48..56 when known, else 0 */
  lsp_record_kind kind;
  bool interrupted;
  bool clock_unsynced;
  bool double_sided;          /* both sides at once */
  uint16_t seconds_left;      /* <= 14400 */
  uint16_t seconds_right;     /* <= 14400 */
  lsp_volume volume_left;
  lsp_volume volume_right;
  lsp_volume supplement;
} lsp_record;

typedef enum {
  LSP_RACP_REPORT = 0x01,
  LSP_RACP_DELETE = 0x02,
  LSP_RACP_ABORT = 0x03,
  LSP_RACP_REPORT_COUNT = 0x04,
} lsp_racp_opcode;

typedef enum {
  LSP_RACP_OP_NULL = 0x00,
  LSP_RACP_OP_ALL = 0x01,
  LSP_RACP_OP_LESS_EQUAL = 0x02,
  LSP_RACP_OP_GREATER_EQUAL = 0x03,
} lsp_racp_operator;

#define LSP_RACP_FILTER_SEQ 0x01

typedef struct {
  lsp_racp_opcode opcode;
  lsp_racp_operator op;
  uint32_t seq;               /* operand for <= and >=, else 0 */
} lsp_racp_request;

typedef enum {
  LSP_RACP_RSP_SUCCESS = 0x01,
  LSP_RACP_RSP_OPCODE_NOT_SUPPORTED = 0x02,
  LSP_RACP_RSP_INVALID_OPERATOR = 0x03,
  LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED = 0x04,
  LSP_RACP_RSP_INVALID_OPERAND = 0x05,
  LSP_RACP_RSP_NO_RECORDS = 0x06,
  LSP_RACP_RSP_ABORT_UNSUCCESSFUL = 0x07,
  LSP_RACP_RSP_NOT_COMPLETED = 0x08,
  LSP_RACP_RSP_OPERAND_NOT_SUPPORTED = 0x09,
} lsp_racp_response_code;

#define LSP_RACP_IND_COUNT    0x05
#define LSP_RACP_IND_RESPONSE 0x06

typedef struct {
  uint8_t type;               /* LSP_RACP_IND_COUNT or LSP_RACP_IND_RESPONSE */
  uint32_t count;             /* type COUNT, else 0 */
  uint8_t request_opcode;     /* type RESPONSE, else 0 (any byte echoed) */
  lsp_racp_response_code response; /* type RESPONSE, else 0 */
} lsp_racp_indication;

typedef struct {
  uint32_t utc;               /* seconds since 1970-01-01 UTC (any value) */
  bool utc_offset_known;
  int8_t utc_offset_quarters; /* -48..56 when known, else 0 */
} lsp_device_time;

/* ------------------------------------------------------------ decoding */

lsp_status lsp_features_decode (const uint8_t *buf, size_t len,
                                lsp_features *out);
lsp_status lsp_live_decode (const uint8_t *buf, size_t len, lsp_live *out);
/* now_utc: the host's clock, for the start-time window. */
lsp_status lsp_record_decode (const uint8_t *buf, size_t len,
                              int64_t now_utc, lsp_record *out);
lsp_status lsp_racp_request_decode (const uint8_t *buf, size_t len,
                                    lsp_racp_request *out);
lsp_status lsp_racp_indication_decode (const uint8_t *buf, size_t len,
                                       lsp_racp_indication *out);
lsp_status lsp_device_time_decode (const uint8_t *buf, size_t len,
                                   lsp_device_time *out);
lsp_status lsp_battery_decode (const uint8_t *buf, size_t len,
                               uint8_t *percent_out);

/* For a record that failed to decode: its sequence number, when at least
 * 4 bytes are present and the number is >= 1 and not 0xFFFFFFFF (erased
 * flash) (lsp-v1 sync steps 4 and 7). */
bool lsp_record_peek_seq (const uint8_t *buf, size_t len, uint32_t *seq_out);

/* The RACP response code a sensor answers for a request that failed to
 * decode with this status (LSP_RACP_RSP_SUCCESS for LSP_OK). */
lsp_racp_response_code lsp_racp_response_for_status (lsp_status status);

/* ------------------------------------------------------------ encoding */

/* Encoders validate first and write nothing on failure. */
lsp_status lsp_features_encode (const lsp_features *in,
                                uint8_t out[LSP_FEATURES_LEN]);
lsp_status lsp_live_encode (const lsp_live *in, uint8_t out[LSP_LIVE_LEN]);
lsp_status lsp_record_encode (const lsp_record *in, int64_t now_utc,
                              uint8_t out[LSP_RECORD_LEN]);
/* Writes 2 bytes (ALL/NULL operators) or 7 bytes (<=, >=). */
lsp_status lsp_racp_request_encode (const lsp_racp_request *in,
                                    uint8_t out[LSP_RACP_REQUEST_MAX_LEN],
                                    size_t *len_out);
/* Writes 6 bytes (COUNT) or 4 bytes (RESPONSE). */
lsp_status lsp_racp_indication_encode (const lsp_racp_indication *in,
                                       uint8_t out[LSP_RACP_INDICATION_MAX_LEN],
                                       size_t *len_out);
lsp_status lsp_device_time_encode (const lsp_device_time *in,
                                   uint8_t out[LSP_DEVICE_TIME_LEN]);
lsp_status lsp_battery_encode (uint8_t percent, uint8_t out[LSP_BATTERY_LEN]);

/* ------------------------------------------------------------- helpers */

/* A session lasts max(left, right) when double-sided, else left + right. */
uint32_t lsp_record_duration_s (const lsp_record *record);
/* The record's UTC offset in minutes, or fallback_minutes when unknown. */
int32_t lsp_record_utc_offset_minutes (const lsp_record *record,
                                       int32_t fallback_minutes);

/* Normalised values: a decoder sets unused companions to 0 (tenths of an
 * unmeasured volume, suction without has_suction, battery without
 * has_battery, utc_offset_quarters when unknown, seq of an ALL request).
 * Encoders ignore those companions. */

/* Outputs: a decoder writes *out only when it returns LSP_OK; an encoder
 * writes nothing (neither bytes nor *len_out) unless it returns LSP_OK.
 * Checks run in the packet's byte order after the length, so the status
 * names the first broken rule (docs/protocol.md lists the order). */

#ifdef __cplusplus
}
#endif

#endif /* LSP_H */
