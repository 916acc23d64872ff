/* test-lsp-random.c — randomized tests of the LSP v1 codec:
 *  - encode then decode random valid, normalised structs: equal field by
 *    field;
 *  - decode then encode random valid byte buffers: identical bytes;
 *  - random garbage of length 0..25: never crashes, and gives OK (and
 *    then re-encodes to the same bytes) or an error with a message.
 * Seeded by g_test_rand_*, so a failure reproduces with --seed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "test-lsp.h"

#define ITERATIONS 100000
#define GARBAGE_MAX_LEN 25

/* ------------------------------------------------------------ random values */

static guint32
rand_u32 (void)
{
  return (guint32) g_test_rand_int ();
}

static guint32
rand_between (guint32 lo, guint32 hi)  /* inclusive, hi - lo < 2^31 */
{
  return lo + (guint32) g_test_rand_int_range (0, (gint32) (hi - lo) + 1);
}

/* 0..max, with the bounds themselves drawn often. */
static guint16
rand_bounded (guint16 max)
{
  switch (g_test_rand_int_range (0, 8))
    {
    case 0: return 0;
    case 1: return max;
    default: return (guint16) rand_between (0, max);
    }
}

static guint32
rand_seq (void)
{
  switch (g_test_rand_int_range (0, 8))
    {
    case 0: return 1;
    case 1: return 0xFFFFFFFF;
    default: return rand_u32 () | 1u;  /* never 0 */
    }
}

/* A record's number: 0 and 0xFFFFFFFF (erased flash) are unreadable. */
static guint32
rand_record_seq (void)
{
  switch (g_test_rand_int_range (0, 8))
    {
    case 0: return 1;
    case 1: return 0xFFFFFFFE;
    default: return CLAMP (rand_u32 () | 1u, 1u, 0xFFFFFFFDu);
    }
}

static lsp_volume
rand_volume (void)
{
  lsp_volume v = { false, 0 };

  if (g_test_rand_int_range (0, 5) != 0)
    {
      v.measured = true;
      v.tenths = rand_bounded (LSP_MAX_VOLUME_TENTHS);
    }
  return v;
}

static guint16
rand_raw_volume (void)
{
  return g_test_rand_int_range (0, 5) == 0 ? LSP_NOT_MEASURED
                                          : rand_bounded (LSP_MAX_VOLUME_TENTHS);
}

static gint8
rand_quarters (void)
{
  return (gint8) g_test_rand_int_range (LSP_UTC_OFFSET_MIN,
                                        LSP_UTC_OFFSET_MAX + 1);
}

static gint64
rand_now (void)
{
  if (g_test_rand_bit ())
    return TEST_NOW;
  return LSP_MIN_START_UTC + (gint64) rand_between (0, 2000000000u);
}

/* ------------------------------------------------------------ equality */

static void
assert_volume_equal (const lsp_volume *a, const lsp_volume *b)
{
  g_assert_cmpint (a->measured, ==, b->measured);
  g_assert_cmpuint (a->tenths, ==, b->tenths);
}

static void
assert_features_equal (const lsp_features *a, const lsp_features *b)
{
  g_assert_cmpuint (a->protocol_version, ==, b->protocol_version);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmphex (a->capabilities, ==, b->capabilities);
  g_assert_cmpuint (a->record_epoch, ==, b->record_epoch);
  g_assert_cmpuint (a->capacity, ==, b->capacity);
}

static void
assert_live_equal (const lsp_live *a, const lsp_live *b)
{
  g_assert_cmpint (a->side, ==, b->side);
  g_assert_cmpint (a->phase, ==, b->phase);
  g_assert_cmpint (a->active, ==, b->active);
  g_assert_cmpuint (a->seq, ==, b->seq);
  g_assert_cmpuint (a->elapsed_s, ==, b->elapsed_s);
  assert_volume_equal (&a->volume_left, &b->volume_left);
  assert_volume_equal (&a->volume_right, &b->volume_right);
  assert_volume_equal (&a->supplement, &b->supplement);
  g_assert_cmpint (a->has_suction, ==, b->has_suction);
  g_assert_cmpuint (a->suction, ==, b->suction);
  g_assert_cmpint (a->has_battery, ==, b->has_battery);
  g_assert_cmpuint (a->battery_percent, ==, b->battery_percent);
}

