/* test-sim-sensor.c — the simulated sensor on its own, through its
 * transport-neutral API: the RACP state machine as lsp-v1 specifies it
 * (answers, errors, one procedure at a time, abort), the record store,
 * Device Time and reads. Test peers and lactd-sim build on this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "lsp-sim-sensor.h"

typedef struct {
  LspSimSensor *sensor;
  GPtrArray *racp;          /* GBytes indications */
  guint n_records;
  guint n_live;
  GArray *record_seqs;      /* guint32 */
} Peer;

static void
on_send (LspSimSensor *sensor, guint ch, GBytes *value, Peer *peer)
{
  if (ch == LSP_SIM_CHAR_RACP)
    g_ptr_array_add (peer->racp, g_bytes_ref (value));
  else if (ch == LSP_SIM_CHAR_SESSION_RECORD)
    {
      guint32 seq = 0;

      g_assert_true (lsp_record_peek_seq (g_bytes_get_data (value, NULL),
                                          g_bytes_get_size (value), &seq));
      g_array_append_val (peer->record_seqs, seq);
      peer->n_records++;
    }
  else if (ch == LSP_SIM_CHAR_LIVE_PROGRESS)
    peer->n_live++;
}

static void
peer_init (Peer *peer, guint capacity)
{
  memset (peer, 0, sizeof *peer);
  peer->sensor = lsp_sim_sensor_new (LSP_SENSOR_KIND_PUMP, capacity);
  peer->racp = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  peer->record_seqs = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_signal_connect (peer->sensor, "send", G_CALLBACK (on_send), peer);
  for (guint ch = 0; ch < LSP_SIM_N_CHARS; ch++)
    lsp_sim_sensor_set_notifying (peer->sensor, ch, TRUE);
}

static void
peer_clear (Peer *peer)
{
  g_clear_object (&peer->sensor);
  g_clear_pointer (&peer->racp, g_ptr_array_unref);
  g_clear_pointer (&peer->record_seqs, g_array_unref);
}

static guint8
write_bytes (Peer *peer, const guint8 *data, gsize len)
{
  return lsp_sim_sensor_write (peer->sensor, LSP_SIM_CHAR_RACP, data, len);
}

#define WRITE(peer, ...) \
  ({ const guint8 req_[] = { __VA_ARGS__ }; write_bytes (peer, req_, sizeof req_); })

/* Runs the loop until the sensor's procedure is over and n indications
 * came. */
