#!/bin/sh
# live-cost.sh — instructions per Live Progress packet under callgrind:
# the daemon's real path against a minimal decode-and-emit loop, in one
# run of bench-live-cost (see the comment at the top of bench-live-cost.c).
#
#   bench/live-cost.sh [BUILDDIR] [N1] [N2]     (default /tmp/b-bench 500 1500)
#
# Each block of packets ends with a callgrind client-request dump, so the
# figure per packet is (Ir(N2 block) - Ir(N1 block)) / (N2 - N1): fixed
# per-block costs (flush, dump) cancel. Instructions of every thread of the
# process count (GDBus's worker thread writes the messages); the private
# dbus-daemon is not traced. Goal: daemon / minimal <= 1.3.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

builddir=${1:-/tmp/b-bench}
n1=${2:-500}
n2=${3:-1500}
harness="$builddir/bench/bench-live-cost"
[ -x "$harness" ] || { echo "live-cost.sh: no $harness (build first)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "live-cost.sh: valgrind missing" >&2; exit 2; }

out=$(mktemp -d "${TMPDIR:-/tmp}/lactd-live-cost-XXXXXX")
trap 'rm -rf "$out"' EXIT

valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" \
  --dump-instr=no --collect-jumps=no \
  "$harness" --n1 "$n1" --n2 "$n2" >"$out/stdout" 2>"$out/stderr" || {
  cat "$out/stderr" >&2; exit 1; }
grep -v '^==' "$out/stdout" || true

# label Ir, one line per dump file.
for f in "$out"/cg.out.*; do
  label=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
  ir=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$f" | head -n 1)
  [ -n "$label" ] && echo "$label $ir"
done >"$out/blocks"

awk -v n1="$n1" -v n2="$n2" '
  { split($1, p, "-n"); ir[$1] = $2 }
  END {
    printf "instructions per Live Progress packet (callgrind Ir, %d vs %d packets, one run)\n", n1, n2
    split("daemon minimal minimal+props", paths, " ")
    for (i = 1; i <= 3; i++) {
      a = ir[paths[i] "-n1-" n1]; b = ir[paths[i] "-n2-" n2]
      if (a == "" || b == "") { print "  missing dump for " paths[i]; exit 1 }
      per[paths[i]] = (b - a) / (n2 - n1)
      printf "  %-14s %9.0f Ir/packet   (block of %d: %d Ir, block of %d: %d Ir)\n", paths[i], per[paths[i]], n1, a, n2, b
    }
    printf "  ratio daemon / minimal:        %.2f   (goal <= 1.3)\n", per["daemon"] / per["minimal"]
    printf "  ratio daemon / minimal+props:  %.2f   (same two messages the contract requires)\n", per["daemon"] / per["minimal+props"]
  }' "$out/blocks"

if [ -n "${LIVE_COST_KEEP:-}" ]; then
  mkdir -p "$LIVE_COST_KEEP" && cp "$out"/cg.out* "$LIVE_COST_KEEP"/
  echo "callgrind dumps kept in $LIVE_COST_KEEP (callgrind_annotate FILE)"
fi
