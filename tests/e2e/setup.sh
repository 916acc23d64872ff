#!/bin/bash
# tests/e2e/setup.sh — install what the VM tier needs and unpack Debian's
# kernel into a cache outside the source tree (the kernel is never
# committed). Idempotent: a second run only checks.
#
# Prints the cache directory on its last line. Needs root for apt-get.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

CACHE="${LACTD_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lactd-e2e}"
PKGS=(qemu-system-x86 busybox-static kmod bluez bluez-test-tools dbus cpio
      python3-gi python3-dbus)

need=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  # --no-install-recommends keeps qemu from pulling a desktop stack.
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

mkdir -p "$CACHE"
# The kernel linux-image-amd64 of the stable point release depends on
# (bookworm/main, not bookworm-security), e.g. linux-image-6.1.0-50-amd64,
# unless LACTD_E2E_KERNEL names another package. The security archive's
# 6.1.192 (linux-image-6.1.0-57) hit "kernel BUG ... list_del corruption"
# in hci_chan_del (an L2CAP socket released after its link went) in 4 of
# about 60 link faults here, killing bluetoothd and leaving the emulated
# air broken; 6.1.176 hit none in 24. Failing that, linux-image-amd64's
# candidate.
stable_kernel() {
  local ver
  ver=$(apt-cache madison linux-image-amd64 2>/dev/null |
        awk -F'|' '$3 !~ /security/ { gsub(/ /, "", $2); print $2; exit }')
  [[ -n $ver ]] || return 0
  apt-cache show "linux-image-amd64=$ver" 2>/dev/null |
    sed -n 's/^Depends: \(linux-image-[0-9][^ ]*-amd64\).*/\1/p' | head -n1
}
kpkg=${LACTD_E2E_KERNEL:-$(stable_kernel)}
[[ -n $kpkg ]] || kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
       sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
if [[ -z "$kpkg" ]]; then
  # Already unpacked earlier (no package lists now): reuse it.
  kpkg=$(cd "$CACHE" && ls -d linux-image-*-amd64 2>/dev/null | head -n1 || true)
fi
[[ -n "$kpkg" ]] || { echo "setup: cannot find the kernel package" >&2; exit 1; }
kdir="$CACHE/$kpkg"
if [[ ! -f "$kdir/.done" ]]; then
  echo "setup: fetching $kpkg" >&2
  rm -rf "$kdir" && mkdir -p "$kdir"
  (cd "$CACHE" && rm -f "${kpkg}"_*.deb && apt-get download "$kpkg" >&2)
  dpkg -x "$CACHE/${kpkg}"_*.deb "$kdir"
  kver=$(ls "$kdir/lib/modules")
  # The package ships no modules.dep.
  depmod -b "$kdir" "$kver"
  touch "$kdir/.done"
fi
kver=$(ls "$kdir/lib/modules")
ln -sfn "$kpkg" "$CACHE/kernel"
echo "setup: kernel $kver in $kdir" >&2
echo "$CACHE"
