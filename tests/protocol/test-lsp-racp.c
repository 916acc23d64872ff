/* test-lsp-racp.c — Record Access Control Point: requests (every form and
 * every error with its response code) and indications.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "test-lsp.h"

typedef struct {
  const char *hex;
  lsp_status status;
  lsp_racp_response_code response;
  lsp_racp_opcode opcode;      /* expected on success */
  lsp_racp_operator op;
  guint32 seq;
} request_case;

#define OK_REQ(hex, opc, op, seq) \
  { hex, LSP_OK, LSP_RACP_RSP_SUCCESS, opc, op, seq }
#define BAD_REQ(hex, status, rsp) \
  { hex, status, rsp, 0, 0, 0 }

static const request_case request_cases[] = {
  /* Every valid form. */
  OK_REQ ("01 01", LSP_RACP_REPORT, LSP_RACP_OP_ALL, 0),
  OK_REQ ("01 03 01 05 00 00 00", LSP_RACP_REPORT, LSP_RACP_OP_GREATER_EQUAL, 5),
  OK_REQ ("01 03 01 00 00 00 00", LSP_RACP_REPORT, LSP_RACP_OP_GREATER_EQUAL, 0),
  OK_REQ ("02 01", LSP_RACP_DELETE, LSP_RACP_OP_ALL, 0),
  OK_REQ ("02 02 01 ff ff ff ff", LSP_RACP_DELETE, LSP_RACP_OP_LESS_EQUAL,
          0xFFFFFFFF),
  OK_REQ ("02 02 01 2c 01 00 00", LSP_RACP_DELETE, LSP_RACP_OP_LESS_EQUAL, 300),
  OK_REQ ("03 00", LSP_RACP_ABORT, LSP_RACP_OP_NULL, 0),
  OK_REQ ("04 01", LSP_RACP_REPORT_COUNT, LSP_RACP_OP_ALL, 0),
  OK_REQ ("04 03 01 2a 00 00 00", LSP_RACP_REPORT_COUNT,
          LSP_RACP_OP_GREATER_EQUAL, 42),

  /* Length: fewer than 2 bytes, whatever they hold. */
  BAD_REQ ("", LSP_ERR_RACP_LENGTH, LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("01", LSP_ERR_RACP_LENGTH, LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("00", LSP_ERR_RACP_LENGTH, LSP_RACP_RSP_INVALID_OPERAND),

  /* Opcode. */
  BAD_REQ ("00 01", LSP_ERR_RACP_OPCODE, LSP_RACP_RSP_OPCODE_NOT_SUPPORTED),
  BAD_REQ ("05 01", LSP_ERR_RACP_OPCODE, LSP_RACP_RSP_OPCODE_NOT_SUPPORTED),
  BAD_REQ ("06 00 01 01", LSP_ERR_RACP_OPCODE, LSP_RACP_RSP_OPCODE_NOT_SUPPORTED),
  BAD_REQ ("ff ff ff", LSP_ERR_RACP_OPCODE, LSP_RACP_RSP_OPCODE_NOT_SUPPORTED),

  /* Undefined operator: null where one is needed, 0x07 and above. */
  BAD_REQ ("01 00", LSP_ERR_RACP_OPERATOR_INVALID, LSP_RACP_RSP_INVALID_OPERATOR),
  BAD_REQ ("02 00", LSP_ERR_RACP_OPERATOR_INVALID, LSP_RACP_RSP_INVALID_OPERATOR),
  BAD_REQ ("04 00", LSP_ERR_RACP_OPERATOR_INVALID, LSP_RACP_RSP_INVALID_OPERATOR),
  BAD_REQ ("01 07", LSP_ERR_RACP_OPERATOR_INVALID, LSP_RACP_RSP_INVALID_OPERATOR),
  BAD_REQ ("02 07 01 01 00 00 00", LSP_ERR_RACP_OPERATOR_INVALID,
           LSP_RACP_RSP_INVALID_OPERATOR),
  BAD_REQ ("03 07", LSP_ERR_RACP_OPERATOR_INVALID, LSP_RACP_RSP_INVALID_OPERATOR),
  BAD_REQ ("04 ff", LSP_ERR_RACP_OPERATOR_INVALID, LSP_RACP_RSP_INVALID_OPERATOR),
  BAD_REQ ("03 ff 00", LSP_ERR_RACP_OPERATOR_INVALID, LSP_RACP_RSP_INVALID_OPERATOR),

  /* Defined operator the opcode does not take. */
  BAD_REQ ("01 02 01 05 00 00 00", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("01 04", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("01 05", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("01 06", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("02 03 01 05 00 00 00", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("02 04", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("04 02 01 05 00 00 00", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("04 06", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("03 01", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("03 02", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("03 03 01 05 00 00 00", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),
  BAD_REQ ("03 06", LSP_ERR_RACP_OPERATOR_UNSUPPORTED,
           LSP_RACP_RSP_OPERATOR_NOT_SUPPORTED),

  /* Extra operand after all / null. */
  BAD_REQ ("01 01 00", LSP_ERR_RACP_OPERAND, LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("02 01 01 05 00 00 00", LSP_ERR_RACP_OPERAND,
           LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("03 00 00", LSP_ERR_RACP_OPERAND, LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("04 01 01", LSP_ERR_RACP_OPERAND, LSP_RACP_RSP_INVALID_OPERAND),

  /* <= / >=: missing, wrong filter, short, extra. */
  BAD_REQ ("01 03", LSP_ERR_RACP_OPERAND, LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("02 02", LSP_ERR_RACP_OPERAND, LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("01 03 02 05 00 00 00", LSP_ERR_RACP_FILTER,
           LSP_RACP_RSP_OPERAND_NOT_SUPPORTED),
  BAD_REQ ("04 03 00", LSP_ERR_RACP_FILTER, LSP_RACP_RSP_OPERAND_NOT_SUPPORTED),
  BAD_REQ ("02 02 02 05 00 00", LSP_ERR_RACP_FILTER,
           LSP_RACP_RSP_OPERAND_NOT_SUPPORTED),
  BAD_REQ ("01 03 01", LSP_ERR_RACP_OPERAND, LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("01 03 01 05 00 00", LSP_ERR_RACP_OPERAND,
           LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("04 03 01 05 00 00 00 00", LSP_ERR_RACP_OPERAND,
           LSP_RACP_RSP_INVALID_OPERAND),
  BAD_REQ ("02 02 01 05 00 00 00 00 00", LSP_ERR_RACP_OPERAND,
           LSP_RACP_RSP_INVALID_OPERAND),
};

static void
test_racp_request_vectors (void)
{
  guint8 buf[16], enc[LSP_RACP_REQUEST_MAX_LEN];
  lsp_racp_request q, untouched;
  size_t enc_len;

  for (gsize i = 0; i < G_N_ELEMENTS (request_cases); i++)
    {
      const request_case *c = &request_cases[i];
      gsize len = test_hex (c->hex, buf, sizeof buf);
      lsp_status status;

      g_test_message ("RACP request [%s]", c->hex);
      memset (&q, 0x5A, sizeof q);
      untouched = q;
      status = lsp_racp_request_decode (buf, len, &q);
      g_assert_cmpstr (lsp_status_name (status), ==, lsp_status_name (c->status));
      g_assert_cmpint (lsp_racp_response_for_status (status), ==, c->response);
      if (status != LSP_OK)
        {
          g_assert_cmpmem (&q, sizeof q, &untouched, sizeof untouched);
          continue;
        }
      g_assert_cmpint (q.opcode, ==, c->opcode);
      g_assert_cmpint (q.op, ==, c->op);
      g_assert_cmpuint (q.seq, ==, c->seq);
      g_assert_cmpint (lsp_racp_request_encode (&q, enc, &enc_len), ==, LSP_OK);
      g_assert_cmpmem (enc, enc_len, buf, len);
    }
}

static void
test_racp_response_mapping (void)
{
  g_assert_cmpint (lsp_racp_response_for_status (LSP_OK), ==, 0x01);
  g_assert_cmpint (lsp_racp_response_for_status (LSP_ERR_RACP_OPCODE), ==, 0x02);
  g_assert_cmpint (lsp_racp_response_for_status (LSP_ERR_RACP_OPERATOR_INVALID), ==, 0x03);
  g_assert_cmpint (lsp_racp_response_for_status (LSP_ERR_RACP_OPERATOR_UNSUPPORTED), ==, 0x04);
  g_assert_cmpint (lsp_racp_response_for_status (LSP_ERR_RACP_LENGTH), ==, 0x05);
  g_assert_cmpint (lsp_racp_response_for_status (LSP_ERR_RACP_OPERAND), ==, 0x05);
  g_assert_cmpint (lsp_racp_response_for_status (LSP_ERR_RACP_FILTER), ==, 0x09);
  g_assert_cmpint (lsp_racp_response_for_status (LSP_ERR_NULL_ARGUMENT), ==, 0x05);
  g_assert_cmpint (lsp_racp_response_for_status (LSP_ERR_RECORD_KIND), ==, 0x05);
  g_assert_cmpint (lsp_racp_response_for_status ((lsp_status) 9999), ==, 0x05);
}

/* Every opcode x operator byte: the decoder's verdict for "opcode op"
 * (plus a sequence operand where one is due) matches the table. */
static void
test_racp_operator_matrix (void)
{
  for (unsigned opcode = 1; opcode <= 4; opcode++)
    for (unsigned op = 0; op <= 255; op++)
      {
        guint8 buf[7] = { (guint8) opcode, (guint8) op, 0x01, 9, 0, 0, 0 };
        gboolean takes_seq = op == 2 || op == 3;
        lsp_racp_request q;
        lsp_status expected;

        if (opcode == 3)
          expected = op == 0 ? LSP_OK
                   : op <= 6 ? LSP_ERR_RACP_OPERATOR_UNSUPPORTED
                   : LSP_ERR_RACP_OPERATOR_INVALID;
        else if (op == 0 || op >= 7)
          expected = LSP_ERR_RACP_OPERATOR_INVALID;
        else if (op == 1 || (opcode == 2 && op == 2) ||
                 (opcode != 2 && op == 3))
          expected = LSP_OK;
        else
          expected = LSP_ERR_RACP_OPERATOR_UNSUPPORTED;

        g_assert_cmpint (lsp_racp_request_decode (buf, takes_seq ? 7 : 2, &q),
                         ==, expected);
      }
}

static void
test_racp_request_encode (void)
{
  static const struct {
    unsigned opcode, op;
    lsp_status status;
  } refusals[] = {
    { 0, 1, LSP_ERR_RACP_OPCODE },
    { 5, 1, LSP_ERR_RACP_OPCODE },
    { 0xFFFFFFFFu, 1, LSP_ERR_RACP_OPCODE },
    { 1, 0, LSP_ERR_RACP_OPERATOR_INVALID },
    { 1, 7, LSP_ERR_RACP_OPERATOR_INVALID },
    { 2, 0x100, LSP_ERR_RACP_OPERATOR_INVALID },
    { 3, 9, LSP_ERR_RACP_OPERATOR_INVALID },
    { 1, 2, LSP_ERR_RACP_OPERATOR_UNSUPPORTED },
    { 1, 4, LSP_ERR_RACP_OPERATOR_UNSUPPORTED },
    { 2, 3, LSP_ERR_RACP_OPERATOR_UNSUPPORTED },
    { 4, 2, LSP_ERR_RACP_OPERATOR_UNSUPPORTED },
    { 3, 1, LSP_ERR_RACP_OPERATOR_UNSUPPORTED },
    { 3, 3, LSP_ERR_RACP_OPERATOR_UNSUPPORTED },
  };
  guint8 out[LSP_RACP_REQUEST_MAX_LEN], fill[LSP_RACP_REQUEST_MAX_LEN];
  size_t len;
  lsp_racp_request q;

  memset (fill, 0xAA, sizeof fill);
  for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      q.opcode = (lsp_racp_opcode) refusals[i].opcode;
      q.op = (lsp_racp_operator) refusals[i].op;
      q.seq = 5;
      memcpy (out, fill, sizeof out);
      len = 99;
      g_assert_cmpint (lsp_racp_request_encode (&q, out, &len), ==,
                       refusals[i].status);
      g_assert_cmpmem (out, sizeof out, fill, sizeof fill);
      g_assert_cmpuint (len, ==, 99);
    }

  /* The seq of an ALL / NULL request is ignored. */
  q = (lsp_racp_request) { LSP_RACP_DELETE, LSP_RACP_OP_ALL, 77 };
  g_assert_cmpint (lsp_racp_request_encode (&q, out, &len), ==, LSP_OK);
  g_assert_cmpuint (len, ==, 2);
  g_assert_cmphex (out[0], ==, 0x02);
  g_assert_cmphex (out[1], ==, 0x01);
  q = (lsp_racp_request) { LSP_RACP_ABORT, LSP_RACP_OP_NULL, 77 };
  g_assert_cmpint (lsp_racp_request_encode (&q, out, &len), ==, LSP_OK);
  g_assert_cmpuint (len, ==, 2);
  /* The sync procedure's own writes (steps 2 and 4). */
  q = (lsp_racp_request) { LSP_RACP_REPORT_COUNT, LSP_RACP_OP_GREATER_EQUAL, 11 };
  g_assert_cmpint (lsp_racp_request_encode (&q, out, &len), ==, LSP_OK);
  g_assert_cmpmem (out, len, "\x04\x03\x01\x0b\x00\x00\x00", 7);
  q = (lsp_racp_request) { LSP_RACP_DELETE, LSP_RACP_OP_LESS_EQUAL, 0x01020304 };
  g_assert_cmpint (lsp_racp_request_encode (&q, out, &len), ==, LSP_OK);
  g_assert_cmpmem (out, len, "\x02\x02\x01\x04\x03\x02\x01", 7);
}

/* ------------------------------------------------------------ indications */

static void
test_racp_indication_vectors (void)
{
  static const struct {
    const char *hex;
    lsp_status status;
    guint8 type;
    guint32 count;
    guint8 request_opcode;
    guint8 response;
  } cases[] = {
    { "05 00 03 00 00 00", LSP_OK, 5, 3, 0, 0 },
    { "05 00 00 00 00 00", LSP_OK, 5, 0, 0, 0 },
    { "05 00 ff ff ff ff", LSP_OK, 5, 0xFFFFFFFF, 0, 0 },
    { "06 00 01 01", LSP_OK, 6, 0, 1, 1 },
    { "06 00 01 06", LSP_OK, 6, 0, 1, 6 },
    { "06 00 02 01", LSP_OK, 6, 0, 2, 1 },
    { "06 00 03 01", LSP_OK, 6, 0, 3, 1 },
    { "06 00 07 02", LSP_OK, 6, 0, 7, 2 },
    { "06 00 01 09", LSP_OK, 6, 0, 1, 9 },
    { "06 00 ff 05", LSP_OK, 6, 0, 0xFF, 5 },
    { "06 00 00 08", LSP_OK, 6, 0, 0, 8 },

    { "", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },
    { "05", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },
    { "05 00 03 00 00", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },
    { "05 00 03 00 00 00 00", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },
    { "05 01 03", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },
    { "06", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },
    { "06 00 01", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },
    { "06 00 01 01 00", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },
    { "06 01 01 00 00 00", LSP_ERR_INDICATION_LENGTH, 0, 0, 0, 0 },

    { "00", LSP_ERR_INDICATION_OPCODE, 0, 0, 0, 0 },
    { "01 01", LSP_ERR_INDICATION_OPCODE, 0, 0, 0, 0 },
    { "04 00 00 00 00 00", LSP_ERR_INDICATION_OPCODE, 0, 0, 0, 0 },
    { "07 00 01 01", LSP_ERR_INDICATION_OPCODE, 0, 0, 0, 0 },
    { "ff", LSP_ERR_INDICATION_OPCODE, 0, 0, 0, 0 },

    { "05 01 03 00 00 00", LSP_ERR_INDICATION_OPERATOR, 0, 0, 0, 0 },
    { "06 01 01 01", LSP_ERR_INDICATION_OPERATOR, 0, 0, 0, 0 },
    { "06 ff 01 00", LSP_ERR_INDICATION_OPERATOR, 0, 0, 0, 0 },

    { "06 00 01 00", LSP_ERR_INDICATION_RESPONSE_CODE, 0, 0, 0, 0 },
    { "06 00 01 0a", LSP_ERR_INDICATION_RESPONSE_CODE, 0, 0, 0, 0 },
    { "06 00 01 ff", LSP_ERR_INDICATION_RESPONSE_CODE, 0, 0, 0, 0 },
  };
  guint8 buf[16], enc[LSP_RACP_INDICATION_MAX_LEN];
  lsp_racp_indication ind, untouched;
  size_t enc_len;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = test_hex (cases[i].hex, buf, sizeof buf);

      g_test_message ("RACP indication [%s]", cases[i].hex);
      memset (&ind, 0x5A, sizeof ind);
      untouched = ind;
      g_assert_cmpint (lsp_racp_indication_decode (buf, len, &ind), ==,
                       cases[i].status);
      if (cases[i].status != LSP_OK)
        {
          g_assert_cmpmem (&ind, sizeof ind, &untouched, sizeof untouched);
          continue;
        }
      g_assert_cmpuint (ind.type, ==, cases[i].type);
      g_assert_cmpuint (ind.count, ==, cases[i].count);
      g_assert_cmpuint (ind.request_opcode, ==, cases[i].request_opcode);
      g_assert_cmpuint (ind.response, ==, cases[i].response);
      g_assert_cmpint (lsp_racp_indication_encode (&ind, enc, &enc_len), ==,
                       LSP_OK);
      g_assert_cmpmem (enc, enc_len, buf, len);
    }
}

static void
test_racp_indication_encode (void)
{
  guint8 out[LSP_RACP_INDICATION_MAX_LEN], fill[LSP_RACP_INDICATION_MAX_LEN];
  lsp_racp_indication ind;
  size_t len = 99;

  memset (fill, 0xAA, sizeof fill);
#define REFUSE(value, expected)                                              \
  G_STMT_START {                                                             \
    ind = value;                                                             \
    memcpy (out, fill, sizeof out);                                          \
    g_assert_cmpint (lsp_racp_indication_encode (&ind, out, &len), ==,       \
                     expected);                                              \
    g_assert_cmpmem (out, sizeof out, fill, sizeof fill);                    \
    g_assert_cmpuint (len, ==, 99);                                          \
  } G_STMT_END
  REFUSE (((lsp_racp_indication) { 0, 1, 1, 1 }), LSP_ERR_INDICATION_OPCODE);
  REFUSE (((lsp_racp_indication) { 4, 1, 1, 1 }), LSP_ERR_INDICATION_OPCODE);
  REFUSE (((lsp_racp_indication) { 7, 1, 1, 1 }), LSP_ERR_INDICATION_OPCODE);
  REFUSE (((lsp_racp_indication) { 6, 0, 1, 0 }), LSP_ERR_INDICATION_RESPONSE_CODE);
  REFUSE (((lsp_racp_indication) { 6, 0, 1, 10 }), LSP_ERR_INDICATION_RESPONSE_CODE);
#undef REFUSE

  /* Companions of the other type are ignored. */
  ind = (lsp_racp_indication) { LSP_RACP_IND_COUNT, 12, 0x33, 0x77 };
  g_assert_cmpint (lsp_racp_indication_encode (&ind, out, &len), ==, LSP_OK);
  g_assert_cmpmem (out, len, "\x05\x00\x0c\x00\x00\x00", 6);
  ind = (lsp_racp_indication) { LSP_RACP_IND_RESPONSE, 12, 0x01,
                                LSP_RACP_RSP_NO_RECORDS };
  g_assert_cmpint (lsp_racp_indication_encode (&ind, out, &len), ==, LSP_OK);
  g_assert_cmpmem (out, len, "\x06\x00\x01\x06", 4);
}

void
test_lsp_add_racp_tests (void)
{
  g_test_add_func ("/lsp/racp/request-vectors", test_racp_request_vectors);
  g_test_add_func ("/lsp/racp/response-mapping", test_racp_response_mapping);
  g_test_add_func ("/lsp/racp/operator-matrix", test_racp_operator_matrix);
  g_test_add_func ("/lsp/racp/request-encode", test_racp_request_encode);
  g_test_add_func ("/lsp/racp/indication-vectors", test_racp_indication_vectors);
  g_test_add_func ("/lsp/racp/indication-encode", test_racp_indication_encode);
}
