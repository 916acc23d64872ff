/* test-lsp-record.c — Session Record vectors, boundaries, check order,
 * encoder refusals and the record helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "test-lsp.h"

/* Pump, double, 15 min a side, +01:00, 120.5 mL left, 98.0 mL right. */
static const char record_base[] =
  "07 00 00 00 70 3a 55 69 04 10 84 03 84 03 b5 04 d4 03 ff ff";

static void
test_record_vectors (void)
{
  guint8 buf[24], enc[LSP_RECORD_LEN];
  lsp_record r;
  gsize len;

  len = test_hex (record_base, buf, sizeof buf);
  g_assert_cmpint (lsp_record_decode (buf, len, TEST_NOW, &r), ==, LSP_OK);
  g_assert_cmpuint (r.seq, ==, 7);
  g_assert_cmpuint (r.start_utc, ==, 1767193200);  /* 2025-12-31 15:00Z */
  g_assert_true (r.utc_offset_known);
  g_assert_cmpint (r.utc_offset_quarters, ==, 4);
  g_assert_cmpint (r.kind, ==, LSP_RECORD_KIND_PUMP);
  g_assert_false (r.interrupted);
  g_assert_false (r.clock_unsynced);
  g_assert_true (r.double_sided);
  g_assert_cmpuint (r.seconds_left, ==, 900);
  g_assert_cmpuint (r.seconds_right, ==, 900);
  g_assert_true (r.volume_left.measured);
  g_assert_cmpuint (r.volume_left.tenths, ==, 1205);
  g_assert_true (r.volume_right.measured);
  g_assert_cmpuint (r.volume_right.tenths, ==, 980);
  g_assert_false (r.supplement.measured);
  g_assert_cmpuint (r.supplement.tenths, ==, 0);
  g_assert_cmpuint (lsp_record_duration_s (&r), ==, 900);
  g_assert_cmpint (lsp_record_utc_offset_minutes (&r, -999), ==, 60);
  g_assert_cmpint (lsp_record_encode (&r, TEST_NOW, enc), ==, LSP_OK);
  g_assert_cmpmem (enc, sizeof enc, buf, len);

  /* SNS feed, interrupted, clock unsynced (start 1000 s after the epoch
   * is then allowed), offset unknown, 45.0 mL supplement. */
  len = test_hex ("00 00 01 00 e8 03 00 00 80 0d 58 02 00 00 ff ff ff ff c2 01",
                  buf, sizeof buf);
  g_assert_cmpint (lsp_record_decode (buf, len, TEST_NOW, &r), ==, LSP_OK);
  g_assert_cmpuint (r.seq, ==, 65536);
  g_assert_cmpuint (r.start_utc, ==, 1000);
  g_assert_false (r.utc_offset_known);
  g_assert_cmpint (r.utc_offset_quarters, ==, 0);
  g_assert_cmpint (r.kind, ==, LSP_RECORD_KIND_SNS);
  g_assert_true (r.interrupted);
  g_assert_true (r.clock_unsynced);
  g_assert_false (r.double_sided);
  g_assert_cmpuint (r.seconds_left, ==, 600);
  g_assert_cmpuint (r.seconds_right, ==, 0);
  g_assert_false (r.volume_left.measured);
  g_assert_false (r.volume_right.measured);
  g_assert_true (r.supplement.measured);
  g_assert_cmpuint (r.supplement.tenths, ==, 450);
  g_assert_cmpuint (lsp_record_duration_s (&r), ==, 600);
  g_assert_cmpint (lsp_record_utc_offset_minutes (&r, -999), ==, -999);
  g_assert_cmpint (lsp_record_encode (&r, TEST_NOW, enc), ==, LSP_OK);
  g_assert_cmpmem (enc, sizeof enc, buf, len);

  /* Hand expression logged on the sensor, -05:00, one side after the
   * other: lasts left + right. */
  len = test_hex ("01 00 00 00 30 02 55 69 ec 02 2c 01 a4 01 58 02 ee 02 ff ff",
                  buf, sizeof buf);
  g_assert_cmpint (lsp_record_decode (buf, len, TEST_NOW, &r), ==, LSP_OK);
  g_assert_cmpuint (r.seq, ==, 1);
  g_assert_cmpuint (r.start_utc, ==, 1767178800);
  g_assert_cmpint (r.utc_offset_quarters, ==, -20);
  g_assert_cmpint (r.kind, ==, LSP_RECORD_KIND_HAND);
  g_assert_false (r.double_sided);
  g_assert_cmpuint (r.seconds_left, ==, 300);
  g_assert_cmpuint (r.seconds_right, ==, 420);
  g_assert_cmpuint (r.volume_left.tenths, ==, 600);
  g_assert_cmpuint (r.volume_right.tenths, ==, 750);
  g_assert_cmpuint (lsp_record_duration_s (&r), ==, 720);
  g_assert_cmpint (lsp_record_utc_offset_minutes (&r, 0), ==, -300);
  g_assert_cmpint (lsp_record_encode (&r, TEST_NOW, enc), ==, LSP_OK);
  g_assert_cmpmem (enc, sizeof enc, buf, len);
}

