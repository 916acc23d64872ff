/* fuzz-racp-request.c — libFuzzer target: RACP request decoder (sensor side), then re-encode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lsp_racp_request value;
  uint8_t out[LSP_RACP_REQUEST_MAX_LEN];
  size_t out_len = 0;
  lsp_status status = lsp_racp_request_decode (data, size, &value);

  fuzz_check_status (status);
  if (lsp_racp_response_for_status (status) < LSP_RACP_RSP_SUCCESS ||
      lsp_racp_response_for_status (status) > LSP_RACP_RSP_OPERAND_NOT_SUPPORTED)
    abort ();
  if (status == LSP_OK)
    fuzz_check_reencoded (lsp_racp_request_encode (&value, out, &out_len), out,
                          out_len, data, size);
  return 0;
}