static void
assert_record_equal (const lsp_record *a, const lsp_record *b)
{
  g_assert_cmpuint (a->seq, ==, b->seq);
  g_assert_cmpuint (a->start_utc, ==, b->start_utc);
  g_assert_cmpint (a->utc_offset_known, ==, b->utc_offset_known);
  g_assert_cmpint (a->utc_offset_quarters, ==, b->utc_offset_quarters);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpint (a->interrupted, ==, b->interrupted);
  g_assert_cmpint (a->clock_unsynced, ==, b->clock_unsynced);
  g_assert_cmpint (a->double_sided, ==, b->double_sided);
  g_assert_cmpuint (a->seconds_left, ==, b->seconds_left);
  g_assert_cmpuint (a->seconds_right, ==, b->seconds_right);
  assert_volume_equal (&a->volume_left, &b->volume_left);
  assert_volume_equal (&a->volume_right, &b->volume_right);
  assert_volume_equal (&a->supplement, &b->supplement);
}

/* ------------------------------------------------------------ struct round trips */

static void
test_roundtrip_features (void)
{
  for (int i = 0; i < ITERATIONS; i++)
    {
      lsp_features in, out;
      guint8 buf[LSP_FEATURES_LEN];

      in.protocol_version = LSP_PROTOCOL_VERSION;
      in.kind = g_test_rand_bit () ? LSP_SENSOR_KIND_PUMP : LSP_SENSOR_KIND_SNS;
      in.capabilities = (guint16) (rand_u32 () & LSP_CAP_ALL);
      in.record_epoch = rand_u32 ();
      in.capacity = (guint16) rand_u32 ();
      g_assert_cmpint (lsp_features_encode (&in, buf), ==, LSP_OK);
      g_assert_cmpint (lsp_features_decode (buf, sizeof buf, &out), ==, LSP_OK);
      assert_features_equal (&in, &out);
    }
}

static void
test_roundtrip_live (void)
{
  for (int i = 0; i < ITERATIONS; i++)
    {
      lsp_live in, out;
      guint8 buf[LSP_LIVE_LEN];

      in.side = (lsp_side) g_test_rand_int_range (0, 4);
      in.phase = (lsp_phase) g_test_rand_int_range (0, 4);
      in.active = g_test_rand_bit ();
      in.seq = rand_seq ();
      in.elapsed_s = rand_bounded (LSP_MAX_SECONDS);
      in.volume_left = rand_volume ();
      in.volume_right = rand_volume ();
      in.supplement = rand_volume ();
      in.has_suction = g_test_rand_bit ();
      in.suction = in.has_suction ? (guint8) rand_bounded (LSP_MAX_SUCTION) : 0;
      in.has_battery = g_test_rand_bit ();
      in.battery_percent =
        in.has_battery ? (guint8) rand_bounded (LSP_MAX_BATTERY) : 0;
      g_assert_cmpint (lsp_live_encode (&in, buf), ==, LSP_OK);
      g_assert_cmpint (lsp_live_decode (buf, sizeof buf, &out), ==, LSP_OK);
      assert_live_equal (&in, &out);
    }
}

static void
test_roundtrip_record (void)
{
  for (int i = 0; i < ITERATIONS; i++)
    {
      lsp_record in, out;
      guint8 buf[LSP_RECORD_LEN];
      gint64 now = rand_now ();

      in.seq = rand_record_seq ();
      in.clock_unsynced = g_test_rand_int_range (0, 4) == 0;
      if (in.clock_unsynced)
        in.start_utc = rand_u32 ();
      else
        in.start_utc = rand_between ((guint32) LSP_MIN_START_UTC,
                                     (guint32) (now + LSP_MAX_START_AHEAD_S));
      in.utc_offset_known = g_test_rand_int_range (0, 5) != 0;
      in.utc_offset_quarters = in.utc_offset_known ? rand_quarters () : 0;
      in.kind = (lsp_record_kind) g_test_rand_int_range (0, 3);
      in.interrupted = g_test_rand_bit ();
      in.double_sided = g_test_rand_bit ();
      in.seconds_left = rand_bounded (LSP_MAX_SECONDS);
      in.seconds_right = rand_bounded (LSP_MAX_SECONDS);
      in.volume_left = rand_volume ();
      in.volume_right = rand_volume ();
      in.supplement = rand_volume ();
      g_assert_cmpint (lsp_record_encode (&in, now, buf), ==, LSP_OK);
      g_assert_cmpint (lsp_record_decode (buf, sizeof buf, now, &out), ==, LSP_OK);
      assert_record_equal (&in, &out);
      g_assert_cmpuint (lsp_record_duration_s (&out), <=, 2 * LSP_MAX_SECONDS);
    }
}