static lsp_status
record_with_u32 (gsize offset, guint32 value, guint8 flags, gint64 now,
                 lsp_record *r)
{
  guint8 buf[24];
  gsize len = test_hex (record_base, buf, sizeof buf);

  test_put_u32 (buf + offset, value);
  buf[9] = flags;
  return lsp_record_decode (buf, len, now, r);
}

static lsp_status
record_with_u16 (gsize offset, guint16 value, lsp_record *r)
{
  guint8 buf[24];
  gsize len = test_hex (record_base, buf, sizeof buf);

  test_put_u16 (buf + offset, value);
  return lsp_record_decode (buf, len, TEST_NOW, r);
}

static lsp_status
record_with_u8 (gsize offset, guint8 value, lsp_record *r)
{
  guint8 buf[24];
  gsize len = test_hex (record_base, buf, sizeof buf);

  buf[offset] = value;
  return lsp_record_decode (buf, len, TEST_NOW, r);
}

static void
test_record_boundaries (void)
{
  static const struct { gsize offset; lsp_status status; } u16s[] = {
    { 10, LSP_ERR_RECORD_DURATION_LEFT },
    { 12, LSP_ERR_RECORD_DURATION_RIGHT },
    { 14, LSP_ERR_RECORD_VOLUME_LEFT },
    { 16, LSP_ERR_RECORD_VOLUME_RIGHT },
    { 18, LSP_ERR_RECORD_SUPPLEMENT },
  };
  const guint8 synced = 0x10, unsynced = 0x18;
  guint8 buf[24];
  lsp_record r;
  gsize len;

  len = test_hex (record_base, buf, sizeof buf);
  g_assert_cmpint (lsp_record_decode (buf, 0, TEST_NOW, &r), ==, LSP_ERR_RECORD_LENGTH);
  g_assert_cmpint (lsp_record_decode (buf, len - 1, TEST_NOW, &r), ==, LSP_ERR_RECORD_LENGTH);
  g_assert_cmpint (lsp_record_decode (buf, len + 1, TEST_NOW, &r), ==, LSP_ERR_RECORD_LENGTH);

  /* Sequence number. */
  g_assert_cmpint (record_with_u32 (0, 0, synced, TEST_NOW, &r), ==, LSP_ERR_RECORD_SEQ);
  g_assert_cmpint (record_with_u32 (0, 1, synced, TEST_NOW, &r), ==, LSP_OK);
  g_assert_cmpint (record_with_u32 (0, 0xFFFFFFFE, synced, TEST_NOW, &r), ==, LSP_OK);
  g_assert_cmphex (r.seq, ==, 0xFFFFFFFE);
  /* Erased flash reads as all ones: unreadable (lsp-v1 step 4). */
  g_assert_cmpint (record_with_u32 (0, 0xFFFFFFFF, synced, TEST_NOW, &r), ==,
                   LSP_ERR_RECORD_SEQ_ERASED);

  /* Start: 2020-01-01 exactly, one second before; the unsynced bit lifts. */
  g_assert_cmpint (record_with_u32 (4, 1577836800, synced, TEST_NOW, &r), ==, LSP_OK);
  g_assert_cmpuint (r.start_utc, ==, 1577836800);
  g_assert_cmpint (record_with_u32 (4, 1577836799, synced, TEST_NOW, &r), ==,
                   LSP_ERR_RECORD_START_TOO_EARLY);
  g_assert_cmpint (record_with_u32 (4, 0, synced, TEST_NOW, &r), ==,
                   LSP_ERR_RECORD_START_TOO_EARLY);
  g_assert_cmpint (record_with_u32 (4, 1577836799, unsynced, TEST_NOW, &r), ==, LSP_OK);
  g_assert_true (r.clock_unsynced);
  g_assert_cmpuint (r.start_utc, ==, 1577836799);
  g_assert_cmpint (record_with_u32 (4, 0, unsynced, TEST_NOW, &r), ==, LSP_OK);

  /* Start: now + 1 day exactly, one second more; the unsynced bit lifts. */
  g_assert_cmpint (record_with_u32 (4, (guint32) (TEST_NOW + 86400), synced,
                                    TEST_NOW, &r), ==, LSP_OK);
  g_assert_cmpint (record_with_u32 (4, (guint32) (TEST_NOW + 86401), synced,
                                    TEST_NOW, &r), ==,
                   LSP_ERR_RECORD_START_IN_FUTURE);
  g_assert_cmpint (record_with_u32 (4, 0xFFFFFFFF, synced, TEST_NOW, &r), ==,
                   LSP_ERR_RECORD_START_IN_FUTURE);
  g_assert_cmpint (record_with_u32 (4, (guint32) (TEST_NOW + 86401), unsynced,
                                    TEST_NOW, &r), ==, LSP_OK);
  g_assert_cmpint (record_with_u32 (4, 0xFFFFFFFF, unsynced, TEST_NOW, &r), ==, LSP_OK);

  /* Extreme host clocks never overflow. */
  g_assert_cmpint (record_with_u32 (4, 0xFFFFFFFF, synced, G_MAXINT64, &r), ==, LSP_OK);
  g_assert_cmpint (record_with_u32 (4, 1577836800, synced, G_MININT64, &r), ==,
                   LSP_ERR_RECORD_START_IN_FUTURE);
  /* A host clock before 2020 makes every synced start invalid. */
  g_assert_cmpint (record_with_u32 (4, 1577836800, synced, 1577836800 - 86401, &r), ==,
                   LSP_ERR_RECORD_START_IN_FUTURE);

  /* UTC offset: -48, 56 ok; -49, 57, 127, -127 fail; -128 unknown. */
  g_assert_cmpint (record_with_u8 (8, 0xD0, &r), ==, LSP_OK);
  g_assert_cmpint (r.utc_offset_quarters, ==, -48);
  g_assert_cmpint (lsp_record_utc_offset_minutes (&r, 0), ==, -720);
  g_assert_cmpint (record_with_u8 (8, 0x38, &r), ==, LSP_OK);
  g_assert_cmpint (r.utc_offset_quarters, ==, 56);
  g_assert_cmpint (lsp_record_utc_offset_minutes (&r, 0), ==, 840);
  g_assert_cmpint (record_with_u8 (8, 0x00, &r), ==, LSP_OK);
  g_assert_true (r.utc_offset_known);
  g_assert_cmpint (record_with_u8 (8, 0xCF, &r), ==, LSP_ERR_RECORD_UTC_OFFSET);
  g_assert_cmpint (record_with_u8 (8, 0x39, &r), ==, LSP_ERR_RECORD_UTC_OFFSET);
  g_assert_cmpint (record_with_u8 (8, 0x7F, &r), ==, LSP_ERR_RECORD_UTC_OFFSET);
  g_assert_cmpint (record_with_u8 (8, 0x81, &r), ==, LSP_ERR_RECORD_UTC_OFFSET);
  g_assert_cmpint (record_with_u8 (8, 0x80, &r), ==, LSP_OK);
  g_assert_false (r.utc_offset_known);
  g_assert_cmpint (r.utc_offset_quarters, ==, 0);

  /* Byte 9: kind 3; reserved bits 5, 6, 7; kind is checked first. */
  g_assert_cmpint (record_with_u8 (9, 0x02, &r), ==, LSP_OK);
  g_assert_cmpint (record_with_u8 (9, 0x03, &r), ==, LSP_ERR_RECORD_KIND);
  g_assert_cmpint (record_with_u8 (9, 0x1F, &r), ==, LSP_ERR_RECORD_KIND);
  g_assert_cmpint (record_with_u8 (9, 0x20, &r), ==, LSP_ERR_RECORD_RESERVED_FLAGS);
  g_assert_cmpint (record_with_u8 (9, 0x40, &r), ==, LSP_ERR_RECORD_RESERVED_FLAGS);
  g_assert_cmpint (record_with_u8 (9, 0x80, &r), ==, LSP_ERR_RECORD_RESERVED_FLAGS);
  g_assert_cmpint (record_with_u8 (9, 0xE3, &r), ==, LSP_ERR_RECORD_KIND);
  g_assert_cmpint (record_with_u8 (9, 0x1E, &r), ==, LSP_OK);
  g_assert_true (r.interrupted);
  g_assert_true (r.clock_unsynced);
  g_assert_true (r.double_sided);
  g_assert_cmpint (r.kind, ==, LSP_RECORD_KIND_HAND);

  /* Durations 14400 / 14401; volumes 10000 / 10001 / 0xFFFE / 0xFFFF. */
  for (gsize i = 0; i < G_N_ELEMENTS (u16s); i++)
    {
      gboolean is_volume = u16s[i].offset >= 14;

      g_test_message ("record u16 at %zu", (size_t) u16s[i].offset);
      if (!is_volume)
        {
          g_assert_cmpint (record_with_u16 (u16s[i].offset, 14400, &r), ==, LSP_OK);
          g_assert_cmpint (record_with_u16 (u16s[i].offset, 14401, &r), ==,
                           u16s[i].status);
          g_assert_cmpint (record_with_u16 (u16s[i].offset, 0xFFFF, &r), ==,
                           u16s[i].status);
          continue;
        }
      g_assert_cmpint (record_with_u16 (u16s[i].offset, 10000, &r), ==, LSP_OK);
      g_assert_cmpint (record_with_u16 (u16s[i].offset, 10001, &r), ==,
                       u16s[i].status);
      g_assert_cmpint (record_with_u16 (u16s[i].offset, 0xFFFE, &r), ==,
                       u16s[i].status);
      g_assert_cmpint (record_with_u16 (u16s[i].offset, 0xFFFF, &r), ==, LSP_OK);
    }
  g_assert_cmpint (record_with_u16 (10, 14400, &r), ==, LSP_OK);
  g_assert_cmpuint (r.seconds_left, ==, 14400);
  g_assert_cmpint (record_with_u16 (16, 10000, &r), ==, LSP_OK);
  g_assert_cmpuint (r.volume_right.tenths, ==, 10000);
  g_assert_cmpint (record_with_u16 (14, 0xFFFF, &r), ==, LSP_OK);
  g_assert_false (r.volume_left.measured);
  g_assert_cmpuint (r.volume_left.tenths, ==, 0);
}

