/* test-lsp.c — LSP v1 codec unit tests: status text, Sensor Features,
 * Live Progress, Device Time, Battery Level and NULL arguments. The other
 * packets are in test-lsp-record.c and test-lsp-racp.c; randomized tests
 * in test-lsp-random.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "test-lsp.h"

/* ------------------------------------------------------------ helpers */

gsize
test_hex (const char *hex, guint8 *out, gsize max)
{
  gsize n = 0;

  while (*hex != '\0')
    {
      int hi, lo;

      if (*hex == ' ')
        {
          hex++;
          continue;
        }
      hi = g_ascii_xdigit_value (hex[0]);
      lo = g_ascii_xdigit_value (hex[1]);
      g_assert_true (hi >= 0 && lo >= 0);
      g_assert_cmpuint (n, <, max);
      out[n++] = (guint8) (hi * 16 + lo);
      hex += 2;
    }
  return n;
}

void
test_put_u16 (guint8 *p, guint16 v)
{
  p[0] = (guint8) (v & 0xFF);
  p[1] = (guint8) (v >> 8);
}

void
test_put_u32 (guint8 *p, guint32 v)
{
  test_put_u16 (p, (guint16) (v & 0xFFFF));
  test_put_u16 (p + 2, (guint16) (v >> 16));
}

/* ------------------------------------------------------------ status */

static const lsp_status all_statuses[] = {
  LSP_OK, LSP_ERR_NULL_ARGUMENT,
  LSP_ERR_FEATURES_LENGTH, LSP_ERR_FEATURES_VERSION, LSP_ERR_FEATURES_KIND,
  LSP_ERR_FEATURES_RESERVED_CAPS,
  LSP_ERR_LIVE_LENGTH, LSP_ERR_LIVE_RESERVED_FLAGS, LSP_ERR_LIVE_SEQ,
  LSP_ERR_LIVE_ELAPSED, LSP_ERR_LIVE_VOLUME_LEFT, LSP_ERR_LIVE_VOLUME_RIGHT,
  LSP_ERR_LIVE_SUPPLEMENT, LSP_ERR_LIVE_SUCTION, LSP_ERR_LIVE_BATTERY,
  LSP_ERR_RECORD_LENGTH, LSP_ERR_RECORD_SEQ, LSP_ERR_RECORD_START_TOO_EARLY,
  LSP_ERR_RECORD_START_IN_FUTURE, LSP_ERR_RECORD_UTC_OFFSET,
  LSP_ERR_RECORD_KIND, LSP_ERR_RECORD_RESERVED_FLAGS,
  LSP_ERR_RECORD_DURATION_LEFT, LSP_ERR_RECORD_DURATION_RIGHT,
  LSP_ERR_RECORD_VOLUME_LEFT, LSP_ERR_RECORD_VOLUME_RIGHT,
  LSP_ERR_RECORD_SUPPLEMENT, LSP_ERR_RECORD_SEQ_ERASED,
  LSP_ERR_RACP_LENGTH, LSP_ERR_RACP_OPCODE, LSP_ERR_RACP_OPERATOR_INVALID,
  LSP_ERR_RACP_OPERATOR_UNSUPPORTED, LSP_ERR_RACP_FILTER,
  LSP_ERR_RACP_OPERAND,
  LSP_ERR_INDICATION_LENGTH, LSP_ERR_INDICATION_OPCODE,
  LSP_ERR_INDICATION_OPERATOR, LSP_ERR_INDICATION_RESPONSE_CODE,
  LSP_ERR_TIME_LENGTH, LSP_ERR_TIME_UTC_OFFSET,
  LSP_ERR_BATTERY_LENGTH, LSP_ERR_BATTERY_RANGE,
};

static const char *
packet_prefix (lsp_status status)
{
  if (status >= 10 && status < 20) return "sensor features: ";
  if (status >= 20 && status < 40) return "live progress: ";
  if (status >= 40 && status < 60) return "session record: ";
  if (status >= 60 && status < 80) return "RACP request: ";
  if (status >= 80 && status < 90) return "RACP indication: ";
  if (status >= 90 && status < 100) return "device time: ";
  if (status >= 100) return "battery level: ";
  return "";
}

