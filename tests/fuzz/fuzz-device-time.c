/* fuzz-device-time.c — libFuzzer target: Device Time decoder, then re-encode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lsp_device_time value;
  uint8_t out[LSP_DEVICE_TIME_LEN];
  lsp_status status = lsp_device_time_decode (data, size, &value);

  fuzz_check_status (status);
  if (status == LSP_OK)
    fuzz_check_reencoded (lsp_device_time_encode (&value, out), out,
                          sizeof out, data, size);
  return 0;
}