/* Every rule broken at once, repaired one at a time in byte order. */
static void
test_record_check_order (void)
{
  static const lsp_status expected[] = {
    LSP_ERR_RECORD_SEQ, LSP_ERR_RECORD_START_TOO_EARLY,
    LSP_ERR_RECORD_START_IN_FUTURE, LSP_ERR_RECORD_UTC_OFFSET,
    LSP_ERR_RECORD_KIND, LSP_ERR_RECORD_RESERVED_FLAGS,
    LSP_ERR_RECORD_DURATION_LEFT, LSP_ERR_RECORD_DURATION_RIGHT,
    LSP_ERR_RECORD_VOLUME_LEFT, LSP_ERR_RECORD_VOLUME_RIGHT,
    LSP_ERR_RECORD_SUPPLEMENT, LSP_OK,
  };
  guint8 buf[LSP_RECORD_LEN];
  lsp_record r;

  test_hex ("00 00 00 00 ff e0 0b 5e 39 e3 41 38 41 38 11 27 fe ff 11 27",
            buf, sizeof buf);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (lsp_record_decode (buf, sizeof buf, TEST_NOW, &r), ==,
                       expected[i]);
      switch (i)
        {
        case 0: test_put_u32 (buf, 9); break;
        case 1: test_put_u32 (buf + 4, (guint32) (TEST_NOW + 86401)); break;
        case 2: test_put_u32 (buf + 4, (guint32) TEST_NOW); break;
        case 3: buf[8] = 0; break;
        case 4: buf[9] = 0xE0; break;
        case 5: buf[9] = 0x00; break;
        case 6: test_put_u16 (buf + 10, 1); break;
        case 7: test_put_u16 (buf + 12, 1); break;
        case 8: test_put_u16 (buf + 14, 1); break;
        case 9: test_put_u16 (buf + 16, 1); break;
        case 10: test_put_u16 (buf + 18, 1); break;
        default: break;
        }
    }
}

