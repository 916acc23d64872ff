#!/bin/sh
# bench/codec.sh [BUILDDIR] — LSP v1 decode cost.
#
# 1. Wall-clock ns/decode for every packet (bench-codec, 10 million each).
# 2. With valgrind present: instructions per decode from callgrind, as the
#    difference of two runs (1000 and 11000 decodes) divided by 10000, so
#    start-up cost cancels out; compared with 120,000 instructions, the
#    cost of emitting one D-Bus signal (the per-notification budget floor).
set -eu

build=${1:-build}
bench=$build/bench/bench-codec
if [ ! -x "$bench" ]; then
  echo "codec.sh: $bench not found; build first (meson setup $build && ninja -C $build)" >&2
  exit 1
fi

"$bench"

if ! command -v valgrind >/dev/null 2>&1; then
  echo "codec.sh: valgrind not found; skipping instruction counts"
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lactd-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

instructions () { # packet iterations -> total Ir
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
    "$bench" --packet "$1" --iterations "$2" >/dev/null 2>&1
  awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out"
}

dbus_signal=120000
echo
echo "Instructions per decode (callgrind, (Ir[11000] - Ir[1000]) / 10000)"
printf '%-16s %12s %18s\n' packet instr/decode "vs D-Bus signal"
for packet in features live record racp-request racp-indication device-time battery; do
  ir1=$(instructions "$packet" 1000)
  ir2=$(instructions "$packet" 11000)
  awk -v p="$packet" -v a="$ir1" -v b="$ir2" -v s="$dbus_signal" 'BEGIN {
    per = (b - a) / 10000
    printf "%-16s %12.1f   1/%.0f (%.3f%%)\n", p, per, s / per, 100 * per / s
  }'
done
