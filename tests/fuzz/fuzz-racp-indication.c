/* fuzz-racp-indication.c — libFuzzer target: RACP indication decoder (daemon side), then re-encode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lsp_racp_indication value;
  uint8_t out[LSP_RACP_INDICATION_MAX_LEN];
  size_t out_len = 0;
  lsp_status status = lsp_racp_indication_decode (data, size, &value);

  fuzz_check_status (status);
  if (status == LSP_OK)
    fuzz_check_reencoded (lsp_racp_indication_encode (&value, out, &out_len),
                          out, out_len, data, size);
  return 0;
}