static void
test_record_encode (void)
{
  guint8 buf[24], out[LSP_RECORD_LEN], fill[LSP_RECORD_LEN];
  lsp_record good, r, back;

  test_hex (record_base, buf, sizeof buf);
  g_assert_cmpint (lsp_record_decode (buf, LSP_RECORD_LEN, TEST_NOW, &good), ==,
                   LSP_OK);
  memset (fill, 0xAA, sizeof fill);

#define REFUSE(mutation, expected)                                          \
  G_STMT_START {                                                            \
    r = good;                                                               \
    mutation;                                                               \
    memcpy (out, fill, sizeof out);                                         \
    g_assert_cmpint (lsp_record_encode (&r, TEST_NOW, out), ==, expected);  \
    g_assert_cmpmem (out, sizeof out, fill, sizeof fill);                   \
  } G_STMT_END
  REFUSE (r.seq = 0, LSP_ERR_RECORD_SEQ);
  REFUSE (r.seq = LSP_RECORD_SEQ_ERASED, LSP_ERR_RECORD_SEQ_ERASED);
  REFUSE (r.start_utc = 1577836799, LSP_ERR_RECORD_START_TOO_EARLY);
  REFUSE (r.start_utc = (guint32) (TEST_NOW + 86401),
          LSP_ERR_RECORD_START_IN_FUTURE);
  REFUSE (r.utc_offset_quarters = 57, LSP_ERR_RECORD_UTC_OFFSET);
  REFUSE (r.utc_offset_quarters = -49, LSP_ERR_RECORD_UTC_OFFSET);
  REFUSE (r.utc_offset_quarters = -128, LSP_ERR_RECORD_UTC_OFFSET);
  REFUSE (r.kind = (lsp_record_kind) 3, LSP_ERR_RECORD_KIND);
  REFUSE (r.kind = (lsp_record_kind) 8, LSP_ERR_RECORD_KIND);
  REFUSE (r.seconds_left = 14401, LSP_ERR_RECORD_DURATION_LEFT);
  REFUSE (r.seconds_right = 14401, LSP_ERR_RECORD_DURATION_RIGHT);
  REFUSE (r.volume_left.tenths = 10001, LSP_ERR_RECORD_VOLUME_LEFT);
  REFUSE (r.volume_right.tenths = 0xFFFF, LSP_ERR_RECORD_VOLUME_RIGHT);
  REFUSE (r.supplement = ((lsp_volume) { true, 10001 }),
          LSP_ERR_RECORD_SUPPLEMENT);
  REFUSE ((r.seq = 0, r.kind = (lsp_record_kind) 3), LSP_ERR_RECORD_SEQ);
#undef REFUSE

  /* The unsynced bit lifts the window in the encoder too. */
  r = good;
  r.clock_unsynced = true;
  r.start_utc = 0;
  g_assert_cmpint (lsp_record_encode (&r, TEST_NOW, out), ==, LSP_OK);
  g_assert_cmphex (out[9], ==, 0x18);

  /* Companions of absent values are ignored. */
  r = good;
  r.utc_offset_known = false;
  r.utc_offset_quarters = 99;
  r.volume_left = (lsp_volume) { false, 4321 };
  g_assert_cmpint (lsp_record_encode (&r, TEST_NOW, out), ==, LSP_OK);
  g_assert_cmphex (out[8], ==, 0x80);
  g_assert_cmphex (out[14], ==, 0xFF);
  g_assert_cmphex (out[15], ==, 0xFF);
  g_assert_cmpint (lsp_record_decode (out, sizeof out, TEST_NOW, &back), ==, LSP_OK);
  g_assert_cmpint (back.utc_offset_quarters, ==, 0);
  g_assert_cmpuint (back.volume_left.tenths, ==, 0);
}

