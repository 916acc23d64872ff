/* lsp.c — Lactation Sensor Profile (LSP) version 1: decoder and encoder.
 *
 * Pure C11: no allocation, no I/O, no state beyond const tables. Every
 * multi-byte field is read and written byte by byte (little-endian), so
 * the code is independent of host byte order and alignment.
 *
 * Checks run in the order of the fields in the packet, so the status
 * names the first broken rule in byte order; the length is always checked
 * first. Decoders write *out only on success; encoders write nothing on
 * failure. docs/protocol.md restates the wire contract.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lsp.h"

/* ------------------------------------------------------ byte helpers */

static uint16_t
get_u16 (const uint8_t *p)
{
  return (uint16_t) ((uint16_t) p[0] | (uint16_t) ((uint16_t) p[1] << 8));
}

static uint32_t
get_u32 (const uint8_t *p)
{
  return (uint32_t) p[0] | ((uint32_t) p[1] << 8) |
         ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static int
get_i8 (uint8_t b)
{
  /* Two's complement by arithmetic, not by an implementation-defined
   * conversion. */
  return b < 0x80 ? (int) b : (int) b - 256;
}

static void
put_u16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t) (v & 0xFFu);
  p[1] = (uint8_t) (v >> 8);
}

static void
put_u32 (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t) (v & 0xFFu);
  p[1] = (uint8_t) ((v >> 8) & 0xFFu);
  p[2] = (uint8_t) ((v >> 16) & 0xFFu);
  p[3] = (uint8_t) (v >> 24);
}

static uint8_t
put_i8 (int v)
{
  return (uint8_t) (v < 0 ? v + 256 : v);
}

/* ------------------------------------------------------ field rules */

static bool
raw_volume_ok (uint16_t raw)
{
  return raw <= LSP_MAX_VOLUME_TENTHS || raw == LSP_NOT_MEASURED;
}

static lsp_volume
volume_from_raw (uint16_t raw)
{
  lsp_volume v;

  v.measured = raw != LSP_NOT_MEASURED;
  v.tenths = v.measured ? raw : 0;
  return v;
}

static bool
volume_ok (const lsp_volume *v)
{
  return !v->measured || v->tenths <= LSP_MAX_VOLUME_TENTHS;
}

static uint16_t
volume_to_raw (const lsp_volume *v)
{
  return v->measured ? v->tenths : (uint16_t) LSP_NOT_MEASURED;
}

static bool
utc_offset_ok (int quarters)
{
  return quarters == LSP_UTC_OFFSET_UNKNOWN ||
         (quarters >= LSP_UTC_OFFSET_MIN && quarters <= LSP_UTC_OFFSET_MAX);
}

/* The encoders take a known flag and a value; a known value must be in
 * range (a known -128 would decode as unknown, so it is refused too). */
static bool
known_utc_offset_ok (bool known, int quarters)
{
  return !known ||
         (quarters >= LSP_UTC_OFFSET_MIN && quarters <= LSP_UTC_OFFSET_MAX);
}

/* Start-time window of a Session Record. start is a u32, so
 * start - 86400 cannot overflow an int64 whatever now_utc is. */
static lsp_status
record_start_check (uint32_t start, bool clock_unsynced, int64_t now_utc)
{
  if (clock_unsynced)
    return LSP_OK;
  if ((int64_t) start < LSP_MIN_START_UTC)
    return LSP_ERR_RECORD_START_TOO_EARLY;
  if ((int64_t) start - LSP_MAX_START_AHEAD_S > now_utc)
    return LSP_ERR_RECORD_START_IN_FUTURE;
  return LSP_OK;
}

/* ------------------------------------------------------ Sensor Features */

#define FEATURES_RESERVED_CAPS 0xFF80u

