#!/bin/bash
# rss-after-sync.sh — lactd's memory at rest after it synced a backlog of
# N records itself: lactd --simulate=backlog:N on a private session bus and
# a throwaway store, as lactd.service runs it (G_SLICE=always-malloc).
#
#   bench/rss-after-sync.sh [BUILDDIR] [N] [REST]   (default /tmp/b-bench 50000 20)
#
# Waits until the store holds N sessions, switches reminders off, lets the
# daemon rest REST seconds (the SessionAdded signals go out meanwhile), then
# prints VmRSS, VmHWM (the peak of the sync) and Pss, and VmRSS again after
# a malloc_trim called from gdb (when gdb is there): what is still free in
# the heap but not given back. The simulated sensor runs inside lactd, so
# its records count too (about 1 MB for 50,000).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

builddir=${1:-/tmp/b-bench}
n=${2:-50000}
rest=${3:-20}
lactd="$builddir/daemon/lactd"
[ -x "$lactd" ] || { echo "rss-after-sync.sh: no $lactd (build first)" >&2; exit 2; }

. "$(dirname "$0")/bench-lib.sh"
bench_workdir rss

start_bus
export DBUS_SESSION_BUS_ADDRESS=$bus_address

G_SLICE=always-malloc "$lactd" --simulate=backlog:"$n" --db="$out/lactd.db" \
  >"$out/lactd.log" 2>&1 &
pid=$!
pids+=("$pid")

t0=$(date +%s%N)
stored=0
for _ in $(seq 1 1200); do
  stored=$(sqlite3 "$out/lactd.db" 'SELECT count(*) FROM sessions' 2>/dev/null || echo 0)
  [ "${stored:-0}" -ge "$n" ] && break
  sleep 0.5
done
[ "${stored:-0}" -ge "$n" ] || { echo "rss-after-sync.sh: only $stored of $n stored" >&2; exit 1; }
echo "synced $stored sessions in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
gdbus call --session -d org.lactd -o /org/lactd \
  -m org.lactd.Goals1.SetGoal "{'reminders': <false>}" >/dev/null
sleep "$rest"

kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/"$pid"/status; }
pss=$(awk '/^Pss:/ { s += $2 } END { print s }' /proc/"$pid"/smaps)
echo "at rest ${rest} s later: VmRSS $(kb VmRSS) kB, VmHWM $(kb VmHWM) kB, Pss $pss kB"
if command -v gdb >/dev/null; then
  gdb -p "$pid" -batch -ex 'call (int) malloc_trim(0)' >/dev/null 2>&1 || true
  echo "after a malloc_trim from gdb: VmRSS $(kb VmRSS) kB"
fi