static void
test_status_text (void)
{
  gsize n = G_N_ELEMENTS (all_statuses);

  /* Stable values: they are stored with rejected records. */
  g_assert_cmpint (LSP_ERR_FEATURES_RESERVED_CAPS, ==, 13);
  g_assert_cmpint (LSP_ERR_LIVE_BATTERY, ==, 28);
  g_assert_cmpint (LSP_ERR_RECORD_SUPPLEMENT, ==, 51);
  g_assert_cmpint (LSP_ERR_RECORD_SEQ_ERASED, ==, 52);
  g_assert_cmpint (LSP_ERR_RACP_OPERAND, ==, 65);
  g_assert_cmpint (LSP_ERR_INDICATION_RESPONSE_CODE, ==, 83);
  g_assert_cmpint (LSP_ERR_TIME_UTC_OFFSET, ==, 91);
  g_assert_cmpint (LSP_ERR_BATTERY_RANGE, ==, 101);

  for (gsize i = 0; i < n; i++)
    {
      const char *msg = lsp_status_message (all_statuses[i]);
      const char *name = lsp_status_name (all_statuses[i]);

      g_assert_nonnull (msg);
      g_assert_nonnull (name);
      g_assert_cmpstr (msg, !=, "unknown status");
      g_assert_cmpstr (name, !=, "UNKNOWN");
      g_assert_true (g_str_has_prefix (msg, packet_prefix (all_statuses[i])));
      g_assert_false (g_str_has_prefix (name, "LSP_"));
      g_assert_false (g_str_has_prefix (name, "ERR_"));
      for (gsize j = 0; j < i; j++)
        {
          g_assert_cmpstr (msg, !=, lsp_status_message (all_statuses[j]));
          g_assert_cmpstr (name, !=, lsp_status_name (all_statuses[j]));
        }
    }

  g_assert_cmpstr (lsp_status_name (LSP_OK), ==, "OK");
  g_assert_cmpstr (lsp_status_name (LSP_ERR_RECORD_KIND), ==, "RECORD_KIND");
  g_assert_cmpstr (lsp_status_name (LSP_ERR_RACP_OPERATOR_UNSUPPORTED), ==,
                   "RACP_OPERATOR_UNSUPPORTED");
  g_assert_cmpstr (lsp_status_message (LSP_ERR_RECORD_KIND), ==,
                   "session record: kind 3 is invalid");
  g_assert_cmpstr (lsp_status_message (LSP_ERR_LIVE_ELAPSED), ==,
                   "live progress: elapsed time exceeds 14400 s");
  g_assert_cmpstr (lsp_status_message ((lsp_status) 9999), ==,
                   "unknown status");
  g_assert_cmpstr (lsp_status_message ((lsp_status) 14), ==,
                   "unknown status");
  g_assert_cmpstr (lsp_status_name ((lsp_status) 9999), ==, "UNKNOWN");
}

/* ------------------------------------------------------------ features */

static void
test_features_vectors (void)
{
  guint8 buf[16], enc[LSP_FEATURES_LEN];
  lsp_features f;
  gsize len;

  len = test_hex ("01 01 7f 00 78 56 34 12 c8 00", buf, sizeof buf);
  g_assert_cmpint (lsp_features_decode (buf, len, &f), ==, LSP_OK);
  g_assert_cmpuint (f.protocol_version, ==, 1);
  g_assert_cmpint (f.kind, ==, LSP_SENSOR_KIND_PUMP);
  g_assert_cmphex (f.capabilities, ==, LSP_CAP_ALL);
  g_assert_cmphex (f.record_epoch, ==, 0x12345678);
  g_assert_cmpuint (f.capacity, ==, 200);
  g_assert_cmpint (lsp_features_encode (&f, enc), ==, LSP_OK);
  g_assert_cmpmem (enc, sizeof enc, buf, len);

  len = test_hex ("01 02 25 00 01 00 00 00 ff ff", buf, sizeof buf);
  g_assert_cmpint (lsp_features_decode (buf, len, &f), ==, LSP_OK);
  g_assert_cmpint (f.kind, ==, LSP_SENSOR_KIND_SNS);
  g_assert_cmphex (f.capabilities, ==,
                   LSP_CAP_VOLUME_PER_SIDE | LSP_CAP_SUPPLEMENT_VOLUME |
                   LSP_CAP_DEVICE_TIME);
  g_assert_cmphex (f.record_epoch, ==, 1);
  g_assert_cmpuint (f.capacity, ==, 65535);

  len = test_hex ("01 01 00 00 00 00 00 00 00 00", buf, sizeof buf);
  g_assert_cmpint (lsp_features_decode (buf, len, &f), ==, LSP_OK);
  g_assert_cmphex (f.capabilities, ==, 0);
}

