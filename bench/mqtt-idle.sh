#!/bin/bash
# mqtt-idle.sh — lactd-mqtt at rest: its wake-ups over DURATION seconds,
# counted as bench/idle.sh counts lactd's, with a connected broker and lactd
# on the bus and nothing happening.
#
#   bench/mqtt-idle.sh [BUILDDIR] [DURATION]        (default /tmp/b-bench 60)
#
# Private session and system buses; lactd on an empty store with reminders
# off (SetGoal {'reminders': false}), so it emits nothing; Debian's
# mosquitto on 127.0.0.1; lactd-mqtt with discovery on. After 20 s of
# settling (GLib's pool threads retire after 15 s unused), over the window:
#  - /proc/PID/task/*/status: voluntary + nonvoluntary context switches of
#    every thread alive at both ends (threads that came or went noted);
#  - perf stat (when it can attach): context-switches, the poll-family
#    syscalls and all syscalls.
# Expected: the MQTT keep-alive only — one PINGREQ every 60 s
# (LACTD_MQTT_KEEPALIVE) and the PINGRESP read: about 2 main-thread
# wake-ups a minute, depending on where the window falls.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

builddir=${1:-/tmp/b-bench}
duration=${2:-60}
lactd="$builddir/daemon/lactd"
bridge="$builddir/clients/mqtt/lactd-mqtt"
for f in "$lactd" "$bridge"; do
  [ -x "$f" ] || { echo "mqtt-idle.sh: no $f (build first)" >&2; exit 2; }
done
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)

. "$(dirname "$0")/bench-lib.sh"
bench_workdir mqtt-idle

# Per thread: "name switches" over the window.
ctxt_by_thread() {
  for t in /proc/"$1"/task/*; do
    id=${t##*/}
    name=$(cat "$t/comm" 2>/dev/null || echo "?")
    before=$(awk -v t="$id" '$1 == t { print $2 }' "$2")
    now=$(awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }' "$t/status")
    [ -n "$before" ] && printf '  %-12s %s\n' "$name" $((now - before))
  done
}

start_bus; export DBUS_SYSTEM_BUS_ADDRESS=$bus_address
start_bus; export DBUS_SESSION_BUS_ADDRESS=$bus_address

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{ [ "$(id -u)" -eq 0 ] && echo "user root"
  echo "listener $port 127.0.0.1"
  echo "allow_anonymous true"; } >"$out/mosquitto.conf"
"$mosquitto" -c "$out/mosquitto.conf" 2>/dev/null &
pids+=("$!")

"$lactd" --db "$out/lactd.db" >"$out/lactd.log" 2>&1 &
pids+=("$!")
gdbus wait --session --timeout 10 org.lactd
gdbus call --session --dest org.lactd --object-path /org/lactd \
  --method org.lactd.Goals1.SetGoal "{'reminders': <false>}" >/dev/null

install -m 600 /dev/null "$out/mqtt.conf"
printf '[mqtt]\nhost=127.0.0.1\nport=%s\nid=idle\n' "$port" >"$out/mqtt.conf"
"$bridge" -c "$out/mqtt.conf" --state-file "$out/mqtt.state" -v >"$out/bridge.log" 2>&1 &
bridge_pid=$!; pids+=("$bridge_pid")

sleep 20
grep -q "Connected to the MQTT broker" "$out/bridge.log" ||
  { echo "mqtt-idle.sh: lactd-mqtt did not connect" >&2; cat "$out/bridge.log" >&2; exit 1; }

use_perf=0
events='context-switches,syscalls:sys_enter_poll,syscalls:sys_enter_ppoll,raw_syscalls:sys_enter'
if command -v perf >/dev/null && perf stat -e "$events" -p "$bridge_pid" -- true >/dev/null 2>&1; then
  use_perf=1
fi
log_lines0=$(wc -l <"$out/bridge.log")
ctxt "$bridge_pid" >"$out/c0"
if [ "$use_perf" = 1 ]; then
  perf stat -x, -e "$events" -p "$bridge_pid" -o "$out/perf" -- sleep "$duration"
else
  sleep "$duration"
fi
ctxt "$bridge_pid" >"$out/c1"

echo "mqtt-idle.sh: $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), window ${duration} s"
echo "lactd-mqtt connected to mosquitto, lactd idle (reminders off), keep-alive 60 s"
echo "ctxt switches (/proc), all threads: $(ctxt_delta "$out/c0" "$out/c1")"
ctxt_by_thread "$bridge_pid" "$out/c0"
if [ "$use_perf" = 1 ]; then
  awk -F, '$3 != "" { printf "perf %-32s %s\n", $3, $1 }' "$out/perf"
else
  echo "perf: n/a"
fi
echo "what lactd-mqtt logged in the window (-v):"
tail -n +"$((log_lines0 + 1))" "$out/bridge.log" | sed 's/^/  /'
