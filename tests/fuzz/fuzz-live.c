/* fuzz-live.c — libFuzzer target: Live Progress decoder, then re-encode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lsp_live value;
  uint8_t out[LSP_LIVE_LEN];
  lsp_status status = lsp_live_decode (data, size, &value);

  fuzz_check_status (status);
  if (status == LSP_OK)
    fuzz_check_reencoded (lsp_live_encode (&value, out), out, sizeof out,
                          data, size);
  return 0;
}
