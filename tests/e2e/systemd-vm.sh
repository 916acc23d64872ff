#!/bin/bash
# tests/e2e/systemd-vm.sh BUILD_DIR [OUT_DIR] — the installed lactd under a
# real systemd: builds the Debian package (tests/package/build-deb.sh, into
# BUILD_DIR/package; reused while the source is unchanged), then boots the
# e2e VM (run-vm.sh) with systemd as PID 1 (systemd-init.sh), which installs
# the package and runs systemd-scenarios.sh as a user service manager's
# user would. One line per scenario; exit 0 only if all passed, 77 if the
# VM cannot run here.
#
# Environment as for run-vm.sh (E2E_SCENARIOS picks scenarios of
# systemd-scenarios.sh).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: systemd-vm.sh BUILD_DIR [OUT_DIR]}" && pwd)
out=${2:-$build/e2e-systemd-run}

pkg_log=$build/package-build-deb.log
if ! "$here/../package/build-deb.sh" "$src" "$build/package" >"$pkg_log" 2>&1; then
  tail -n 40 "$pkg_log"
  echo "e2e-systemd: FAIL: the package did not build (log: $pkg_log)"
  # No verdicts from an older run may stand.
  rm -rf "$out"
  exit 1
fi
tail -n 2 "$pkg_log"

E2E_STAGE2="$here/systemd-init.sh" exec "$here/run-vm.sh" "$build" "$out"