lsp_status
lsp_features_decode (const uint8_t *buf, size_t len, lsp_features *out)
{
  uint16_t caps;

  if (buf == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (len != LSP_FEATURES_LEN)
    return LSP_ERR_FEATURES_LENGTH;
  if (buf[0] != LSP_PROTOCOL_VERSION)
    return LSP_ERR_FEATURES_VERSION;
  if (buf[1] != LSP_SENSOR_KIND_PUMP && buf[1] != LSP_SENSOR_KIND_SNS)
    return LSP_ERR_FEATURES_KIND;
  caps = get_u16 (buf + 2);
  if ((caps & FEATURES_RESERVED_CAPS) != 0)
    return LSP_ERR_FEATURES_RESERVED_CAPS;

  out->protocol_version = buf[0];
  out->kind = (lsp_sensor_kind) buf[1];
  out->capabilities = caps;
  out->record_epoch = get_u32 (buf + 4);
  out->capacity = get_u16 (buf + 8);
  return LSP_OK;
}

lsp_status
lsp_features_encode (const lsp_features *in, uint8_t out[LSP_FEATURES_LEN])
{
  if (in == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (in->protocol_version != LSP_PROTOCOL_VERSION)
    return LSP_ERR_FEATURES_VERSION;
  if ((unsigned) in->kind != LSP_SENSOR_KIND_PUMP &&
      (unsigned) in->kind != LSP_SENSOR_KIND_SNS)
    return LSP_ERR_FEATURES_KIND;
  if ((in->capabilities & FEATURES_RESERVED_CAPS) != 0)
    return LSP_ERR_FEATURES_RESERVED_CAPS;

  out[0] = LSP_PROTOCOL_VERSION;
  out[1] = (uint8_t) in->kind;
  put_u16 (out + 2, in->capabilities);
  put_u32 (out + 4, in->record_epoch);
  put_u16 (out + 8, in->capacity);
  return LSP_OK;
}

/* ------------------------------------------------------ Live Progress */

#define LIVE_SIDE_MASK       0x03u
#define LIVE_PHASE_SHIFT     2
#define LIVE_PHASE_MASK      0x0Cu
#define LIVE_ACTIVE          0x10u
#define LIVE_RESERVED_FLAGS  0xE0u

lsp_status
lsp_live_decode (const uint8_t *buf, size_t len, lsp_live *out)
{
  uint8_t flags;
  uint32_t seq;
  uint16_t elapsed, vol_left, vol_right, supplement;
  uint8_t suction, battery;

  if (buf == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (len != LSP_LIVE_LEN)
    return LSP_ERR_LIVE_LENGTH;

  flags = buf[0];
  if ((flags & LIVE_RESERVED_FLAGS) != 0)
    return LSP_ERR_LIVE_RESERVED_FLAGS;
  seq = get_u32 (buf + 1);
  if (seq == 0)
    return LSP_ERR_LIVE_SEQ;
  elapsed = get_u16 (buf + 5);
  if (elapsed > LSP_MAX_SECONDS)
    return LSP_ERR_LIVE_ELAPSED;
  vol_left = get_u16 (buf + 7);
  if (!raw_volume_ok (vol_left))
    return LSP_ERR_LIVE_VOLUME_LEFT;
  vol_right = get_u16 (buf + 9);
  if (!raw_volume_ok (vol_right))
    return LSP_ERR_LIVE_VOLUME_RIGHT;
  supplement = get_u16 (buf + 11);
  if (!raw_volume_ok (supplement))
    return LSP_ERR_LIVE_SUPPLEMENT;
  suction = buf[13];
  if (suction > LSP_MAX_SUCTION && suction != LSP_NOT_APPLICABLE)
    return LSP_ERR_LIVE_SUCTION;
  battery = buf[14];
  if (battery > LSP_MAX_BATTERY && battery != LSP_BATTERY_UNKNOWN)
    return LSP_ERR_LIVE_BATTERY;

  out->side = (lsp_side) (flags & LIVE_SIDE_MASK);
  out->phase = (lsp_phase) ((flags & LIVE_PHASE_MASK) >> LIVE_PHASE_SHIFT);
  out->active = (flags & LIVE_ACTIVE) != 0;
  out->seq = seq;
  out->elapsed_s = elapsed;
  out->volume_left = volume_from_raw (vol_left);
  out->volume_right = volume_from_raw (vol_right);
  out->supplement = volume_from_raw (supplement);
  out->has_suction = suction != LSP_NOT_APPLICABLE;
  out->suction = out->has_suction ? suction : 0;
  out->has_battery = battery != LSP_BATTERY_UNKNOWN;
  out->battery_percent = out->has_battery ? battery : 0;
  return LSP_OK;
}

lsp_status
lsp_live_encode (const lsp_live *in, uint8_t out[LSP_LIVE_LEN])
{
  if (in == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  /* Side and phase outside 0..3 would spill into other flag bits. */
  if ((unsigned) in->side > LSP_SIDE_BOTH ||
      (unsigned) in->phase > LSP_PHASE_PAUSED)
    return LSP_ERR_LIVE_RESERVED_FLAGS;
  if (in->seq == 0)
    return LSP_ERR_LIVE_SEQ;
  if (in->elapsed_s > LSP_MAX_SECONDS)
    return LSP_ERR_LIVE_ELAPSED;
  if (!volume_ok (&in->volume_left))
    return LSP_ERR_LIVE_VOLUME_LEFT;
  if (!volume_ok (&in->volume_right))
    return LSP_ERR_LIVE_VOLUME_RIGHT;
  if (!volume_ok (&in->supplement))
    return LSP_ERR_LIVE_SUPPLEMENT;
  if (in->has_suction && in->suction > LSP_MAX_SUCTION)
    return LSP_ERR_LIVE_SUCTION;
  if (in->has_battery && in->battery_percent > LSP_MAX_BATTERY)
    return LSP_ERR_LIVE_BATTERY;

  out[0] = (uint8_t) ((unsigned) in->side |
                      ((unsigned) in->phase << LIVE_PHASE_SHIFT) |
                      (in->active ? LIVE_ACTIVE : 0u));
  put_u32 (out + 1, in->seq);
  put_u16 (out + 5, in->elapsed_s);
  put_u16 (out + 7, volume_to_raw (&in->volume_left));
  put_u16 (out + 9, volume_to_raw (&in->volume_right));
  put_u16 (out + 11, volume_to_raw (&in->supplement));
  out[13] = in->has_suction ? in->suction : (uint8_t) LSP_NOT_APPLICABLE;
  out[14] = in->has_battery ? in->battery_percent
                            : (uint8_t) LSP_BATTERY_UNKNOWN;
  return LSP_OK;
}

/* ------------------------------------------------------ Session Record */

#define RECORD_KIND_MASK       0x03u
#define RECORD_KIND_INVALID    0x03u
#define RECORD_INTERRUPTED     0x04u
#define RECORD_CLOCK_UNSYNCED  0x08u
#define RECORD_DOUBLE          0x10u
#define RECORD_RESERVED_FLAGS  0xE0u

lsp_status
lsp_record_decode (const uint8_t *buf, size_t len, int64_t now_utc,
                   lsp_record *out)
{
  uint32_t seq, start;
  int offset;
  uint8_t flags;
  uint16_t secs_left, secs_right, vol_left, vol_right, supplement;
  lsp_status status;

  if (buf == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (len != LSP_RECORD_LEN)
    return LSP_ERR_RECORD_LENGTH;

  seq = get_u32 (buf);
  if (seq == 0)
    return LSP_ERR_RECORD_SEQ;
  if (seq == LSP_RECORD_SEQ_ERASED)
    return LSP_ERR_RECORD_SEQ_ERASED;
  /* The window check depends on the clock-unsynced bit of byte 9. */
  flags = buf[9];
  start = get_u32 (buf + 4);
  status = record_start_check (start, (flags & RECORD_CLOCK_UNSYNCED) != 0,
                               now_utc);
  if (status != LSP_OK)
    return status;
  offset = get_i8 (buf[8]);
  if (!utc_offset_ok (offset))
    return LSP_ERR_RECORD_UTC_OFFSET;
  if ((flags & RECORD_KIND_MASK) == RECORD_KIND_INVALID)
    return LSP_ERR_RECORD_KIND;
  if ((flags & RECORD_RESERVED_FLAGS) != 0)
    return LSP_ERR_RECORD_RESERVED_FLAGS;
  secs_left = get_u16 (buf + 10);
  if (secs_left > LSP_MAX_SECONDS)
    return LSP_ERR_RECORD_DURATION_LEFT;
  secs_right = get_u16 (buf + 12);
  if (secs_right > LSP_MAX_SECONDS)
    return LSP_ERR_RECORD_DURATION_RIGHT;
  vol_left = get_u16 (buf + 14);
  if (!raw_volume_ok (vol_left))
    return LSP_ERR_RECORD_VOLUME_LEFT;
  vol_right = get_u16 (buf + 16);
  if (!raw_volume_ok (vol_right))
    return LSP_ERR_RECORD_VOLUME_RIGHT;
  supplement = get_u16 (buf + 18);
  if (!raw_volume_ok (supplement))
    return LSP_ERR_RECORD_SUPPLEMENT;

  out->seq = seq;
  out->start_utc = start;
  out->utc_offset_known = offset != LSP_UTC_OFFSET_UNKNOWN;
  out->utc_offset_quarters = (int8_t) (out->utc_offset_known ? offset : 0);
  out->kind = (lsp_record_kind) (flags & RECORD_KIND_MASK);
  out->interrupted = (flags & RECORD_INTERRUPTED) != 0;
  out->clock_unsynced = (flags & RECORD_CLOCK_UNSYNCED) != 0;
  out->double_sided = (flags & RECORD_DOUBLE) != 0;
  out->seconds_left = secs_left;
  out->seconds_right = secs_right;
  out->volume_left = volume_from_raw (vol_left);
  out->volume_right = volume_from_raw (vol_right);
  out->supplement = volume_from_raw (supplement);
  return LSP_OK;
}

lsp_status
lsp_record_encode (const lsp_record *in, int64_t now_utc,
                   uint8_t out[LSP_RECORD_LEN])
{
  lsp_status status;

  if (in == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (in->seq == 0)
    return LSP_ERR_RECORD_SEQ;
  if (in->seq == LSP_RECORD_SEQ_ERASED)
    return LSP_ERR_RECORD_SEQ_ERASED;
  status = record_start_check (in->start_utc, in->clock_unsynced, now_utc);
  if (status != LSP_OK)
    return status;
  if (!known_utc_offset_ok (in->utc_offset_known, in->utc_offset_quarters))
    return LSP_ERR_RECORD_UTC_OFFSET;
  if ((unsigned) in->kind > LSP_RECORD_KIND_HAND)
    return LSP_ERR_RECORD_KIND;
  if (in->seconds_left > LSP_MAX_SECONDS)
    return LSP_ERR_RECORD_DURATION_LEFT;
  if (in->seconds_right > LSP_MAX_SECONDS)
    return LSP_ERR_RECORD_DURATION_RIGHT;
  if (!volume_ok (&in->volume_left))
    return LSP_ERR_RECORD_VOLUME_LEFT;
  if (!volume_ok (&in->volume_right))
    return LSP_ERR_RECORD_VOLUME_RIGHT;
  if (!volume_ok (&in->supplement))
    return LSP_ERR_RECORD_SUPPLEMENT;

  put_u32 (out, in->seq);
  put_u32 (out + 4, in->start_utc);
  out[8] = in->utc_offset_known ? put_i8 (in->utc_offset_quarters)
                                : put_i8 (LSP_UTC_OFFSET_UNKNOWN);
  out[9] = (uint8_t) ((unsigned) in->kind |
                      (in->interrupted ? RECORD_INTERRUPTED : 0u) |
                      (in->clock_unsynced ? RECORD_CLOCK_UNSYNCED : 0u) |
                      (in->double_sided ? RECORD_DOUBLE : 0u));
  put_u16 (out + 10, in->seconds_left);
  put_u16 (out + 12, in->seconds_right);
  put_u16 (out + 14, volume_to_raw (&in->volume_left));
  put_u16 (out + 16, volume_to_raw (&in->volume_right));
  put_u16 (out + 18, volume_to_raw (&in->supplement));
  return LSP_OK;
}

bool
lsp_record_peek_seq (const uint8_t *buf, size_t len, uint32_t *seq_out)
{
  uint32_t seq;

  if (buf == NULL || len < 4)
    return false;
  seq = get_u32 (buf);
  if (seq == 0 || seq == LSP_RECORD_SEQ_ERASED)
    return false;
  if (seq_out != NULL)
    *seq_out = seq;
  return true;
}

uint32_t
lsp_record_duration_s (const lsp_record *record)
{
  if (record == NULL)
    return 0;
  if (record->double_sided)
    return record->seconds_left > record->seconds_right
             ? record->seconds_left : record->seconds_right;
  return (uint32_t) record->seconds_left + record->seconds_right;
}

int32_t
lsp_record_utc_offset_minutes (const lsp_record *record,
                               int32_t fallback_minutes)
{
  if (record == NULL || !record->utc_offset_known)
    return fallback_minutes;
  return (int32_t) record->utc_offset_quarters * 15;
}

/* ------------------------------------------------------ RACP requests */

/* Operator values 0x00-0x06 are defined (as in the Glucose Service:
 * null, all, <=, >=, within range, first, last); 0x07 and above are not. */
#define RACP_OPERATOR_LAST_DEFINED 0x06u
#define RACP_SEQ_OPERAND_LEN 7u

/* The operator rule for one opcode (already known to be 1..4), the same
 * for decoder and encoder. */
static lsp_status
racp_operator_check (unsigned opcode, unsigned op)
{
  unsigned second;   /* the one operator besides the first one allowed */

  if (opcode == LSP_RACP_ABORT)
    {
      if (op == LSP_RACP_OP_NULL)
        return LSP_OK;
      return op > RACP_OPERATOR_LAST_DEFINED
               ? LSP_ERR_RACP_OPERATOR_INVALID
               : LSP_ERR_RACP_OPERATOR_UNSUPPORTED;
    }

  /* Report, delete and report-count need an operator: null is invalid. */
  if (op == LSP_RACP_OP_NULL || op > RACP_OPERATOR_LAST_DEFINED)
    return LSP_ERR_RACP_OPERATOR_INVALID;
  second = opcode == LSP_RACP_DELETE ? LSP_RACP_OP_LESS_EQUAL
                                     : LSP_RACP_OP_GREATER_EQUAL;
  if (op != LSP_RACP_OP_ALL && op != second)
    return LSP_ERR_RACP_OPERATOR_UNSUPPORTED;
  return LSP_OK;
}

static bool
racp_opcode_ok (unsigned opcode)
{
  return opcode >= LSP_RACP_REPORT && opcode <= LSP_RACP_REPORT_COUNT;
}

static bool
racp_operator_takes_seq (unsigned op)
{
  return op == LSP_RACP_OP_LESS_EQUAL || op == LSP_RACP_OP_GREATER_EQUAL;
}

lsp_status
lsp_racp_request_decode (const uint8_t *buf, size_t len,
                         lsp_racp_request *out)
{
  lsp_status status;
  uint32_t seq = 0;

  if (buf == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (len < 2)
    return LSP_ERR_RACP_LENGTH;
  if (!racp_opcode_ok (buf[0]))
    return LSP_ERR_RACP_OPCODE;
  status = racp_operator_check (buf[0], buf[1]);
  if (status != LSP_OK)
    return status;

  if (racp_operator_takes_seq (buf[1]))
    {
      if (len == 2)
        return LSP_ERR_RACP_OPERAND;      /* missing filter and operand */
      if (buf[2] != LSP_RACP_FILTER_SEQ)
        return LSP_ERR_RACP_FILTER;
      if (len != RACP_SEQ_OPERAND_LEN)
        return LSP_ERR_RACP_OPERAND;      /* short or extra operand */
      seq = get_u32 (buf + 3);
    }
  else if (len != 2)
    {
      return LSP_ERR_RACP_OPERAND;        /* all / null take no operand */
    }

  out->opcode = (lsp_racp_opcode) buf[0];
  out->op = (lsp_racp_operator) buf[1];
  out->seq = seq;
  return LSP_OK;
}

lsp_status
lsp_racp_request_encode (const lsp_racp_request *in,
                         uint8_t out[LSP_RACP_REQUEST_MAX_LEN],
                         size_t *len_out)
{
  lsp_status status;

  if (in == NULL || out == NULL || len_out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (!racp_opcode_ok ((unsigned) in->opcode))
    return LSP_ERR_RACP_OPCODE;
  status = racp_operator_check ((unsigned) in->opcode, (unsigned) in->op);
  if (status != LSP_OK)
    return status;

  out[0] = (uint8_t) in->opcode;
  out[1] = (uint8_t) in->op;
  if (racp_operator_takes_seq ((unsigned) in->op))
    {
      out[2] = LSP_RACP_FILTER_SEQ;
      put_u32 (out + 3, in->seq);
      *len_out = RACP_SEQ_OPERAND_LEN;
    }
  else
    {
      *len_out = 2;
    }
  return LSP_OK;
}

lsp_racp_response_code
lsp_racp_response_for_status (lsp_status status)
{
  switch (status)
    {
    case LSP_OK:
      return LSP_RACP_RSP_SUCCESS;
    case LSP_ERR_RACP_OPCODE:
      return LSP_RACP_RSP_OPCODE_NOT_SUPPORTED;
    case LSP_ERR_RACP_OPERATOR_INVALID:
      return LSP_RACP_RSP_INVALID_OPERATOR;
    case LSP_ERR_RACP_OPERATOR_UNSUPPORTED:
      return LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED;
    case LSP_ERR_RACP_FILTER:
      return LSP_RACP_RSP_OPERAND_NOT_SUPPORTED;
    case LSP_ERR_RACP_LENGTH:
    case LSP_ERR_RACP_OPERAND:
    default:
      return LSP_RACP_RSP_INVALID_OPERAND;
    }
}

/* ------------------------------------------------------ RACP indications */

static bool
racp_response_code_ok (unsigned code)
{
  return code >= LSP_RACP_RSP_SUCCESS &&
         code <= LSP_RACP_RSP_OPERAND_NOT_SUPPORTED;
}

lsp_status
lsp_racp_indication_decode (const uint8_t *buf, size_t len,
                            lsp_racp_indication *out)
{
  if (buf == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (len == 0)
    return LSP_ERR_INDICATION_LENGTH;

  switch (buf[0])
    {
    case LSP_RACP_IND_COUNT:
      if (len != LSP_RACP_COUNT_LEN)
        return LSP_ERR_INDICATION_LENGTH;
      if (buf[1] != LSP_RACP_OP_NULL)
        return LSP_ERR_INDICATION_OPERATOR;
      out->type = LSP_RACP_IND_COUNT;
      out->count = get_u32 (buf + 2);
      out->request_opcode = 0;
      out->response = (lsp_racp_response_code) 0;
      return LSP_OK;

    case LSP_RACP_IND_RESPONSE:
      if (len != LSP_RACP_RESPONSE_LEN)
        return LSP_ERR_INDICATION_LENGTH;
      if (buf[1] != LSP_RACP_OP_NULL)
        return LSP_ERR_INDICATION_OPERATOR;
      /* buf[2] is whatever opcode the sensor received: any byte. */
      if (!racp_response_code_ok (buf[3]))
        return LSP_ERR_INDICATION_RESPONSE_CODE;
      out->type = LSP_RACP_IND_RESPONSE;
      out->count = 0;
      out->request_opcode = buf[2];
      out->response = (lsp_racp_response_code) buf[3];
      return LSP_OK;

    default:
      return LSP_ERR_INDICATION_OPCODE;
    }
}

lsp_status
lsp_racp_indication_encode (const lsp_racp_indication *in,
                            uint8_t out[LSP_RACP_INDICATION_MAX_LEN],
                            size_t *len_out)
{
  if (in == NULL || out == NULL || len_out == NULL)
    return LSP_ERR_NULL_ARGUMENT;

  switch (in->type)
    {
    case LSP_RACP_IND_COUNT:
      out[0] = LSP_RACP_IND_COUNT;
      out[1] = LSP_RACP_OP_NULL;
      put_u32 (out + 2, in->count);
      *len_out = LSP_RACP_COUNT_LEN;
      return LSP_OK;

    case LSP_RACP_IND_RESPONSE:
      if (!racp_response_code_ok ((unsigned) in->response))
        return LSP_ERR_INDICATION_RESPONSE_CODE;
      out[0] = LSP_RACP_IND_RESPONSE;
      out[1] = LSP_RACP_OP_NULL;
      out[2] = in->request_opcode;
      out[3] = (uint8_t) in->response;
      *len_out = LSP_RACP_RESPONSE_LEN;
      return LSP_OK;

    default:
      return LSP_ERR_INDICATION_OPCODE;
    }
}

/* ------------------------------------------------------ Device Time */

lsp_status
lsp_device_time_decode (const uint8_t *buf, size_t len, lsp_device_time *out)
{
  int offset;

  if (buf == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (len != LSP_DEVICE_TIME_LEN)
    return LSP_ERR_TIME_LENGTH;
  offset = get_i8 (buf[4]);
  if (!utc_offset_ok (offset))
    return LSP_ERR_TIME_UTC_OFFSET;

  out->utc = get_u32 (buf);
  out->utc_offset_known = offset != LSP_UTC_OFFSET_UNKNOWN;
  out->utc_offset_quarters = (int8_t) (out->utc_offset_known ? offset : 0);
  return LSP_OK;
}

lsp_status
lsp_device_time_encode (const lsp_device_time *in,
                        uint8_t out[LSP_DEVICE_TIME_LEN])
{
  if (in == NULL || out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (!known_utc_offset_ok (in->utc_offset_known, in->utc_offset_quarters))
    return LSP_ERR_TIME_UTC_OFFSET;

  put_u32 (out, in->utc);
  out[4] = in->utc_offset_known ? put_i8 (in->utc_offset_quarters)
                                : put_i8 (LSP_UTC_OFFSET_UNKNOWN);
  return LSP_OK;
}

/* ------------------------------------------------------ Battery Level */

lsp_status
lsp_battery_decode (const uint8_t *buf, size_t len, uint8_t *percent_out)
{
  if (buf == NULL || percent_out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (len != LSP_BATTERY_LEN)
    return LSP_ERR_BATTERY_LENGTH;
  if (buf[0] > LSP_MAX_BATTERY)
    return LSP_ERR_BATTERY_RANGE;
  *percent_out = buf[0];
  return LSP_OK;
}

lsp_status
lsp_battery_encode (uint8_t percent, uint8_t out[LSP_BATTERY_LEN])
{
  if (out == NULL)
    return LSP_ERR_NULL_ARGUMENT;
  if (percent > LSP_MAX_BATTERY)
    return LSP_ERR_BATTERY_RANGE;
  out[0] = percent;
  return LSP_OK;
}

/* ------------------------------------------------------ status text */

/* One row per status: its name without the prefix and a sentence naming
 * the packet. Looked up linearly: only error paths and logs use it. */
static const struct {
  lsp_status status;
  const char *name;
  const char *message;
} status_texts[] = {
  { LSP_OK, "OK",
    "no error" },
  { LSP_ERR_NULL_ARGUMENT, "NULL_ARGUMENT",
    "a required pointer argument is NULL" },
  { LSP_ERR_FEATURES_LENGTH, "FEATURES_LENGTH",
    "sensor features: length is not 10 bytes" },
  { LSP_ERR_FEATURES_VERSION, "FEATURES_VERSION",
    "sensor features: protocol version is not 1" },
  { LSP_ERR_FEATURES_KIND, "FEATURES_KIND",
    "sensor features: sensor kind is not 1 (breast pump) or 2 (SNS flow sensor)" },
  { LSP_ERR_FEATURES_RESERVED_CAPS, "FEATURES_RESERVED_CAPS",
    "sensor features: reserved capability bits 7-15 are set" },
  { LSP_ERR_LIVE_LENGTH, "LIVE_LENGTH",
    "live progress: length is not 15 bytes" },
  { LSP_ERR_LIVE_RESERVED_FLAGS, "LIVE_RESERVED_FLAGS",
    "live progress: reserved flag bits 5-7 are set" },
  { LSP_ERR_LIVE_SEQ, "LIVE_SEQ",
    "live progress: session sequence number is 0" },
  { LSP_ERR_LIVE_ELAPSED, "LIVE_ELAPSED",
    "live progress: elapsed time exceeds 14400 s" },
  { LSP_ERR_LIVE_VOLUME_LEFT, "LIVE_VOLUME_LEFT",
    "live progress: left volume exceeds 10000 (1000.0 mL) and is not 0xFFFF" },
  { LSP_ERR_LIVE_VOLUME_RIGHT, "LIVE_VOLUME_RIGHT",
    "live progress: right volume exceeds 10000 (1000.0 mL) and is not 0xFFFF" },
  { LSP_ERR_LIVE_SUPPLEMENT, "LIVE_SUPPLEMENT",
    "live progress: supplement volume exceeds 10000 (1000.0 mL) and is not 0xFFFF" },
  { LSP_ERR_LIVE_SUCTION, "LIVE_SUCTION",
    "live progress: suction level is above 15 and not 0xFF" },
  { LSP_ERR_LIVE_BATTERY, "LIVE_BATTERY",
    "live progress: battery percent is above 100 and not 0xFF" },
  { LSP_ERR_RECORD_LENGTH, "RECORD_LENGTH",
    "session record: length is not 20 bytes" },
  { LSP_ERR_RECORD_SEQ, "RECORD_SEQ",
    "session record: sequence number is 0" },
  { LSP_ERR_RECORD_START_TOO_EARLY, "RECORD_START_TOO_EARLY",
    "session record: start is before 2020-01-01 and the clock is marked synced" },
  { LSP_ERR_RECORD_START_IN_FUTURE, "RECORD_START_IN_FUTURE",
    "session record: start is more than one day after the host's clock "
    "and the clock is marked synced" },
  { LSP_ERR_RECORD_UTC_OFFSET, "RECORD_UTC_OFFSET",
    "session record: UTC offset is outside -48..56 quarter hours and not -128" },
  { LSP_ERR_RECORD_KIND, "RECORD_KIND",
    "session record: kind 3 is invalid" },
  { LSP_ERR_RECORD_RESERVED_FLAGS, "RECORD_RESERVED_FLAGS",
    "session record: reserved flag bits 5-7 are set" },
  { LSP_ERR_RECORD_DURATION_LEFT, "RECORD_DURATION_LEFT",
    "session record: left-side time exceeds 14400 s" },
  { LSP_ERR_RECORD_DURATION_RIGHT, "RECORD_DURATION_RIGHT",
    "session record: right-side time exceeds 14400 s" },
  { LSP_ERR_RECORD_VOLUME_LEFT, "RECORD_VOLUME_LEFT",
    "session record: left volume exceeds 10000 (1000.0 mL) and is not 0xFFFF" },
  { LSP_ERR_RECORD_VOLUME_RIGHT, "RECORD_VOLUME_RIGHT",
    "session record: right volume exceeds 10000 (1000.0 mL) and is not 0xFFFF" },
  { LSP_ERR_RECORD_SUPPLEMENT, "RECORD_SUPPLEMENT",
    "session record: supplement volume exceeds 10000 (1000.0 mL) and is not 0xFFFF" },
  { LSP_ERR_RECORD_SEQ_ERASED, "RECORD_SEQ_ERASED",
    "session record: sequence number is 0xFFFFFFFF (erased flash): unreadable" },
  { LSP_ERR_RACP_LENGTH, "RACP_LENGTH",
    "RACP request: shorter than 2 bytes (opcode and operator)" },
  { LSP_ERR_RACP_OPCODE, "RACP_OPCODE",
    "RACP request: opcode is not 0x01-0x04" },
  { LSP_ERR_RACP_OPERATOR_INVALID, "RACP_OPERATOR_INVALID",
    "RACP request: operator value is undefined (null where one is needed, or 0x07 and above)" },
  { LSP_ERR_RACP_OPERATOR_UNSUPPORTED, "RACP_OPERATOR_UNSUPPORTED",
    "RACP request: operator is defined but not supported for this opcode" },
  { LSP_ERR_RACP_FILTER, "RACP_FILTER",
    "RACP request: filter type is not 0x01 (sequence number)" },
  { LSP_ERR_RACP_OPERAND, "RACP_OPERAND",
    "RACP request: operand is missing, short or extra" },
  { LSP_ERR_INDICATION_LENGTH, "INDICATION_LENGTH",
    "RACP indication: wrong length for its opcode" },
  { LSP_ERR_INDICATION_OPCODE, "INDICATION_OPCODE",
    "RACP indication: opcode is not 0x05 (count) or 0x06 (response)" },
  { LSP_ERR_INDICATION_OPERATOR, "INDICATION_OPERATOR",
    "RACP indication: operator byte is not 0x00" },
  { LSP_ERR_INDICATION_RESPONSE_CODE, "INDICATION_RESPONSE_CODE",
    "RACP indication: response code is not 0x01-0x09" },
  { LSP_ERR_TIME_LENGTH, "TIME_LENGTH",
    "device time: length is not 5 bytes" },
  { LSP_ERR_TIME_UTC_OFFSET, "TIME_UTC_OFFSET",
    "device time: UTC offset is outside -48..56 quarter hours and not -128" },
  { LSP_ERR_BATTERY_LENGTH, "BATTERY_LENGTH",
    "battery level: length is not 1 byte" },
  { LSP_ERR_BATTERY_RANGE, "BATTERY_RANGE",
    "battery level: percent is above 100" },
};

#define N_STATUS_TEXTS (sizeof status_texts / sizeof status_texts[0])

const char *
lsp_status_message (lsp_status status)
{
  for (size_t i = 0; i < N_STATUS_TEXTS; i++)
    if (status_texts[i].status == status)
      return status_texts[i].message;
  return "unknown status";
}

const char *
lsp_status_name (lsp_status status)
{
  for (size_t i = 0; i < N_STATUS_TEXTS; i++)
    if (status_texts[i].status == status)
      return status_texts[i].name;
  return "UNKNOWN";
}
