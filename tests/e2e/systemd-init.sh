#!/bin/bash
# tests/e2e/systemd-init.sh — PID 1 of the systemd VM run, right after the
# initramfs's switch_root (run-vm.sh with E2E_STAGE2 pointing here). It
# prepares the overlay root as a machine with lactd installed from its
# package and then becomes systemd: `exec /lib/systemd/systemd`, with a
# target of its own (lactd-e2e.target) instead of the host's default, so
# that only what a user session needs starts:
#
#   journald (persistent, so each user has a journal), the system bus,
#   logind with the test user lingering (logind starts user@UID.service,
#   the user's systemd with its session bus, as on a headless machine),
#   and lactd-e2e.service, which runs tests/e2e/systemd-scenarios.sh and
#   powers off.
#
# Everything it writes lands in the overlay's tmpfs, never on the host.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8 HOME=/root
# shellcheck disable=SC1091
. /e2e/env

LOG=/e2e/guest.log
RESULTS=/e2e/results.txt
exec >>"$LOG" 2>&1
: >"$RESULTS"

TEST_USER=lactd-test
log() { echo "[$(date +%T.%3N)] init: $*"; }
boot_fail() {
  echo "SCENARIO boot: FAIL $*" | tee -a "$RESULTS"
  sync
  echo 1 >/proc/sys/kernel/sysrq
  echo o >/proc/sysrq-trigger
  while :; do sleep 1; done
}

log "kernel $(uname -r), $(nproc) cpus; preparing the root for systemd"
echo lactd-e2e >/etc/hostname
mkdir -p /lib/modules
ln -sfn "$E2E_KDIR/lib/modules/$E2E_KVER" "/lib/modules/$E2E_KVER"

# lactd and lactd-mqtt from their packages, as a user would have them
# (lactd-app is left out: nothing here has a display). man-db's trigger
# would rebuild the whole manual index under TCG: off (its own switch).
debs=()
for p in lactd lactd-mqtt; do
  deb=$(compgen -G "$E2E_BUILD/package/debs/${p}_*.deb") ||
    boot_fail "no $p package in $E2E_BUILD/package/debs (tests/package/build-deb.sh)"
  debs+=("$deb")
done
rm -f /var/lib/man-db/auto-update
t0=$SECONDS
dpkg -i "${debs[@]}" >/e2e/dpkg.log 2>&1 || boot_fail "dpkg -i ${debs[*]##*/} failed (dpkg.log)"
log "installed ${debs[*]##*/} in $((SECONDS - t0)) s"

useradd --create-home --shell /bin/bash "$TEST_USER" || boot_fail "useradd"
uid=$(id -u "$TEST_USER")
# Lingering: logind starts the user's manager at boot, no login needed.
mkdir -p /var/lib/systemd/linger
touch "/var/lib/systemd/linger/$TEST_USER"
# Persistent journal: journald then keeps a journal per user, which is
# what `journalctl --user` reads.
mkdir -p /var/log/journal

# Debian's tmpfiles.d/tmp.conf empties /tmp at boot ("D /tmp"): the source
# and build trees may live there (a CI checkout in /tmp), seen through the
# overlay. Keep /tmp as it is.
mkdir -p /etc/tmpfiles.d
echo 'd /tmp 1777 root root -' >/etc/tmpfiles.d/tmp.conf

units=/etc/systemd/system
cat >"$units/lactd-e2e.target" <<UNIT
[Unit]
Description=lactd e2e: a user session and the scenarios, nothing else
Wants=systemd-journald.service systemd-journal-flush.service dbus.socket
Wants=systemd-logind.service lactd-e2e.service
AllowIsolate=yes
UNIT
cat >"$units/lactd-e2e.service" <<UNIT
[Unit]
Description=lactd e2e scenarios under systemd
After=systemd-logind.service systemd-journal-flush.service user@$uid.service
[Service]
# exec, not oneshot: the boot is finished once it runs, so
# systemd-analyze can tell where the boot's time went.
Type=exec
Environment=E2E_TEST_USER=$TEST_USER
ExecStart=/bin/bash $E2E_SRC/tests/e2e/systemd-scenarios.sh
StandardOutput=append:$LOG
StandardError=append:$LOG
# The scenarios power off at their end; if they die before it, say so and
# power off rather than wait for the watchdog.
ExecStopPost=/bin/sh -c 'echo "SCENARIO scenarios: FAIL systemd-scenarios.sh ended early (\$\$SERVICE_RESULT \$\$EXIT_CODE \$\$EXIT_STATUS)" >>$RESULTS; sync; echo o >/proc/sysrq-trigger'
UNIT
# What sysinit.target would start and this run does not need (udev, the
# host's mounts and settings, time sync, first-boot setup), or that only
# slows a TCG boot down.
for unit in systemd-udevd.service systemd-udevd-control.socket \
    systemd-udevd-kernel.socket systemd-udev-trigger.service \
    systemd-udev-settle.service systemd-hwdb-update.service \
    systemd-timesyncd.service systemd-firstboot.service \
    systemd-machine-id-commit.service systemd-random-seed.service \
    systemd-remount-fs.service systemd-fsck-root.service \
    systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
    systemd-pstore.service systemd-repart.service \
    systemd-pcrphase.service systemd-pcrphase-sysinit.service \
    sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount \
    sys-fs-fuse-connections.mount dev-hugepages.mount ldconfig.service \
    getty@tty1.service serial-getty@ttyS0.service; do
  ln -sfn /dev/null "$units/$unit"
done

# Watchdog: power off with whatever results exist before the host's
# timeout kills qemu, also when the boot or the user session never comes
# up (this child of PID 1 outlives the exec; systemd leaves it alone).
( sleep "${E2E_GUEST_TIMEOUT:-840}"
  echo "SCENARIO watchdog: FAIL guest watchdog fired after ${E2E_GUEST_TIMEOUT:-840} s" >>"$RESULTS"
  sync
  echo 1 >/proc/sys/kernel/sysrq
  echo o >/proc/sysrq-trigger ) &

log "exec systemd (lactd-e2e.target)"
exec /lib/systemd/systemd --unit=lactd-e2e.target --log-level=info \
  --log-target=journal-or-kmsg --show-status=no