static void
settle (Peer *peer, guint n_indications)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while ((lsp_sim_sensor_get_procedure_running (peer->sensor) ||
          peer->racp->len < n_indications) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  /* Anything more would be a bug: give it a chance to show. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (peer->racp->len, ==, n_indications);
}

static void
assert_response (Peer *peer, guint index, guint8 opcode, guint8 code)
{
  lsp_racp_indication ind;
  GBytes *value = g_ptr_array_index (peer->racp, index);

  g_assert_cmpint (lsp_racp_indication_decode (g_bytes_get_data (value, NULL),
                                               g_bytes_get_size (value), &ind),
                   ==, LSP_OK);
  g_assert_cmpuint (ind.type, ==, LSP_RACP_IND_RESPONSE);
  g_assert_cmpuint (ind.request_opcode, ==, opcode);
  g_assert_cmpuint (ind.response, ==, code);
}

static void
assert_count (Peer *peer, guint index, guint32 count)
{
  lsp_racp_indication ind;
  GBytes *value = g_ptr_array_index (peer->racp, index);

  g_assert_cmpint (lsp_racp_indication_decode (g_bytes_get_data (value, NULL),
                                               g_bytes_get_size (value), &ind),
                   ==, LSP_OK);
  g_assert_cmpuint (ind.type, ==, LSP_RACP_IND_COUNT);
  g_assert_cmpuint (ind.count, ==, count);
}

static void
test_racp_requests (void)
{
  Peer peer;

  peer_init (&peer, 100);
  lsp_sim_sensor_add_backlog (peer.sensor, 10, 1);

  /* Indications off: CCCD improperly configured. */
  lsp_sim_sensor_set_notifying (peer.sensor, LSP_SIM_CHAR_RACP, FALSE);
  g_assert_cmpuint (WRITE (&peer, 0x04, 0x01), ==, LSP_SIM_ATT_CCCD_IMPROPER);
  lsp_sim_sensor_set_notifying (peer.sensor, LSP_SIM_CHAR_RACP, TRUE);

  /* Count: the 0x05 only, 0 included. */
  g_assert_cmpuint (WRITE (&peer, 0x04, 0x01), ==, 0);
  settle (&peer, 1);
  assert_count (&peer, 0, 10);
  g_assert_cmpuint (WRITE (&peer, 0x04, 0x03, 0x01, 4, 0, 0, 0), ==, 0);
  settle (&peer, 2);
  assert_count (&peer, 1, 7);
  g_assert_cmpuint (WRITE (&peer, 0x04, 0x03, 0x01, 11, 0, 0, 0), ==, 0);
  settle (&peer, 3);
  assert_count (&peer, 2, 0);

  /* Invalid requests: 0x06 with the Glucose Service's codes. */
  g_assert_cmpuint (WRITE (&peer, 0x07, 0x01), ==, 0);
  settle (&peer, 4);
  assert_response (&peer, 3, 0x07, LSP_RACP_RSP_OPCODE_NOT_SUPPORTED);
  g_assert_cmpuint (WRITE (&peer, 0x01, 0x07), ==, 0);
  settle (&peer, 5);
  assert_response (&peer, 4, 0x01, LSP_RACP_RSP_INVALID_OPERATOR);
  g_assert_cmpuint (WRITE (&peer, 0x01, 0x02, 0x01, 1, 0, 0, 0), ==, 0);
  settle (&peer, 6);
  assert_response (&peer, 5, 0x01, LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED);
  g_assert_cmpuint (WRITE (&peer, 0x01, 0x03, 0x02, 1, 0, 0, 0), ==, 0);
  settle (&peer, 7);
  assert_response (&peer, 6, 0x01, LSP_RACP_RSP_OPERAND_NOT_SUPPORTED);
  g_assert_cmpuint (WRITE (&peer, 0x01, 0x03, 0x01, 1, 0), ==, 0);
  settle (&peer, 8);
  assert_response (&peer, 7, 0x01, LSP_RACP_RSP_INVALID_OPERAND);
  g_assert_cmpuint (peer.n_records, ==, 0);

  /* Report >= 4: records 4-10, then success. */
  g_assert_cmpuint (WRITE (&peer, 0x01, 0x03, 0x01, 4, 0, 0, 0), ==, 0);
  settle (&peer, 9);
  assert_response (&peer, 8, 0x01, LSP_RACP_RSP_SUCCESS);
  g_assert_cmpuint (peer.n_records, ==, 7);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpuint (g_array_index (peer.record_seqs, guint32, i), ==, 4 + i);

  /* Delete <= 5, then again: no records found. */
  g_assert_cmpuint (WRITE (&peer, 0x02, 0x02, 0x01, 5, 0, 0, 0), ==, 0);
  settle (&peer, 10);
  assert_response (&peer, 9, 0x02, LSP_RACP_RSP_SUCCESS);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (peer.sensor), ==, 5);
  g_assert_cmpuint (lsp_sim_sensor_get_highest_deleted (peer.sensor), ==, 5);
  g_assert_cmpuint (WRITE (&peer, 0x02, 0x02, 0x01, 5, 0, 0, 0), ==, 0);
  settle (&peer, 11);
  assert_response (&peer, 10, 0x02, LSP_RACP_RSP_NO_RECORDS);

  /* Report >= 100: no records found. */
  g_assert_cmpuint (WRITE (&peer, 0x01, 0x03, 0x01, 100, 0, 0, 0), ==, 0);
  settle (&peer, 12);
  assert_response (&peer, 11, 0x01, LSP_RACP_RSP_NO_RECORDS);

  /* Delete all. */
  g_assert_cmpuint (WRITE (&peer, 0x02, 0x01), ==, 0);
  settle (&peer, 13);
  assert_response (&peer, 12, 0x02, LSP_RACP_RSP_SUCCESS);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (peer.sensor), ==, 0);
  peer_clear (&peer);
}

