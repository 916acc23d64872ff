/* test-lsp.h — shared helpers of the LSP v1 codec unit tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lsp.h"

/* The host clock every record test uses: 2026-01-01T00:00:00Z. */
#define TEST_NOW ((gint64) 1767225600)

/* Parses "01 0a ff" (spaces optional) into out; returns the length. */
gsize test_hex (const char *hex, guint8 *out, gsize max);

void test_put_u16 (guint8 *p, guint16 v);
void test_put_u32 (guint8 *p, guint32 v);

/* Registration of each file's test cases. */
void test_lsp_add_simple_tests (void);
void test_lsp_add_record_tests (void);
void test_lsp_add_racp_tests (void);
void test_lsp_add_random_tests (void);