static void
test_features_errors (void)
{
  static const struct { const char *hex; lsp_status status; } cases[] = {
    { "", LSP_ERR_FEATURES_LENGTH },
    { "01 01 7f 00 78 56 34 12 c8", LSP_ERR_FEATURES_LENGTH },
    { "01 01 7f 00 78 56 34 12 c8 00 00", LSP_ERR_FEATURES_LENGTH },
    { "00 01 7f 00 78 56 34 12 c8 00", LSP_ERR_FEATURES_VERSION },
    { "02 01 7f 00 78 56 34 12 c8 00", LSP_ERR_FEATURES_VERSION },
    { "ff 03 ff ff 78 56 34 12 c8 00", LSP_ERR_FEATURES_VERSION },
    { "01 00 7f 00 78 56 34 12 c8 00", LSP_ERR_FEATURES_KIND },
    { "01 03 7f 00 78 56 34 12 c8 00", LSP_ERR_FEATURES_KIND },
    { "01 ff ff ff 78 56 34 12 c8 00", LSP_ERR_FEATURES_KIND },
    { "01 01 80 00 78 56 34 12 c8 00", LSP_ERR_FEATURES_RESERVED_CAPS },
    { "01 01 00 01 78 56 34 12 c8 00", LSP_ERR_FEATURES_RESERVED_CAPS },
    { "01 02 00 80 78 56 34 12 c8 00", LSP_ERR_FEATURES_RESERVED_CAPS },
    { "01 02 ff ff 78 56 34 12 c8 00", LSP_ERR_FEATURES_RESERVED_CAPS },
  };
  guint8 buf[16];
  lsp_features f, untouched;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = test_hex (cases[i].hex, buf, sizeof buf);

      memset (&f, 0x5A, sizeof f);
      untouched = f;
      g_test_message ("features %s", cases[i].hex);
      g_assert_cmpint (lsp_features_decode (buf, len, &f), ==, cases[i].status);
      g_assert_cmpmem (&f, sizeof f, &untouched, sizeof untouched);
    }
}

static void
test_features_encode_refusals (void)
{
  const lsp_features good = { 1, LSP_SENSOR_KIND_PUMP, LSP_CAP_ALL, 9, 100 };
  lsp_features f;
  guint8 out[LSP_FEATURES_LEN], fill[LSP_FEATURES_LEN];

  memset (fill, 0xAA, sizeof fill);
#define REFUSE(mutation, expected)                                     \
  G_STMT_START {                                                       \
    f = good;                                                          \
    mutation;                                                          \
    memcpy (out, fill, sizeof out);                                    \
    g_assert_cmpint (lsp_features_encode (&f, out), ==, expected);     \
    g_assert_cmpmem (out, sizeof out, fill, sizeof fill);              \
  } G_STMT_END
  REFUSE (f.protocol_version = 0, LSP_ERR_FEATURES_VERSION);
  REFUSE (f.protocol_version = 2, LSP_ERR_FEATURES_VERSION);
  REFUSE (f.kind = (lsp_sensor_kind) 0, LSP_ERR_FEATURES_KIND);
  REFUSE (f.kind = (lsp_sensor_kind) 3, LSP_ERR_FEATURES_KIND);
  REFUSE (f.capabilities = 0x80, LSP_ERR_FEATURES_RESERVED_CAPS);
  REFUSE (f.capabilities = 0x8000, LSP_ERR_FEATURES_RESERVED_CAPS);
  REFUSE ((f.protocol_version = 3, f.kind = (lsp_sensor_kind) 9),
          LSP_ERR_FEATURES_VERSION);
#undef REFUSE
}

/* ------------------------------------------------------------ live */