static void
test_racp_one_at_a_time (void)
{
  Peer peer;

  peer_init (&peer, 1000);
  lsp_sim_sensor_add_backlog (peer.sensor, 200, 2);
  lsp_sim_sensor_set_record_delay (peer.sensor, 1);

  g_assert_cmpuint (WRITE (&peer, 0x01, 0x01), ==, 0);
  g_assert_true (lsp_sim_sensor_get_procedure_running (peer.sensor));
  /* Busy. */
  g_assert_cmpuint (WRITE (&peer, 0x04, 0x01), ==,
                    LSP_SIM_ATT_PROCEDURE_IN_PROGRESS);
  /* Abort: 0x06 for the abort, none for the report it stopped. */
  while (peer.n_records < 5)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (WRITE (&peer, 0x03, 0x00), ==, 0);
  g_assert_false (lsp_sim_sensor_get_procedure_running (peer.sensor));
  settle (&peer, 1);
  assert_response (&peer, 0, 0x03, LSP_RACP_RSP_SUCCESS);
  g_assert_cmpuint (peer.n_records, <, 200);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (peer.sensor), ==, 200);
  peer_clear (&peer);
}

static void
test_store_and_clock (void)
{
  Peer peer;
  guint8 att = 0;
  g_autoptr(GBytes) features = NULL;
  g_autoptr(GBytes) time_bytes = NULL;
  lsp_features decoded;
  lsp_device_time time, set = { 1800000000u, TRUE, -20 };
  guint8 buf[LSP_DEVICE_TIME_LEN];
  guint32 low = 0, high = 0, epoch;

  peer_init (&peer, 25);
  lsp_sim_sensor_add_backlog (peer.sensor, 40, 3);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (peer.sensor), ==, 25);
  g_assert_cmpuint (lsp_sim_sensor_get_overwritten (peer.sensor), ==, 15);
  g_assert_true (lsp_sim_sensor_get_seq_range (peer.sensor, &low, &high));
  g_assert_cmpuint (low, ==, 16);
  g_assert_cmpuint (high, ==, 40);

  features = lsp_sim_sensor_read (peer.sensor, LSP_SIM_CHAR_FEATURES, &att);
  g_assert_nonnull (features);
  g_assert_cmpint (lsp_features_decode (g_bytes_get_data (features, NULL),
                                        g_bytes_get_size (features), &decoded),
                   ==, LSP_OK);
  g_assert_cmpuint (decoded.record_epoch, ==, lsp_sim_sensor_get_epoch (peer.sensor));
  g_assert_cmpuint (decoded.capacity, ==, 25);
  g_assert_cmpint (decoded.kind, ==, LSP_SENSOR_KIND_PUMP);

  g_assert_null (lsp_sim_sensor_read (peer.sensor, LSP_SIM_CHAR_RACP, &att));
  g_assert_cmpuint (att, ==, LSP_SIM_ATT_READ_NOT_PERMITTED);
  g_assert_cmpuint (lsp_sim_sensor_write (peer.sensor, LSP_SIM_CHAR_FEATURES,
                                          buf, 1), ==,
                    LSP_SIM_ATT_WRITE_NOT_PERMITTED);

  /* Device time: written, read back, stamped on new records. */
  lsp_device_time_encode (&set, buf);
  g_assert_cmpuint (lsp_sim_sensor_write (peer.sensor, LSP_SIM_CHAR_DEVICE_TIME,
                                          buf, 4), ==,
                    LSP_SIM_ATT_INVALID_LENGTH);
  g_assert_cmpuint (lsp_sim_sensor_write (peer.sensor, LSP_SIM_CHAR_DEVICE_TIME,
                                          buf, sizeof buf), ==, 0);
  time_bytes = lsp_sim_sensor_read (peer.sensor, LSP_SIM_CHAR_DEVICE_TIME, &att);
  g_assert_cmpint (lsp_device_time_decode (g_bytes_get_data (time_bytes, NULL),
                                           g_bytes_get_size (time_bytes), &time),
                   ==, LSP_OK);
  g_assert_cmpint (ABS ((gint64) time.utc - 1800000000), <=, 1);
  g_assert_cmpint (time.utc_offset_quarters, ==, -20);

  /* Epoch reset: empty, numbered from 1 again. */
  epoch = lsp_sim_sensor_get_epoch (peer.sensor);
  lsp_sim_sensor_reset_epoch (peer.sensor);
  g_assert_cmpuint (lsp_sim_sensor_get_epoch (peer.sensor), !=, epoch);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (peer.sensor), ==, 0);
  g_assert_cmpuint (lsp_sim_sensor_get_next_seq (peer.sensor), ==, 1);
  peer_clear (&peer);
}

