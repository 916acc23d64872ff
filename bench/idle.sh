#!/bin/bash
# idle.sh — lactd at rest: wake-ups over DURATION seconds with no sensor
# and no reminder due, and its RSS and Pss against a minimal GDBus service
# (bench/minimal-service.c) measured side by side in the same run.
#
#   bench/idle.sh [BUILDDIR] [DURATION]        (default /tmp/b-bench 60)
#
# Both run on private session and system buses (no BlueZ, so lactd's
# BluetoothState is no-bluez). lactd's store is the 50,000-session history
# of bench-dbus-gen with its sensor forgotten (--unpaired: sessions stay,
# no sensor object, no link), and reminders are switched off with
# SetGoal({'reminders': false}) before measuring, so nothing is due; the
# daemon's own log says when its one timer is armed, and the script prints
# whether that falls inside the window. Goals: 0 wake-ups; RSS and Pss
# within 1.5x of the minimal service.
#
# Wake-ups are counted two ways over the same window, for every thread of
# each process:
#  - perf stat: context-switches (a thread that sleeps and is woken again
#    is switched out once), the poll-family syscalls (one per main-loop or
#    GDBus-worker wake-up) and raw_syscalls:sys_enter (all syscalls);
#    only when perf can attach, else shown as "n/a";
#  - /proc/PID/task/*/status: voluntary + nonvoluntary context switches,
#    difference over the window for the threads alive at both ends, with
#    threads that appeared or retired noted (always available).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

builddir=${1:-/tmp/b-bench}
duration=${2:-60}
lactd="$builddir/daemon/lactd"
gen="$builddir/bench/bench-dbus-gen"
minimal="$builddir/bench/minimal-service"
for f in "$lactd" "$gen" "$minimal"; do
  [ -x "$f" ] || { echo "idle.sh: no $f (build first)" >&2; exit 2; }
done

. "$(dirname "$0")/bench-lib.sh"
bench_workdir idle

# "RSS Pss USS Anonymous" in kB. Pss splits shared pages among the
# processes mapping them, so it moves with what else runs (other GLib
# programs); USS (private pages) and Anonymous (heap, stacks) do not.
mem() {
  awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } /^Private_(Clean|Dirty):/ { u += $2 }
       /^Anonymous:/ { a = $2 } END { print r, p, u, a }' /proc/"$1"/smaps_rollup
}

"$gen" --unpaired "$out/lactd.db" >/dev/null
start_bus; sysbus=$bus_address
start_bus; sessbus=$bus_address
export DBUS_SYSTEM_BUS_ADDRESS="$sysbus" DBUS_SESSION_BUS_ADDRESS="$sessbus"

"$lactd" --db "$out/lactd.db" -v >"$out/lactd.log" 2>&1 &
lactd_pid=$!; pids+=("$lactd_pid")
"$minimal" org.lactd.BenchMinimal &
min_pid=$!; pids+=("$min_pid")
gdbus wait --session --timeout 10 org.lactd
gdbus wait --session --timeout 10 org.lactd.BenchMinimal

gdbus call --session --dest org.lactd --object-path /org/lactd \
  --method org.lactd.Goals1.SetGoal "{'reminders': <false>}" >/dev/null
next_due=$(gdbus call --session --dest org.lactd --object-path /org/lactd \
  --method org.freedesktop.DBus.Properties.Get org.lactd.Goals1 NextDue)
# Let start-up work settle: PropertiesChanged, the WAL, and GLib's pool
# threads, which retire after 15 s unused.
sleep 20

t0=$(date +%s)
use_perf=0
events='context-switches,syscalls:sys_enter_poll,syscalls:sys_enter_ppoll,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,raw_syscalls:sys_enter'
if command -v perf >/dev/null &&
   perf stat -e "$events" -p "$min_pid" -- true >/dev/null 2>&1; then
  use_perf=1
fi
ctxt "$lactd_pid" >"$out/c0.lactd"; ctxt "$min_pid" >"$out/c0.min"
if [ "$use_perf" = 1 ]; then
  perf stat -x, -e "$events" -p "$lactd_pid" -o "$out/perf.lactd" -- sleep "$duration" &
  pl=$!
  perf stat -x, -e "$events" -p "$min_pid" -o "$out/perf.min" -- sleep "$duration" &
  pm=$!
  wait "$pl" "$pm"
else
  sleep "$duration"
fi
ctxt "$lactd_pid" >"$out/c1.lactd"; ctxt "$min_pid" >"$out/c1.min"
read -r rss_l pss_l uss_l anon_l <<<"$(mem "$lactd_pid")"
read -r rss_m pss_m uss_m anon_m <<<"$(mem "$min_pid")"

perf_count() {  # file event -> count (0 for <not counted>: never scheduled)
  [ "$use_perf" = 1 ] || { echo n/a; return; }
  awk -F, -v e="$2" '$3 == e { print ($1 ~ /^[0-9]+$/ ? $1 : 0); f = 1 }
                     END { if (!f) print "n/a" }' "$1"
}

armed=$(sed -n 's/.*Wake-up armed for \([0-9]*\).*/\1/p' "$out/lactd.log" | tail -n 1)
threads_l=$(ls /proc/"$lactd_pid"/task | wc -l)
threads_m=$(ls /proc/"$min_pid"/task | wc -l)

echo "idle.sh: $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), window ${duration} s"
echo "lactd: 50,000-session store, no sensor, reminders off (NextDue ${next_due//[()<>,]/})"
if [ -n "$armed" ]; then
  if [ "$armed" -ge "$t0" ] && [ "$armed" -le $((t0 + duration)) ]; then
    echo "  its one timer was armed for $(date -u -d @"$armed" +%T) UTC: INSIDE the window (a legitimate wake-up)"
  else
    echo "  its one timer is armed for $(date -u -d @"$armed" +%FT%TZ), outside the window"
  fi
fi
printf '%-36s %10s %16s\n' "over ${duration} s" "lactd" "minimal-service"
printf '%-36s %10s %16s\n' "threads" "$threads_l" "$threads_m"
printf '%-36s %10s %16s\n' "ctxt switches (/proc)" \
  "$(ctxt_delta "$out/c0.lactd" "$out/c1.lactd")" \
  "$(ctxt_delta "$out/c0.min" "$out/c1.min")"
for e in context-switches syscalls:sys_enter_poll syscalls:sys_enter_ppoll \
         syscalls:sys_enter_epoll_wait raw_syscalls:sys_enter; do
  printf '%-36s %10s %16s\n' "perf $e" \
    "$(perf_count "$out/perf.lactd" "$e")" "$(perf_count "$out/perf.min" "$e")"
done
printf '%-36s %10s %16s\n' "RSS kB" "$rss_l" "$rss_m"
printf '%-36s %10s %16s\n' "Pss kB" "$pss_l" "$pss_m"
printf '%-36s %10s %16s\n' "USS (private) kB" "$uss_l" "$uss_m"
printf '%-36s %10s %16s\n' "Anonymous kB" "$anon_l" "$anon_m"
awk -v a="$rss_l" -v b="$rss_m" -v c="$pss_l" -v d="$pss_m" -v e="$uss_l" -v f="$uss_m" \
  'BEGIN { printf "ratio lactd/minimal: RSS %.2f, Pss %.2f (goal <= 1.5); USS %.2f\n", a / b, c / d, e / f }'
