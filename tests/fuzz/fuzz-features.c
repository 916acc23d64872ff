/* fuzz-features.c — libFuzzer target: Sensor Features decoder, then re-encode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lsp_features value;
  uint8_t out[LSP_FEATURES_LEN];
  lsp_status status = lsp_features_decode (data, size, &value);

  fuzz_check_status (status);
  if (status == LSP_OK)
    fuzz_check_reencoded (lsp_features_encode (&value, out), out, sizeof out,
                          data, size);
  return 0;
}
