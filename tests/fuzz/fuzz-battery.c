/* fuzz-battery.c — libFuzzer target: Battery Level decoder, then re-encode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t percent;
  uint8_t out[LSP_BATTERY_LEN];
  lsp_status status = lsp_battery_decode (data, size, &percent);

  fuzz_check_status (status);
  if (status == LSP_OK)
    fuzz_check_reencoded (lsp_battery_encode (percent, out), out, sizeof out,
                          data, size);
  return 0;
}