static void
test_live_vectors (void)
{
  guint8 buf[16], enc[LSP_LIVE_LEN];
  lsp_live l;
  gsize len;

  /* Both sides, expression, active; seq 42; 754 s; 123.4 mL left, right
   * not measured, 0.0 mL supplement; suction 7; battery 85 %. */
  len = test_hex ("1b 2a 00 00 00 f2 02 d2 04 ff ff 00 00 07 55",
                  buf, sizeof buf);
  g_assert_cmpint (lsp_live_decode (buf, len, &l), ==, LSP_OK);
  g_assert_cmpint (l.side, ==, LSP_SIDE_BOTH);
  g_assert_cmpint (l.phase, ==, LSP_PHASE_EXPRESSION);
  g_assert_true (l.active);
  g_assert_cmpuint (l.seq, ==, 42);
  g_assert_cmpuint (l.elapsed_s, ==, 754);
  g_assert_true (l.volume_left.measured);
  g_assert_cmpuint (l.volume_left.tenths, ==, 1234);
  g_assert_false (l.volume_right.measured);
  g_assert_cmpuint (l.volume_right.tenths, ==, 0);
  g_assert_true (l.supplement.measured);
  g_assert_cmpuint (l.supplement.tenths, ==, 0);
  g_assert_true (l.has_suction);
  g_assert_cmpuint (l.suction, ==, 7);
  g_assert_true (l.has_battery);
  g_assert_cmpuint (l.battery_percent, ==, 85);
  g_assert_cmpint (lsp_live_encode (&l, enc), ==, LSP_OK);
  g_assert_cmpmem (enc, sizeof enc, buf, len);

  /* The end packet: left, idle, not active; every upper bound. */
  len = test_hex ("01 04 03 02 01 40 38 10 27 00 00 ff ff ff ff",
                  buf, sizeof buf);
  g_assert_cmpint (lsp_live_decode (buf, len, &l), ==, LSP_OK);
  g_assert_cmpint (l.side, ==, LSP_SIDE_LEFT);
  g_assert_cmpint (l.phase, ==, LSP_PHASE_IDLE);
  g_assert_false (l.active);
  g_assert_cmphex (l.seq, ==, 0x01020304);
  g_assert_cmpuint (l.elapsed_s, ==, 14400);
  g_assert_true (l.volume_left.measured);
  g_assert_cmpuint (l.volume_left.tenths, ==, 10000);
  g_assert_true (l.volume_right.measured);
  g_assert_cmpuint (l.volume_right.tenths, ==, 0);
  g_assert_false (l.supplement.measured);
  g_assert_false (l.has_suction);
  g_assert_cmpuint (l.suction, ==, 0);
  g_assert_false (l.has_battery);
  g_assert_cmpuint (l.battery_percent, ==, 0);
  g_assert_cmpint (lsp_live_encode (&l, enc), ==, LSP_OK);
  g_assert_cmpmem (enc, sizeof enc, buf, len);

  /* Right side, stimulation / paused phases; suction 0, battery 0. */
  len = test_hex ("06 01 00 00 00 00 00 00 00 00 00 00 00 00 00",
                  buf, sizeof buf);
  g_assert_cmpint (lsp_live_decode (buf, len, &l), ==, LSP_OK);
  g_assert_cmpint (l.side, ==, LSP_SIDE_RIGHT);
  g_assert_cmpint (l.phase, ==, LSP_PHASE_STIMULATION);
  g_assert_true (l.has_suction);
  g_assert_cmpuint (l.suction, ==, 0);
  g_assert_true (l.has_battery);
  g_assert_cmpuint (l.battery_percent, ==, 0);
  len = test_hex ("1c ff ff ff ff 00 00 00 00 00 00 00 00 0f 64",
                  buf, sizeof buf);
  g_assert_cmpint (lsp_live_decode (buf, len, &l), ==, LSP_OK);
  g_assert_cmpint (l.side, ==, LSP_SIDE_NONE);
  g_assert_cmpint (l.phase, ==, LSP_PHASE_PAUSED);
  g_assert_true (l.active);
  g_assert_cmphex (l.seq, ==, 0xFFFFFFFF);
  g_assert_cmpuint (l.suction, ==, 15);
  g_assert_cmpuint (l.battery_percent, ==, 100);
}

static const char live_base[] = "1b 2a 00 00 00 f2 02 d2 04 ff ff 00 00 07 55";

static lsp_status
live_with_u16 (gsize offset, guint16 value, lsp_live *l)
{
  guint8 buf[16];
  gsize len = test_hex (live_base, buf, sizeof buf);

  test_put_u16 (buf + offset, value);
  return lsp_live_decode (buf, len, l);
}

static lsp_status
live_with_u8 (gsize offset, guint8 value, lsp_live *l)
{
  guint8 buf[16];
  gsize len = test_hex (live_base, buf, sizeof buf);

  buf[offset] = value;
  return lsp_live_decode (buf, len, l);
}

