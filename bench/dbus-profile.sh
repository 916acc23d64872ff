#!/bin/sh
# dbus-profile.sh — where the daemon spends its instructions answering one
# History1 call over D-Bus (DailySummary for 30 days by default,
# ListSessions for a year, ListSessionsPage of 100), against the round-trip
# floor (Properties.Get(Manager1.Version)), under callgrind.
#
#   bench/dbus-profile.sh [BUILDDIR] [STORE] [N1] [N2] [KIND]
#       (default /tmp/b-bench /tmp/50k.db 50 250 summary;
#        KIND summary|list|page; for list, N1 2 and N2 6 take minutes)
#
# bench-dbus-queries --only KIND|floor drives a lactd that runs under
# valgrind --tool=callgrind (every thread of the daemon: the main loop and
# GDBus's worker); each of the four runs (two kinds of call, N1 and N2
# calls) starts the daemon twice (a timed start-up, then the one that
# answers) and the answering one's profile is kept. Instructions per call
# are (Ir(N2) - Ir(N1)) / (N2 - N1), so the start-up, the store's opening
# and the goals' first evaluation cancel; so does everything per function
# in the listing of the costliest functions (inclusive Ir per call).
# The client and the dbus-daemon are not traced. STORE is copied first:
# bench-dbus-gen writes one (see bench/README.md "Queries and start-up").
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

builddir=${1:-/tmp/b-bench}
store=${2:-/tmp/50k.db}
n1=${3:-50}
n2=${4:-250}
kind=${5:-summary}
case "$kind" in summary|list|page) ;; *) echo "dbus-profile.sh: KIND summary|list|page" >&2; exit 2;; esac
harness="$builddir/bench/bench-dbus-queries"
lactd="$builddir/daemon/lactd"
[ -x "$harness" ] && [ -x "$lactd" ] ||
  { echo "dbus-profile.sh: build $builddir first" >&2; exit 2; }
[ -f "$store" ] || { echo "dbus-profile.sh: no store $store" >&2; exit 2; }
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
  { echo "dbus-profile.sh: valgrind missing" >&2; exit 2; }

out=$(mktemp -d "${TMPDIR:-/tmp}/lactd-dbus-profile-XXXXXX")
trap 'rm -rf "$out"' EXIT

# One profile per run: the queried daemon is the last one started.
profile () {
  what=$1 n=$2
  cp "$store" "$out/store.db"
  rm -f "$out/store.db-wal" "$out/store.db-shm"
  cat >"$out/lactd-cg" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --dump-instr=no --collect-jumps=no \
  --callgrind-out-file="$out/cg-$what-$n.%p" "$lactd" "\$@" 2>/dev/null
EOF
  chmod +x "$out/lactd-cg"
  "$harness" --starts 1 --calls "$n" --only "$what" "$out/lactd-cg" \
    "$out/store.db" >"$out/$what-$n.txt" 2>/dev/null
  latest=$(ls -t "$out"/cg-"$what"-"$n".* | head -n 1)
  callgrind_annotate --inclusive=yes --threshold=100 "$latest" \
    >"$out/$what-$n.annotate"
  sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$latest" | head -n 1
}

for what in "$kind" floor; do
  a=$(profile "$what" "$n1")
  b=$(profile "$what" "$n2")
  echo "$what $a $b"
done >"$out/totals"

awk -v n1="$n1" -v n2="$n2" '
  { per[$1] = ($3 - $2) / (n2 - n1) }
  END {
    printf "daemon instructions per call (callgrind Ir, %d vs %d calls)\n", n1, n2
    printf "  %-22s %11.0f Ir/call\n", kind, per[kind]
    printf "  Properties.Get floor   %11.0f Ir/call\n", per["floor"]
    printf "  %s above the floor: %.0f Ir/call\n", kind, per[kind] - per["floor"]
  }' kind="$kind" "$out/totals"

# Inclusive Ir per call of each function, costliest first.
echo
echo "$kind: costliest functions, inclusive Ir per call"
awk -v n1="$n1" -v n2="$n2" '
  FNR == 1 { file++ }
  /^ *[0-9,]+ +\(/ || /^ *[0-9,]+ +[^ ]+:/ {
    ir = $1; gsub(",", "", ir)
    name = $0; sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "", name)
    sub(/ \[.*$/, "", name)
    if (file == 1) a[name] = ir; else b[name] = ir
  }
  END {
    for (name in b) {
      d = (b[name] - a[name]) / (n2 - n1)
      if (d >= 500) printf "%9.0f  %s\n", d, name
    }
  }' "$out/$kind-$n1.annotate" "$out/$kind-$n2.annotate" |
  sort -rn | head -n "${DBUS_PROFILE_TOP:-40}"

if [ -n "${DBUS_PROFILE_KEEP:-}" ]; then
  mkdir -p "$DBUS_PROFILE_KEEP" && cp "$out"/cg-* "$out"/*.annotate "$DBUS_PROFILE_KEEP"/
  echo "callgrind profiles kept in $DBUS_PROFILE_KEEP"
fi
