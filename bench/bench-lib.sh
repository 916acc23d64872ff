# bench-lib.sh — what the shell benchmarks share; sourced, not run.
#
#   . "$(dirname "$0")/bench-lib.sh"
#   bench_workdir NAME     # $out: a private directory, removed at exit with
#                          # every process whose pid is added to pids
#
# SPDX-License-Identifier: GPL-3.0-or-later

pids=()
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$out"
}

bench_workdir() {
  out=$(mktemp -d "${TMPDIR:-/tmp}/lactd-$1-XXXXXX")
  trap bench_cleanup EXIT
}

# Sets bus_address; remembers the forked daemon's pid for the cleanup
# (not called in $(...): a subshell could not add to pids).
start_bus() {
  local lines
  lines=$(dbus-daemon --session --fork --print-address=1 --print-pid=1 2>/dev/null)
  pids+=("$(echo "$lines" | sed -n 2p)")
  bus_address=$(echo "$lines" | sed -n 1p)
}

# "tid switches" for each thread of a process (voluntary + nonvoluntary).
ctxt() {
  for t in /proc/"$1"/task/*; do
    awk -v t="${t##*/}" '/^(non)?voluntary_ctxt_switches/ { n += $2 }
                         END { print t, n + 0 }' "$t/status" 2>/dev/null || true
  done
}

# Switches over the window: the threads alive at both ends, plus a note
# of threads that came or went (a GLib pool thread retiring wakes once).
ctxt_delta() {
  awk 'NR == FNR { a[$1] = $2; next }
       ($1 in a) { d += $2 - a[$1]; seen[$1] = 1; next } { born++ }
       END { for (t in a) if (!(t in seen)) gone++
             printf "%d%s%s", d, born ? " +" born " new thr" : "",
                    gone ? " " gone " thr gone" : "" }' "$1" "$2"
}