static void
test_live_boundaries (void)
{
  static const struct { gsize offset; lsp_status status; } volumes[] = {
    { 7, LSP_ERR_LIVE_VOLUME_LEFT },
    { 9, LSP_ERR_LIVE_VOLUME_RIGHT },
    { 11, LSP_ERR_LIVE_SUPPLEMENT },
  };
  guint8 buf[16];
  lsp_live l;
  gsize len;

  /* Length: 0, short by one, long by one. */
  len = test_hex (live_base, buf, sizeof buf);
  g_assert_cmpint (lsp_live_decode (buf, 0, &l), ==, LSP_ERR_LIVE_LENGTH);
  g_assert_cmpint (lsp_live_decode (buf, len - 1, &l), ==, LSP_ERR_LIVE_LENGTH);
  g_assert_cmpint (lsp_live_decode (buf, len + 1, &l), ==, LSP_ERR_LIVE_LENGTH);

  /* Flags: bits 5, 6, 7 each; bit 4 is the active bit. */
  g_assert_cmpint (live_with_u8 (0, 0x1F, &l), ==, LSP_OK);
  g_assert_cmpint (live_with_u8 (0, 0x20, &l), ==, LSP_ERR_LIVE_RESERVED_FLAGS);
  g_assert_cmpint (live_with_u8 (0, 0x40, &l), ==, LSP_ERR_LIVE_RESERVED_FLAGS);
  g_assert_cmpint (live_with_u8 (0, 0x80, &l), ==, LSP_ERR_LIVE_RESERVED_FLAGS);

  /* Sequence number: 0 fails, 1 is the smallest. */
  len = test_hex (live_base, buf, sizeof buf);
  test_put_u32 (buf + 1, 0);
  g_assert_cmpint (lsp_live_decode (buf, len, &l), ==, LSP_ERR_LIVE_SEQ);
  test_put_u32 (buf + 1, 1);
  g_assert_cmpint (lsp_live_decode (buf, len, &l), ==, LSP_OK);
  g_assert_cmpuint (l.seq, ==, 1);

  /* Elapsed. */
  g_assert_cmpint (live_with_u16 (5, 14400, &l), ==, LSP_OK);
  g_assert_cmpuint (l.elapsed_s, ==, 14400);
  g_assert_cmpint (live_with_u16 (5, 14401, &l), ==, LSP_ERR_LIVE_ELAPSED);
  g_assert_cmpint (live_with_u16 (5, 0xFFFF, &l), ==, LSP_ERR_LIVE_ELAPSED);
  g_assert_cmpint (live_with_u16 (5, 0, &l), ==, LSP_OK);

  /* Each volume: 10000 ok, 10001 and 0xFFFE fail, 0xFFFF unmeasured. */
  for (gsize i = 0; i < G_N_ELEMENTS (volumes); i++)
    {
      const lsp_volume *v = i == 0 ? &l.volume_left
                          : i == 1 ? &l.volume_right : &l.supplement;

      g_assert_cmpint (live_with_u16 (volumes[i].offset, 10000, &l), ==, LSP_OK);
      g_assert_true (v->measured);
      g_assert_cmpuint (v->tenths, ==, 10000);
      g_assert_cmpint (live_with_u16 (volumes[i].offset, 0, &l), ==, LSP_OK);
      g_assert_true (v->measured);
      g_assert_cmpuint (v->tenths, ==, 0);
      g_assert_cmpint (live_with_u16 (volumes[i].offset, 10001, &l), ==,
                       volumes[i].status);
      g_assert_cmpint (live_with_u16 (volumes[i].offset, 0xFFFE, &l), ==,
                       volumes[i].status);
      g_assert_cmpint (live_with_u16 (volumes[i].offset, 0xFFFF, &l), ==, LSP_OK);
      g_assert_false (v->measured);
      g_assert_cmpuint (v->tenths, ==, 0);
    }

  /* Suction: 15 ok, 16 and 0xFE fail, 0xFF not applicable. */
  g_assert_cmpint (live_with_u8 (13, 15, &l), ==, LSP_OK);
  g_assert_true (l.has_suction);
  g_assert_cmpuint (l.suction, ==, 15);
  g_assert_cmpint (live_with_u8 (13, 16, &l), ==, LSP_ERR_LIVE_SUCTION);
  g_assert_cmpint (live_with_u8 (13, 0xFE, &l), ==, LSP_ERR_LIVE_SUCTION);
  g_assert_cmpint (live_with_u8 (13, 0xFF, &l), ==, LSP_OK);
  g_assert_false (l.has_suction);
  g_assert_cmpuint (l.suction, ==, 0);

  /* Battery: 100 ok, 101 and 0xFE fail, 0xFF unknown. */
  g_assert_cmpint (live_with_u8 (14, 100, &l), ==, LSP_OK);
  g_assert_true (l.has_battery);
  g_assert_cmpuint (l.battery_percent, ==, 100);
  g_assert_cmpint (live_with_u8 (14, 101, &l), ==, LSP_ERR_LIVE_BATTERY);
  g_assert_cmpint (live_with_u8 (14, 0xFE, &l), ==, LSP_ERR_LIVE_BATTERY);
  g_assert_cmpint (live_with_u8 (14, 0xFF, &l), ==, LSP_OK);
  g_assert_false (l.has_battery);
  g_assert_cmpuint (l.battery_percent, ==, 0);
}

