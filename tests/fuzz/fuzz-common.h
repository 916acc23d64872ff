/* fuzz-common.h — shared checks of the LSP v1 decoder fuzz targets.
 *
 * Each target decodes the input; every status must have a real message;
 * a packet that decodes must re-encode to exactly the same bytes. Any
 * breach abort()s so libFuzzer records the input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsp.h"

/* The host clock the record target uses: 2026-01-01T00:00:00Z. */
#define FUZZ_NOW ((int64_t) 1767225600)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static inline void
fuzz_check_status (lsp_status status)
{
  const char *msg = lsp_status_message (status);

  if (msg == NULL || msg[0] == '\0' || strcmp (msg, "unknown status") == 0)
    abort ();
  if (strcmp (lsp_status_name (status), "UNKNOWN") == 0)
    abort ();
}

static inline void
fuzz_check_reencoded (lsp_status encode_status, const uint8_t *out,
                      size_t out_len, const uint8_t *data, size_t size)
{
  if (encode_status != LSP_OK || out_len != size ||
      memcmp (out, data, size) != 0)
    abort ();
}
