#!/bin/bash
# bench/e2e-sync-rate.sh BUILD_DIR [RECORDS [ROUNDS]] — records/s lactd
# syncs from lactd-sim over real bluetoothd (btvirt, in the e2e VM)
# against the rate a bare GATT client (bench/minimal-gatt-client) in the
# same VM receives the same report, ROUNDS (default 3) pairs of runs in
# alternating order. Boots the VM of tests/e2e/ with only the pairing
# scenario plus the benchmark.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: e2e-sync-rate.sh BUILD_DIR [RECORDS [ROUNDS]]}
E2E_SCENARIOS=pair E2E_BENCH=1 E2E_BENCH_RECORDS=${2:-1000} E2E_BENCH_ROUNDS=${3:-3} \
  "$here/../tests/e2e/run-vm.sh" "$build" "$build/e2e-bench" >/dev/null
rc=$?
grep '^BENCH\|^SCENARIO' "$build/e2e-bench/results.txt" "$build/e2e-bench/bench.txt" 2>/dev/null |
  sed 's/^[^:]*://'
exit $rc