/* Every field broken at once, then repaired one by one in byte order:
 * the decoder must name the first broken field each time. */
static void
test_live_check_order (void)
{
  static const lsp_status expected[] = {
    LSP_ERR_LIVE_RESERVED_FLAGS, LSP_ERR_LIVE_SEQ, LSP_ERR_LIVE_ELAPSED,
    LSP_ERR_LIVE_VOLUME_LEFT, LSP_ERR_LIVE_VOLUME_RIGHT,
    LSP_ERR_LIVE_SUPPLEMENT, LSP_ERR_LIVE_SUCTION, LSP_ERR_LIVE_BATTERY,
    LSP_OK,
  };
  guint8 buf[LSP_LIVE_LEN];
  lsp_live l;

  test_hex ("e0 00 00 00 00 41 38 11 27 fe ff 11 27 10 65", buf, sizeof buf);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (lsp_live_decode (buf, sizeof buf, &l), ==, expected[i]);
      switch (i)
        {
        case 0: buf[0] = 0x00; break;
        case 1: buf[1] = 0x01; break;
        case 2: test_put_u16 (buf + 5, 1); break;
        case 3: test_put_u16 (buf + 7, 1); break;
        case 4: test_put_u16 (buf + 9, 1); break;
        case 5: test_put_u16 (buf + 11, 1); break;
        case 6: buf[13] = 1; break;
        case 7: buf[14] = 1; break;
        default: break;
        }
    }
}

static void
test_live_encode (void)
{
  lsp_live good = { 0 }, l;
  guint8 out[LSP_LIVE_LEN], fill[LSP_LIVE_LEN];
  lsp_live back;

  good.side = LSP_SIDE_LEFT;
  good.phase = LSP_PHASE_STIMULATION;
  good.seq = 3;
  good.elapsed_s = 60;
  good.volume_left = (lsp_volume) { true, 10000 };
  memset (fill, 0xAA, sizeof fill);

#define REFUSE(mutation, expected)                                     \
  G_STMT_START {                                                       \
    l = good;                                                          \
    mutation;                                                          \
    memcpy (out, fill, sizeof out);                                    \
    g_assert_cmpint (lsp_live_encode (&l, out), ==, expected);         \
    g_assert_cmpmem (out, sizeof out, fill, sizeof fill);              \
  } G_STMT_END
  REFUSE (l.side = (lsp_side) 4, LSP_ERR_LIVE_RESERVED_FLAGS);
  REFUSE (l.phase = (lsp_phase) 4, LSP_ERR_LIVE_RESERVED_FLAGS);
  REFUSE (l.phase = (lsp_phase) -1, LSP_ERR_LIVE_RESERVED_FLAGS);
  REFUSE (l.seq = 0, LSP_ERR_LIVE_SEQ);
  REFUSE (l.elapsed_s = 14401, LSP_ERR_LIVE_ELAPSED);
  REFUSE (l.volume_left.tenths = 10001, LSP_ERR_LIVE_VOLUME_LEFT);
  REFUSE (l.volume_left.tenths = 0xFFFF, LSP_ERR_LIVE_VOLUME_LEFT);
  REFUSE (l.volume_right = ((lsp_volume) { true, 10001 }),
          LSP_ERR_LIVE_VOLUME_RIGHT);
  REFUSE (l.supplement = ((lsp_volume) { true, 0xFFFE }),
          LSP_ERR_LIVE_SUPPLEMENT);
  REFUSE ((l.has_suction = true, l.suction = 16), LSP_ERR_LIVE_SUCTION);
  REFUSE ((l.has_suction = true, l.suction = 0xFF), LSP_ERR_LIVE_SUCTION);
  REFUSE ((l.has_battery = true, l.battery_percent = 101),
          LSP_ERR_LIVE_BATTERY);
  REFUSE ((l.has_battery = true, l.battery_percent = 0xFF),
          LSP_ERR_LIVE_BATTERY);
  REFUSE ((l.seq = 0, l.elapsed_s = 20000), LSP_ERR_LIVE_SEQ);
#undef REFUSE

  /* Companions of absent values are ignored, and decode as 0. */
  l = good;
  l.volume_right = (lsp_volume) { false, 5000 };
  l.suction = 99;
  l.battery_percent = 200;
  g_assert_cmpint (lsp_live_encode (&l, out), ==, LSP_OK);
  g_assert_cmpuint (out[9], ==, 0xFF);
  g_assert_cmpuint (out[10], ==, 0xFF);
  g_assert_cmpuint (out[13], ==, 0xFF);
  g_assert_cmpuint (out[14], ==, 0xFF);
  g_assert_cmpint (lsp_live_decode (out, sizeof out, &back), ==, LSP_OK);
  g_assert_cmpuint (back.volume_right.tenths, ==, 0);
  g_assert_cmpuint (back.suction, ==, 0);
  g_assert_cmpuint (back.battery_percent, ==, 0);
  g_assert_cmphex (out[0], ==, 0x05);
}