static void
test_record_helpers (void)
{
  guint8 buf[LSP_RECORD_LEN] = { 0 };
  lsp_record r = { 0 };
  guint32 seq = 77;

  /* Peek: at least 4 bytes and a number >= 1. */
  test_put_u32 (buf, 5);
  g_assert_false (lsp_record_peek_seq (buf, 0, &seq));
  g_assert_false (lsp_record_peek_seq (buf, 3, &seq));
  g_assert_cmpuint (seq, ==, 77);
  g_assert_true (lsp_record_peek_seq (buf, 4, &seq));
  g_assert_cmpuint (seq, ==, 5);
  g_assert_true (lsp_record_peek_seq (buf, 20, NULL));
  test_put_u32 (buf, 0);
  seq = 77;
  g_assert_false (lsp_record_peek_seq (buf, 20, &seq));
  g_assert_cmpuint (seq, ==, 77);
  /* Nor is erased flash (all ones), however long the record. */
  test_put_u32 (buf, LSP_RECORD_SEQ_ERASED);
  g_assert_false (lsp_record_peek_seq (buf, 4, &seq));
  g_assert_false (lsp_record_peek_seq (buf, 20, &seq));
  g_assert_cmpuint (seq, ==, 77);
  test_put_u32 (buf, 0xFFFFFFFE);
  g_assert_true (lsp_record_peek_seq (buf, 20, &seq));
  g_assert_cmphex (seq, ==, 0xFFFFFFFE);
  /* A record broken elsewhere still yields its number. */
  test_put_u32 (buf, 0xDEADBEEF);
  buf[9] = 0x03;
  g_assert_true (lsp_record_peek_seq (buf, 20, &seq));
  g_assert_cmphex (seq, ==, 0xDEADBEEF);

  /* Duration: max when double, else the sum (which can exceed 14400). */
  r.seconds_left = 14400;
  r.seconds_right = 14400;
  g_assert_cmpuint (lsp_record_duration_s (&r), ==, 28800);
  r.double_sided = true;
  g_assert_cmpuint (lsp_record_duration_s (&r), ==, 14400);
  r.seconds_left = 10;
  r.seconds_right = 700;
  g_assert_cmpuint (lsp_record_duration_s (&r), ==, 700);
  r.seconds_left = 701;
  g_assert_cmpuint (lsp_record_duration_s (&r), ==, 701);

  /* Offset in minutes, or the fallback when unknown. */
  r.utc_offset_known = true;
  r.utc_offset_quarters = 22;
  g_assert_cmpint (lsp_record_utc_offset_minutes (&r, 0), ==, 330);
  r.utc_offset_known = false;
  g_assert_cmpint (lsp_record_utc_offset_minutes (&r, 120), ==, 120);
}

void
test_lsp_add_record_tests (void)
{
  g_test_add_func ("/lsp/record/vectors", test_record_vectors);
  g_test_add_func ("/lsp/record/boundaries", test_record_boundaries);
  g_test_add_func ("/lsp/record/check-order", test_record_check_order);
  g_test_add_func ("/lsp/record/encode", test_record_encode);
  g_test_add_func ("/lsp/record/helpers", test_record_helpers);
}
