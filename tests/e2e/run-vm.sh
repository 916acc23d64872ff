#!/bin/bash
# tests/e2e/run-vm.sh BUILD_DIR [OUT_DIR] — boots Debian's kernel in qemu
# (TCG: no KVM needed) with the host's / read-only over 9p, runs
# tests/e2e/stage2.sh inside (real bluetoothd, two btvirt LE controllers,
# lactd-sim as the peripheral, lactd + lactctl as the central), prints the
# guest's log and one line per scenario, and exits 0 only if every
# scenario passed (77: the VM cannot run here, so meson skips).
#
# Environment: E2E_SCENARIOS (space-separated, default all), E2E_STAGE2
# (the guest's PID 1 after the initramfs, default stage2.sh), E2E_TIMEOUT
# (seconds, default 900), E2E_BENCH=1 (also the sync-rate benchmark;
# E2E_BENCH_RECORDS records, default 1000, E2E_BENCH_ROUNDS pairs of runs,
# default 1),
# E2E_CHURN (faults in the link-churn scenario, default 12),
# LACTD_E2E_CACHE (kernel cache, default ~/.cache/lactd-e2e). A failed run
# is never run again: its failure is the verdict.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run-vm.sh BUILD_DIR [OUT_DIR]}" && pwd)
out=${2:-$build/e2e-run}
timeout_s=${E2E_TIMEOUT:-900}

# Clear the last run first, so a run that cannot start leaves no stale
# verdicts for result.sh to report.
rm -rf "$out"
mkdir -p "$out"

skip() { echo "e2e: SKIP: $*"; exit 77; }

cache=$("$here/setup.sh" | tail -n1) || skip "setup.sh failed (root and apt needed once)"
kdir="$cache/kernel"
kver=$(ls "$kdir/lib/modules" 2>/dev/null) || skip "no unpacked kernel in $kdir"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing"
for exe in sim/lactd-sim; do
  [[ -x "$build/$exe" ]] || skip "$build/$exe not built"
done

initrd="$cache/initrd-$kver.gz"
if [[ ! -s "$initrd" || "$here/mkinitramfs.sh" -nt "$initrd" ]]; then
  "$here/mkinitramfs.sh" "$kdir" "$initrd" || skip "mkinitramfs failed"
fi

# What stage 2 needs to know; it reads /e2e/env (the results share).
cat > "$out/env" <<ENV
E2E_SRC='$src'
E2E_BUILD='$build'
E2E_KDIR='$kdir'
E2E_KVER='$kver'
E2E_SCENARIOS='${E2E_SCENARIOS:-}'
E2E_BENCH='${E2E_BENCH:-0}'
E2E_GUEST_TIMEOUT='$((timeout_s - 60))'
E2E_BENCH_RECORDS='${E2E_BENCH_RECORDS:-1000}'
E2E_BENCH_ROUNDS='${E2E_BENCH_ROUNDS:-1}'
E2E_CHURN='${E2E_CHURN:-12}'
ENV

start=$(date +%s)
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
  -accel tcg,thread=multi,tb-size=256 -smp 2 -cpu max -m 512 \
  -nographic -no-reboot -nic none \
  -kernel "$kdir/boot/vmlinuz-$kver" -initrd "$initrd" \
  -append "console=ttyS0 panic=-1 quiet loglevel=4 LACTD_STAGE2=${E2E_STAGE2:-$here/stage2.sh}" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$out",mount_tag=results,security_model=none \
  </dev/null >"$out/console.log" 2>&1
rc=$?
end=$(date +%s)

echo "=== guest console (tail) ==="
tail -n 60 "$out/console.log"
if [[ -f "$out/guest.log" ]]; then
  echo "=== guest log (tail; full log in $out/guest.log) ==="
  tail -n 150 "$out/guest.log"
fi
echo "=== e2e: VM wall time $((end - start)) s (qemu exit $rc) ==="
[[ $rc -eq 124 || $rc -eq 137 ]] && echo "e2e: VM TIMED OUT after ${timeout_s}s"

if [[ ! -s "$out/results.txt" ]]; then
  echo "e2e: FAIL: no results from the guest"
  exit 1
fi
cat "$out/results.txt"
[[ -f "$out/bench.txt" ]] && cat "$out/bench.txt"
grep -q '^SCENARIO .*: FAIL' "$out/results.txt" && exit 1
grep -q '^SCENARIO .*: PASS' "$out/results.txt" || exit 1
exit 0