/* ------------------------------------------------------------ device time */

static void
test_device_time (void)
{
  static const struct {
    const char *hex; lsp_status status; guint32 utc; gboolean known; int q;
  } cases[] = {
    { "00 b9 55 69 04", LSP_OK, 1767225600, TRUE, 4 },
    { "00 00 00 00 80", LSP_OK, 0, FALSE, 0 },
    { "ff ff ff ff d0", LSP_OK, 0xFFFFFFFF, TRUE, -48 },
    { "01 00 00 00 38", LSP_OK, 1, TRUE, 56 },
    { "00 e1 0b 5e 00", LSP_OK, 1577836800, TRUE, 0 },
    { "00 e1 0b 5e cf", LSP_ERR_TIME_UTC_OFFSET, 0, FALSE, 0 },
    { "00 e1 0b 5e 39", LSP_ERR_TIME_UTC_OFFSET, 0, FALSE, 0 },
    { "00 e1 0b 5e 7f", LSP_ERR_TIME_UTC_OFFSET, 0, FALSE, 0 },
    { "00 e1 0b 5e 81", LSP_ERR_TIME_UTC_OFFSET, 0, FALSE, 0 },
    { "", LSP_ERR_TIME_LENGTH, 0, FALSE, 0 },
    { "00 e1 0b 5e", LSP_ERR_TIME_LENGTH, 0, FALSE, 0 },
    { "00 e1 0b 5e 00 00", LSP_ERR_TIME_LENGTH, 0, FALSE, 0 },
  };
  guint8 buf[8], enc[LSP_DEVICE_TIME_LEN], fill[LSP_DEVICE_TIME_LEN];
  lsp_device_time t;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = test_hex (cases[i].hex, buf, sizeof buf);

      g_test_message ("device time %s", cases[i].hex);
      g_assert_cmpint (lsp_device_time_decode (buf, len, &t), ==,
                       cases[i].status);
      if (cases[i].status != LSP_OK)
        continue;
      g_assert_cmpuint (t.utc, ==, cases[i].utc);
      g_assert_cmpint (t.utc_offset_known, ==, cases[i].known);
      g_assert_cmpint (t.utc_offset_quarters, ==, cases[i].q);
      g_assert_cmpint (lsp_device_time_encode (&t, enc), ==, LSP_OK);
      g_assert_cmpmem (enc, sizeof enc, buf, len);
    }

  memset (fill, 0xAA, sizeof fill);
  memcpy (enc, fill, sizeof enc);
  t = (lsp_device_time) { 5, true, 57 };
  g_assert_cmpint (lsp_device_time_encode (&t, enc), ==, LSP_ERR_TIME_UTC_OFFSET);
  t = (lsp_device_time) { 5, true, -49 };
  g_assert_cmpint (lsp_device_time_encode (&t, enc), ==, LSP_ERR_TIME_UTC_OFFSET);
  t = (lsp_device_time) { 5, true, -128 };
  g_assert_cmpint (lsp_device_time_encode (&t, enc), ==, LSP_ERR_TIME_UTC_OFFSET);
  g_assert_cmpmem (enc, sizeof enc, fill, sizeof fill);
  t = (lsp_device_time) { 5, false, 99 };
  g_assert_cmpint (lsp_device_time_encode (&t, enc), ==, LSP_OK);
  g_assert_cmphex (enc[4], ==, 0x80);
}

/* ------------------------------------------------------------ battery */