static void
test_roundtrip_racp (void)
{
  static const struct { lsp_racp_opcode opcode; lsp_racp_operator op; } forms[] = {
    { LSP_RACP_REPORT, LSP_RACP_OP_ALL },
    { LSP_RACP_REPORT, LSP_RACP_OP_GREATER_EQUAL },
    { LSP_RACP_DELETE, LSP_RACP_OP_ALL },
    { LSP_RACP_DELETE, LSP_RACP_OP_LESS_EQUAL },
    { LSP_RACP_ABORT, LSP_RACP_OP_NULL },
    { LSP_RACP_REPORT_COUNT, LSP_RACP_OP_ALL },
    { LSP_RACP_REPORT_COUNT, LSP_RACP_OP_GREATER_EQUAL },
  };

  for (int i = 0; i < ITERATIONS; i++)
    {
      gsize f = (gsize) g_test_rand_int_range (0, G_N_ELEMENTS (forms));
      lsp_racp_request q = { forms[f].opcode, forms[f].op, 0 }, back;
      lsp_racp_indication ind = { 0 }, ind_back;
      guint8 buf[LSP_RACP_REQUEST_MAX_LEN];
      size_t len;

      if (q.op == LSP_RACP_OP_LESS_EQUAL || q.op == LSP_RACP_OP_GREATER_EQUAL)
        q.seq = rand_u32 ();
      g_assert_cmpint (lsp_racp_request_encode (&q, buf, &len), ==, LSP_OK);
      g_assert_cmpint (lsp_racp_request_decode (buf, len, &back), ==, LSP_OK);
      g_assert_cmpint (back.opcode, ==, q.opcode);
      g_assert_cmpint (back.op, ==, q.op);
      g_assert_cmpuint (back.seq, ==, q.seq);

      if (g_test_rand_bit ())
        {
          ind.type = LSP_RACP_IND_COUNT;
          ind.count = rand_u32 ();
        }
      else
        {
          ind.type = LSP_RACP_IND_RESPONSE;
          ind.request_opcode = (guint8) rand_u32 ();
          ind.response = (lsp_racp_response_code) g_test_rand_int_range (1, 10);
        }
      g_assert_cmpint (lsp_racp_indication_encode (&ind, buf, &len), ==, LSP_OK);
      g_assert_cmpint (lsp_racp_indication_decode (buf, len, &ind_back), ==, LSP_OK);
      g_assert_cmpuint (ind_back.type, ==, ind.type);
      g_assert_cmpuint (ind_back.count, ==, ind.count);
      g_assert_cmpuint (ind_back.request_opcode, ==, ind.request_opcode);
      g_assert_cmpint (ind_back.response, ==, ind.response);
    }
}

static void
test_roundtrip_time_battery (void)
{
  for (int i = 0; i < ITERATIONS; i++)
    {
      lsp_device_time in, out;
      guint8 buf[LSP_DEVICE_TIME_LEN], percent, back;

      in.utc = rand_u32 ();
      in.utc_offset_known = g_test_rand_int_range (0, 5) != 0;
      in.utc_offset_quarters = in.utc_offset_known ? rand_quarters () : 0;
      g_assert_cmpint (lsp_device_time_encode (&in, buf), ==, LSP_OK);
      g_assert_cmpint (lsp_device_time_decode (buf, sizeof buf, &out), ==, LSP_OK);
      g_assert_cmpuint (out.utc, ==, in.utc);
      g_assert_cmpint (out.utc_offset_known, ==, in.utc_offset_known);
      g_assert_cmpint (out.utc_offset_quarters, ==, in.utc_offset_quarters);

      percent = (guint8) rand_bounded (LSP_MAX_BATTERY);
      g_assert_cmpint (lsp_battery_encode (percent, buf), ==, LSP_OK);
      g_assert_cmpint (lsp_battery_decode (buf, 1, &back), ==, LSP_OK);
      g_assert_cmpuint (back, ==, percent);
    }
}

/* ------------------------------------------------------------ byte round trips */

/* Builds a random valid buffer of packet kind k; returns its length. */
typedef enum {
  PKT_FEATURES, PKT_LIVE, PKT_RECORD, PKT_RACP_REQUEST, PKT_RACP_INDICATION,
  PKT_DEVICE_TIME, PKT_BATTERY, PKT_COUNT
} packet_kind;

static guint8
rand_raw_offset (void)
{
  return g_test_rand_int_range (0, 5) == 0 ? 0x80 : (guint8) rand_quarters ();
}