static void
test_live_session (void)
{
  Peer peer;
  LspSimSession session = {
    .kind = LSP_RECORD_KIND_SNS, .side = LSP_SIDE_BOTH,
    .duration_s = 40, .volume_left_tenths = LSP_NOT_MEASURED,
    .volume_right_tenths = LSP_NOT_MEASURED, .supplement_tenths = 300,
    .suction = LSP_NOT_APPLICABLE,
  };
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  peer_init (&peer, 10);
  lsp_sim_sensor_set_speed (peer.sensor, 400.0);
  g_assert_true (lsp_sim_sensor_start_session (peer.sensor, &session));
  g_assert_false (lsp_sim_sensor_start_session (peer.sensor, &session));
  while (lsp_sim_sensor_get_session_running (peer.sensor) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (lsp_sim_sensor_get_session_running (peer.sensor));
  /* One a second of session time, the last with active clear. */
  g_assert_cmpuint (peer.n_live, ==, 41);
  g_assert_cmpuint (lsp_sim_sensor_get_n_records (peer.sensor), ==, 1);
  peer_clear (&peer);
}

static void
test_malformed_builder (void)
{
  static const LspSimChar chars[] = {
    LSP_SIM_CHAR_LIVE_PROGRESS, LSP_SIM_CHAR_SESSION_RECORD,
    LSP_SIM_CHAR_RACP, LSP_SIM_CHAR_BATTERY_LEVEL,
  };
  /* The rules lsp-v1 sets for each packet (lsp_status per rule). */
  static const guint n_rules[] = { 9, 12, 4, 2 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint c = 0; c < G_N_ELEMENTS (chars); c++)
    {
      g_autoptr(GHashTable) statuses = g_hash_table_new (NULL, NULL);

      g_assert_cmpuint (lsp_sim_malformed_count (chars[c]), >=, n_rules[c]);
      for (guint v = 0; v < lsp_sim_malformed_count (chars[c]); v++)
        {
          lsp_status status = LSP_OK;
          g_autoptr(GBytes) packet = lsp_sim_malformed_packet (chars[c], v, 9,
                                                               now, &status);

          g_assert_nonnull (packet);
          g_assert_cmpint (status, !=, LSP_OK);
          g_hash_table_add (statuses, GINT_TO_POINTER (status));
        }
      /* Every rule of the packet is broken by some variant. */
      g_test_message ("%s: %u variants, %u distinct reasons",
                      lsp_sim_char_uuid (chars[c]),
                      lsp_sim_malformed_count (chars[c]),
                      g_hash_table_size (statuses));
      g_assert_cmpuint (g_hash_table_size (statuses), ==, n_rules[c]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/racp-requests", test_racp_requests);
  g_test_add_func ("/sim/racp-one-at-a-time", test_racp_one_at_a_time);
  g_test_add_func ("/sim/store-and-clock", test_store_and_clock);
  g_test_add_func ("/sim/live-session", test_live_session);
  g_test_add_func ("/sim/malformed-builder", test_malformed_builder);
  return g_test_run ();
}