static void
test_battery (void)
{
  guint8 buf[2] = { 0, 0 }, out[1], percent = 77;

  for (unsigned v = 0; v <= 255; v++)
    {
      buf[0] = (guint8) v;
      if (v <= 100)
        {
          g_assert_cmpint (lsp_battery_decode (buf, 1, &percent), ==, LSP_OK);
          g_assert_cmpuint (percent, ==, v);
          g_assert_cmpint (lsp_battery_encode ((guint8) v, out), ==, LSP_OK);
          g_assert_cmpuint (out[0], ==, v);
        }
      else
        {
          out[0] = 0xAA;
          g_assert_cmpint (lsp_battery_decode (buf, 1, &percent), ==,
                           LSP_ERR_BATTERY_RANGE);
          g_assert_cmpint (lsp_battery_encode ((guint8) v, out), ==,
                           LSP_ERR_BATTERY_RANGE);
          g_assert_cmpuint (out[0], ==, 0xAA);
        }
    }
  g_assert_cmpint (lsp_battery_decode (buf, 0, &percent), ==,
                   LSP_ERR_BATTERY_LENGTH);
  g_assert_cmpint (lsp_battery_decode (buf, 2, &percent), ==,
                   LSP_ERR_BATTERY_LENGTH);
}

/* ------------------------------------------------------------ NULL */

static void
test_null_arguments (void)
{
  guint8 buf[32] = { 0 };
  size_t len;
  lsp_features f = { 1, LSP_SENSOR_KIND_PUMP, 0, 0, 0 };
  lsp_live l = { 0 };
  lsp_record r = { 0 };
  lsp_racp_request q = { LSP_RACP_REPORT, LSP_RACP_OP_ALL, 0 };
  lsp_racp_indication ind = { LSP_RACP_IND_COUNT, 0, 0, 0 };
  lsp_device_time t = { 0 };
  guint8 percent;
  guint32 seq = 0;

  g_assert_cmpint (lsp_features_decode (NULL, 10, &f), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_features_decode (buf, 10, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_live_decode (NULL, 15, &l), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_live_decode (buf, 15, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_record_decode (NULL, 20, TEST_NOW, &r), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_record_decode (buf, 20, TEST_NOW, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_request_decode (NULL, 2, &q), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_request_decode (buf, 2, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_indication_decode (NULL, 4, &ind), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_indication_decode (buf, 4, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_device_time_decode (NULL, 5, &t), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_device_time_decode (buf, 5, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_battery_decode (NULL, 1, &percent), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_battery_decode (buf, 1, NULL), ==, LSP_ERR_NULL_ARGUMENT);

  g_assert_cmpint (lsp_features_encode (NULL, buf), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_features_encode (&f, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_live_encode (NULL, buf), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_live_encode (&l, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_record_encode (NULL, TEST_NOW, buf), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_record_encode (&r, TEST_NOW, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_request_encode (NULL, buf, &len), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_request_encode (&q, NULL, &len), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_request_encode (&q, buf, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_indication_encode (NULL, buf, &len), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_indication_encode (&ind, NULL, &len), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_racp_indication_encode (&ind, buf, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_device_time_encode (NULL, buf), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_device_time_encode (&t, NULL), ==, LSP_ERR_NULL_ARGUMENT);
  g_assert_cmpint (lsp_battery_encode (50, NULL), ==, LSP_ERR_NULL_ARGUMENT);

  g_assert_false (lsp_record_peek_seq (NULL, 20, &seq));
  g_assert_cmpuint (lsp_record_duration_s (NULL), ==, 0);
  g_assert_cmpint (lsp_record_utc_offset_minutes (NULL, 60), ==, 60);
}

void
test_lsp_add_simple_tests (void)
{
  g_test_add_func ("/lsp/status/text", test_status_text);
  g_test_add_func ("/lsp/features/vectors", test_features_vectors);
  g_test_add_func ("/lsp/features/errors", test_features_errors);
  g_test_add_func ("/lsp/features/encode-refusals",
                   test_features_encode_refusals);
  g_test_add_func ("/lsp/live/vectors", test_live_vectors);
  g_test_add_func ("/lsp/live/boundaries", test_live_boundaries);
  g_test_add_func ("/lsp/live/check-order", test_live_check_order);
  g_test_add_func ("/lsp/live/encode", test_live_encode);
  g_test_add_func ("/lsp/device-time", test_device_time);
  g_test_add_func ("/lsp/battery", test_battery);
  g_test_add_func ("/lsp/null-arguments", test_null_arguments);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  test_lsp_add_simple_tests ();
  test_lsp_add_record_tests ();
  test_lsp_add_racp_tests ();
  test_lsp_add_random_tests ();

  return g_test_run ();
}