static gsize
rand_valid_bytes (packet_kind k, guint8 *b, gint64 now)
{
  static const guint8 racp_forms[][2] = {
    { 1, 1 }, { 1, 3 }, { 2, 1 }, { 2, 2 }, { 3, 0 }, { 4, 1 }, { 4, 3 },
  };
  gsize f;
  guint8 flags;

  switch (k)
    {
    case PKT_FEATURES:
      b[0] = 1;
      b[1] = (guint8) g_test_rand_int_range (1, 3);
      test_put_u16 (b + 2, (guint16) (rand_u32 () & LSP_CAP_ALL));
      test_put_u32 (b + 4, rand_u32 ());
      test_put_u16 (b + 8, (guint16) rand_u32 ());
      return LSP_FEATURES_LEN;
    case PKT_LIVE:
      b[0] = (guint8) g_test_rand_int_range (0, 0x20);
      test_put_u32 (b + 1, rand_seq ());
      test_put_u16 (b + 5, rand_bounded (LSP_MAX_SECONDS));
      test_put_u16 (b + 7, rand_raw_volume ());
      test_put_u16 (b + 9, rand_raw_volume ());
      test_put_u16 (b + 11, rand_raw_volume ());
      b[13] = g_test_rand_bit () ? 0xFF : (guint8) rand_bounded (LSP_MAX_SUCTION);
      b[14] = g_test_rand_bit () ? 0xFF : (guint8) rand_bounded (LSP_MAX_BATTERY);
      return LSP_LIVE_LEN;
    case PKT_RECORD:
      flags = (guint8) g_test_rand_int_range (0, 0x20);
      if ((flags & 3) == 3)
        flags &= 0x1C;
      test_put_u32 (b, rand_record_seq ());
      test_put_u32 (b + 4, (flags & 0x08)
                    ? rand_u32 ()
                    : rand_between ((guint32) LSP_MIN_START_UTC,
                                    (guint32) (now + LSP_MAX_START_AHEAD_S)));
      b[8] = rand_raw_offset ();
      b[9] = flags;
      test_put_u16 (b + 10, rand_bounded (LSP_MAX_SECONDS));
      test_put_u16 (b + 12, rand_bounded (LSP_MAX_SECONDS));
      test_put_u16 (b + 14, rand_raw_volume ());
      test_put_u16 (b + 16, rand_raw_volume ());
      test_put_u16 (b + 18, rand_raw_volume ());
      return LSP_RECORD_LEN;
    case PKT_RACP_REQUEST:
      f = (gsize) g_test_rand_int_range (0, G_N_ELEMENTS (racp_forms));
      b[0] = racp_forms[f][0];
      b[1] = racp_forms[f][1];
      if (b[1] != 2 && b[1] != 3)
        return 2;
      b[2] = LSP_RACP_FILTER_SEQ;
      test_put_u32 (b + 3, rand_u32 ());
      return 7;
    case PKT_RACP_INDICATION:
      if (g_test_rand_bit ())
        {
          b[0] = LSP_RACP_IND_COUNT;
          b[1] = 0;
          test_put_u32 (b + 2, rand_u32 ());
          return LSP_RACP_COUNT_LEN;
        }
      b[0] = LSP_RACP_IND_RESPONSE;
      b[1] = 0;
      b[2] = (guint8) rand_u32 ();
      b[3] = (guint8) g_test_rand_int_range (1, 10);
      return LSP_RACP_RESPONSE_LEN;
    case PKT_DEVICE_TIME:
      test_put_u32 (b, rand_u32 ());
      b[4] = rand_raw_offset ();
      return LSP_DEVICE_TIME_LEN;
    case PKT_BATTERY:
      b[0] = (guint8) rand_bounded (LSP_MAX_BATTERY);
      return LSP_BATTERY_LEN;
    case PKT_COUNT:
    default:
      g_assert_not_reached ();
    }
}

/* Decodes buf as packet k; when that succeeds, re-encodes and asserts the
 * same bytes come back. Returns the decoder's status. */
