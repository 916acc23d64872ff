/* bench-codec.c — cost of decoding each LSP v1 packet.
 *
 *   bench-codec                       time every packet (10 million decodes
 *                                     each) and print ns/decode
 *   bench-codec --iterations N --packet record
 *                                     decode one packet type N times: run
 *                                     it under valgrind --tool=callgrind
 *                                     at two values of N to count the
 *                                     instructions of one decode
 *                                     (bench/codec.sh does that)
 *
 * The packets are the worked examples of docs/protocol.md: valid, so every
 * check of the decoder runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lsp.h"

#define DEFAULT_ITERATIONS 10000000UL
#define BENCH_NOW ((int64_t) 1767225600) /* 2026-01-01T00:00:00Z */

/* Consumed after each loop so the decodes are not optimised away (they
 * live in another translation unit anyway). */
static volatile uint32_t sink;

typedef uint32_t (*decode_loop) (const uint8_t *buf, size_t len,
                                 unsigned long iterations);

static uint32_t
loop_features (const uint8_t *buf, size_t len, unsigned long n)
{
  lsp_features v;
  uint32_t acc = 0;

  for (unsigned long i = 0; i < n; i++)
    if (lsp_features_decode (buf, len, &v) == LSP_OK)
      acc += v.capacity;
  return acc;
}

static uint32_t
loop_live (const uint8_t *buf, size_t len, unsigned long n)
{
  lsp_live v;
  uint32_t acc = 0;

  for (unsigned long i = 0; i < n; i++)
    if (lsp_live_decode (buf, len, &v) == LSP_OK)
      acc += v.elapsed_s;
  return acc;
}

static uint32_t
loop_record (const uint8_t *buf, size_t len, unsigned long n)
{
  lsp_record v;
  uint32_t acc = 0;

  for (unsigned long i = 0; i < n; i++)
    if (lsp_record_decode (buf, len, BENCH_NOW, &v) == LSP_OK)
      acc += v.seq;
  return acc;
}

static uint32_t
loop_racp_request (const uint8_t *buf, size_t len, unsigned long n)
{
  lsp_racp_request v;
  uint32_t acc = 0;

  for (unsigned long i = 0; i < n; i++)
    if (lsp_racp_request_decode (buf, len, &v) == LSP_OK)
      acc += v.seq;
  return acc;
}

static uint32_t
loop_racp_indication (const uint8_t *buf, size_t len, unsigned long n)
{
  lsp_racp_indication v;
  uint32_t acc = 0;

  for (unsigned long i = 0; i < n; i++)
    if (lsp_racp_indication_decode (buf, len, &v) == LSP_OK)
      acc += v.count;
  return acc;
}

static uint32_t
loop_device_time (const uint8_t *buf, size_t len, unsigned long n)
{
  lsp_device_time v;
  uint32_t acc = 0;

  for (unsigned long i = 0; i < n; i++)
    if (lsp_device_time_decode (buf, len, &v) == LSP_OK)
      acc += v.utc;
  return acc;
}

static uint32_t
loop_battery (const uint8_t *buf, size_t len, unsigned long n)
{
  uint8_t v;
  uint32_t acc = 0;

  for (unsigned long i = 0; i < n; i++)
    if (lsp_battery_decode (buf, len, &v) == LSP_OK)
      acc += v;
  return acc;
}

typedef struct {
  const char *name;
  uint8_t bytes[LSP_RECORD_LEN];
  size_t len;
  decode_loop loop;
} bench_packet;

static const bench_packet packets[] = {
  { "features", { 0x01, 0x01, 0x7f, 0x00, 0x78, 0x56, 0x34, 0x12, 0xc8, 0x00 },
    LSP_FEATURES_LEN, loop_features },
  { "live", { 0x1b, 0x2a, 0x00, 0x00, 0x00, 0xf2, 0x02, 0xd2, 0x04, 0xff,
              0xff, 0x00, 0x00, 0x07, 0x55 },
    LSP_LIVE_LEN, loop_live },
  { "record", { 0x07, 0x00, 0x00, 0x00, 0x70, 0x3a, 0x55, 0x69, 0x04, 0x10,
                0x84, 0x03, 0x84, 0x03, 0xb5, 0x04, 0xd4, 0x03, 0xff, 0xff },
    LSP_RECORD_LEN, loop_record },
  { "racp-request", { 0x01, 0x03, 0x01, 0x05, 0x00, 0x00, 0x00 },
    7, loop_racp_request },
  { "racp-indication", { 0x05, 0x00, 0x03, 0x00, 0x00, 0x00 },
    LSP_RACP_COUNT_LEN, loop_racp_indication },
  { "device-time", { 0x00, 0xb9, 0x55, 0x69, 0x04 },
    LSP_DEVICE_TIME_LEN, loop_device_time },
  { "battery", { 0x55 }, LSP_BATTERY_LEN, loop_battery },
};

static double
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static const bench_packet *
find_packet (const char *name)
{
  for (size_t i = 0; i < sizeof packets / sizeof packets[0]; i++)
    if (strcmp (packets[i].name, name) == 0)
      return &packets[i];
  return NULL;
}

static void
usage (FILE *f)
{
  fprintf (f, "usage: bench-codec [--iterations N] [--packet NAME]\n"
              "packets:");
  for (size_t i = 0; i < sizeof packets / sizeof packets[0]; i++)
    fprintf (f, " %s", packets[i].name);
  fprintf (f, "\n");
}

int
main (int argc, char **argv)
{
  unsigned long iterations = DEFAULT_ITERATIONS;
  const bench_packet *only = NULL;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--iterations") == 0 && i + 1 < argc)
        {
          char *end;

          iterations = strtoul (argv[++i], &end, 10);
          if (*end != '\0' || iterations == 0)
            {
              usage (stderr);
              return 2;
            }
        }
      else if (strcmp (argv[i], "--packet") == 0 && i + 1 < argc)
        {
          only = find_packet (argv[++i]);
          if (only == NULL)
            {
              usage (stderr);
              return 2;
            }
        }
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          usage (stdout);
          return 0;
        }
      else
        {
          usage (stderr);
          return 2;
        }
    }

  /* Every packet must decode (each loop then sums a non-zero field), or
   * the figures would time an early exit. */
  for (size_t i = 0; i < sizeof packets / sizeof packets[0]; i++)
    if (packets[i].loop (packets[i].bytes, packets[i].len, 1) == 0)
      {
        fprintf (stderr, "bench-codec: %s vector does not decode\n",
                 packets[i].name);
        return 1;
      }

  if (only != NULL)
    {
      double t0 = now_ns ();

      sink = only->loop (only->bytes, only->len, iterations);
      printf ("%s: %lu decodes, %.2f ns/decode\n", only->name, iterations,
              (now_ns () - t0) / (double) iterations);
      return 0;
    }

  printf ("LSP v1 decode cost, %lu decodes per packet\n", iterations);
  printf ("%-16s %10s\n", "packet", "ns/decode");
  for (size_t i = 0; i < sizeof packets / sizeof packets[0]; i++)
    {
      double t0 = now_ns ();

      sink = packets[i].loop (packets[i].bytes, packets[i].len, iterations);
      printf ("%-16s %10.2f\n", packets[i].name,
              (now_ns () - t0) / (double) iterations);
    }
  return 0;
}
