/* fuzz-record.c — libFuzzer target: Session Record decoder (host clock
 * fixed), then re-encode; also the sequence-number peek used for
 * rejected records (never 0, never 0xFFFFFFFF).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lsp_record value;
  uint8_t out[LSP_RECORD_LEN];
  uint32_t seq = 0;
  lsp_status status = lsp_record_decode (data, size, FUZZ_NOW, &value);

  fuzz_check_status (status);
  if (lsp_record_peek_seq (data, size, &seq)
      && (seq == 0 || seq == LSP_RECORD_SEQ_ERASED))
    abort ();
  if (status == LSP_OK)
    {
      if (value.seq != seq)
        abort ();
      if (lsp_record_duration_s (&value) > 2 * LSP_MAX_SECONDS)
        abort ();
      fuzz_check_reencoded (lsp_record_encode (&value, FUZZ_NOW, out), out,
                            sizeof out, data, size);
    }
  return 0;
}