static lsp_status
decode_reencode (packet_kind k, const guint8 *buf, gsize len, gint64 now)
{
  guint8 out[32];
  size_t out_len = 0;
  lsp_status status, enc = LSP_OK;

  switch (k)
    {
    case PKT_FEATURES:
      {
        lsp_features v;
        status = lsp_features_decode (buf, len, &v);
        if (status == LSP_OK)
          enc = lsp_features_encode (&v, out), out_len = LSP_FEATURES_LEN;
        break;
      }
    case PKT_LIVE:
      {
        lsp_live v;
        status = lsp_live_decode (buf, len, &v);
        if (status == LSP_OK)
          enc = lsp_live_encode (&v, out), out_len = LSP_LIVE_LEN;
        break;
      }
    case PKT_RECORD:
      {
        lsp_record v;
        status = lsp_record_decode (buf, len, now, &v);
        if (status == LSP_OK)
          enc = lsp_record_encode (&v, now, out), out_len = LSP_RECORD_LEN;
        break;
      }
    case PKT_RACP_REQUEST:
      {
        lsp_racp_request v;
        status = lsp_racp_request_decode (buf, len, &v);
        if (status == LSP_OK)
          enc = lsp_racp_request_encode (&v, out, &out_len);
        break;
      }
    case PKT_RACP_INDICATION:
      {
        lsp_racp_indication v;
        status = lsp_racp_indication_decode (buf, len, &v);
        if (status == LSP_OK)
          enc = lsp_racp_indication_encode (&v, out, &out_len);
        break;
      }
    case PKT_DEVICE_TIME:
      {
        lsp_device_time v;
        status = lsp_device_time_decode (buf, len, &v);
        if (status == LSP_OK)
          enc = lsp_device_time_encode (&v, out), out_len = LSP_DEVICE_TIME_LEN;
        break;
      }
    case PKT_BATTERY:
      {
        guint8 v;
        status = lsp_battery_decode (buf, len, &v);
        if (status == LSP_OK)
          enc = lsp_battery_encode (v, out), out_len = LSP_BATTERY_LEN;
        break;
      }
    case PKT_COUNT:
    default:
      g_assert_not_reached ();
    }

  if (status == LSP_OK)
    {
      g_assert_cmpint (enc, ==, LSP_OK);
      g_assert_cmpmem (out, out_len, buf, len);
    }
  return status;
}

static void
test_bytes_roundtrip (void)
{
  for (int k = 0; k < PKT_COUNT; k++)
    for (int i = 0; i < ITERATIONS; i++)
      {
        guint8 buf[32];
        gint64 now = rand_now ();
        gsize len = rand_valid_bytes ((packet_kind) k, buf, now);

        g_assert_cmpint (decode_reencode ((packet_kind) k, buf, len, now), ==,
                         LSP_OK);
      }
}

/* ------------------------------------------------------------ garbage */

static void
test_garbage (void)
{
  for (int k = 0; k < PKT_COUNT; k++)
    for (int i = 0; i < ITERATIONS; i++)
      {
        guint8 buf[32];
        gint64 now = rand_now ();
        gsize len;
        lsp_status status;
        const char *msg;

        for (gsize j = 0; j < sizeof buf; j++)
          buf[j] = (guint8) rand_u32 ();
        if (g_test_rand_bit ())
          {
            /* Uniform garbage of a random length. */
            len = (gsize) g_test_rand_int_range (0, GARBAGE_MAX_LEN + 1);
          }
        else
          {
            /* A valid packet with a byte or two broken, or cut, or grown:
             * reaches the checks behind the length. */
            len = rand_valid_bytes ((packet_kind) k, buf, now);
            for (int n = g_test_rand_int_range (1, 3); n > 0; n--)
              buf[g_test_rand_int_range (0, (gint32) len)] = (guint8) rand_u32 ();
            if (g_test_rand_int_range (0, 8) == 0)
              len = (gsize) g_test_rand_int_range (0, GARBAGE_MAX_LEN + 1);
          }

        status = decode_reencode ((packet_kind) k, buf, len, now);
        msg = lsp_status_message (status);
        g_assert_nonnull (msg);
        g_assert_cmpstr (msg, !=, "");
        g_assert_cmpstr (msg, !=, "unknown status");
        g_assert_cmpint (status, !=, LSP_ERR_NULL_ARGUMENT);
      }
}

void
test_lsp_add_random_tests (void)
{
  g_test_add_func ("/lsp/random/roundtrip-features", test_roundtrip_features);
  g_test_add_func ("/lsp/random/roundtrip-live", test_roundtrip_live);
  g_test_add_func ("/lsp/random/roundtrip-record", test_roundtrip_record);
  g_test_add_func ("/lsp/random/roundtrip-racp", test_roundtrip_racp);
  g_test_add_func ("/lsp/random/roundtrip-time-battery",
                   test_roundtrip_time_battery);
  g_test_add_func ("/lsp/random/bytes-roundtrip", test_bytes_roundtrip);
  g_test_add_func ("/lsp/random/garbage", test_garbage);
}
