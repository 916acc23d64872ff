#!/bin/bash
# tests/e2e/stage2.sh — runs as PID 1 inside the e2e VM (after the
# initramfs switch_root). Brings up real bluetoothd with two btvirt LE
# controllers, then runs the scenarios and writes results to /e2e (the
# writable 9p share), then powers off with sysrq.
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

log() { echo "[$(date +%T.%3N)] $*"; }
poweroff_now() {
  sync
  echo o >/proc/sysrq-trigger
  while :; do sleep 1; done
}
trap poweroff_now EXIT

result() {  # result NAME PASS|FAIL REASON
  echo "SCENARIO $1: $2${3:+ $3}" | tee -a "$RESULTS"
}

# ------------------------------------------------------------- bring-up

mkdir -p /dev/pts
mount -t devpts devpts /dev/pts 2>/dev/null
# devtmpfs has no /dev/fd: process substitution needs it.
ln -sfn /proc/self/fd /dev/fd
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
mkdir -p /lib/modules
ln -sfn "$E2E_KDIR/lib/modules/$E2E_KVER" "/lib/modules/$E2E_KVER"
echo 1 >/proc/sys/kernel/sysrq
hostname lactd-e2e

log "stage2: kernel $(uname -r), $(nproc) cpus"
modprobe bluetooth && modprobe hci_vhci && modprobe cmac || { result boot FAIL "modprobe"; exit 1; }

mkdir -p /run/dbus /var/lib/bluetooth
rm -rf /var/lib/bluetooth/*
dbus-daemon --system --fork --nopidfile || { result boot FAIL "dbus-daemon"; exit 1; }

cat >/tmp/bluez-main.conf <<'CONF'
[General]
# Nothing to hide from the tests: pair with anyone, quickly.
JustWorksRepairing = always
[GATT]
# One ATT channel: notifications are not spread over EATT channels.
Channels = 1
[Policy]
AutoEnable = true
CONF

# bluetoothd as a service manager with Restart=on-failure runs it: when it
# dies by a signal it is started again, and the restart is counted. Debian's
# bluetoothd 5.66 was seen to crash here (SIGSEGV in g_attrib_unref, when a
# link is reset during its MTU exchange as lactd-sim restarts); lactd must
# ride out a bluetoothd restart anyway, and the bluetoothd-restart scenario
# kills it on purpose. Each restart is logged and reported in results.txt.
BTD_RESTARTS=/tmp/bluetoothd-restarts
supervise_bluetoothd() {
  local rc
  while :; do
    /usr/libexec/bluetooth/bluetoothd -n -d -f /tmp/bluez-main.conf \
      >>/e2e/bluetoothd.log 2>&1
    rc=$?
    ((rc > 128)) || return "$rc"
    echo "$(($(cat "$BTD_RESTARTS" 2>/dev/null || echo 0) + 1))" >"$BTD_RESTARTS"
    log "bluetoothd died by signal $((rc - 128)): starting it again"
    sleep 1
  done
}
bluetoothd_pid() { pgrep -x bluetoothd; }
BTD_PID=
start_bluetoothd() {
  supervise_bluetoothd &
  BTD_PID=$!
  for _ in $(seq 1 100); do
    dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.NameHasOwner string:org.bluez 2>/dev/null |
      grep -q 'boolean true' && return 0
    sleep 0.2
  done
  return 1
}
adapter_up() {  # adapter_up hciN: on D-Bus and powered
  bt_prop "/org/bluez/$1" Adapter1 Powered | grep -q 'boolean true'
}
bt_prop() {  # bt_prop PATH IFACE(without org.bluez.) PROPERTY
  dbus-send --system --print-reply=literal --dest=org.bluez "$1" \
    org.freedesktop.DBus.Properties.Get string:"org.bluez.$2" string:"$3" 2>/dev/null
}
BTVIRT_PID=
start_controllers() {
  local t0=$SECONDS
  btvirt -L -l2 >>/e2e/btvirt.log 2>&1 &
  BTVIRT_PID=$!
  while ((SECONDS - t0 < 60)); do
    # Cheap checks first: sysfs, then the kernel's reset timeout.
    if [[ -e /sys/class/bluetooth/hci0 && -e /sys/class/bluetooth/hci1 ]] &&
       adapter_up hci0 && adapter_up hci1; then
      return 0
    fi
    dmesg | grep -q 'Opcode 0x0c03 failed' && { dmesg -C; return 1; }
    sleep 1
  done
  return 1
}

start_bluetoothd || { result boot FAIL "bluetoothd did not start"; exit 1; }
# Under CPU contention a vhci controller's HCI reset can time out
# ("Opcode 0x0c03 failed: -110"): reload hci_vhci and try again.
up=0
for attempt in 1 2 3 4; do
  if start_controllers; then up=1; break; fi
  log "controllers not up (attempt $attempt); reloading hci_vhci"
  kill "$BTVIRT_PID" 2>/dev/null; wait "$BTVIRT_PID" 2>/dev/null
  sleep 1
  rmmod hci_vhci; modprobe hci_vhci
done
((up)) || { result boot FAIL "hci0/hci1 did not come up"; exit 1; }
for a in hci0 hci1; do
  log "$a up: $(bt_prop /org/bluez/$a Adapter1 Address)"
done
busctl --system tree org.bluez || log "busctl does not work here"

# Watchdog: power off with whatever results exist before the host's
# timeout kills qemu and loses them.
( sleep "${E2E_GUEST_TIMEOUT:-840}"; echo "SCENARIO watchdog: FAIL guest watchdog fired" >>"$RESULTS"; poweroff_now ) &

# The one wedge of the emulated air that nothing on D-Bus clears is
# watched for, and each time the harness steps in is a NOTE line.
. "$E2E_SRC/tests/e2e/air-watch.sh"
air_watch "$(bt_prop /org/bluez/hci0 Adapter1 Address | tr -d ' \t' | sed 's/^variant//')" &
AIR_WATCH_PID=$!

. "$E2E_SRC/tests/e2e/scenarios.sh"
run_scenarios
kill "$AIR_WATCH_PID" 2>/dev/null
if [[ -s $BTD_RESTARTS ]]; then
  echo "NOTE bluetoothd was restarted $(cat "$BTD_RESTARTS") time(s) after dying by a signal, ${BTD_KILLED:-0} of them killed on purpose by bluetoothd-restart (see guest.log)" |
    tee -a "$RESULTS"
fi
air_kernel_notes
log "stage2: done"
