# tests/e2e/air-watch.sh — sourced by stage2.sh: watches the emulated air
# for the one wedge of kernel 6.1 + btvirt that nothing on D-Bus can clear,
# and reports every time it steps in.
#
# The wedge: after the peripheral (hci0) drops a link, the central's kernel
# (hci1) sometimes keeps an LE connection attempt to it in state BT_CONNECT
# (`hcitool -i hci1 con`: "state 5") that never completes and cannot be
# cancelled (dmesg: "hci1: Opcode 0x200e failed: -16", LE Create
# Connection Cancel refused). Every later connection to that address,
# bluetoothd's auto-connect and Device1.Connect alike, joins it and fails
# 40 s later with le-connection-abort-by-local, while hci0 advertises and
# a scan on hci1 sees nothing. It was seen with no lactd running a Connect
# at all, and only an HCI reset of hci1 (a power cycle) ends it. A central
# daemon cannot tell this from a sensor out of range; the harness can.
#
# air_watch SENSOR runs until killed: when lactd-sim has advertised with no
# link for AIR_WEDGE_S (default 60, beyond the kernel's own 20 s and 40 s
# connection timeouts) while hci1 holds such an attempt, it power-cycles
# hci1 and writes a NOTE line to results.txt. lactd must then still
# reconnect and sync by itself: the scenarios judge that as before.
#
# SPDX-License-Identifier: GPL-3.0-or-later

AIR_UNWEDGED=/tmp/air-unwedged

# The emulated peripheral advertises, with no link, and hci1 holds an LE
# connection attempt to it.
air_wedged() {  # air_wedged SENSOR
  local registered="" connected="" k v
  [[ -r /tmp/sim.status ]] || return 1
  while IFS='=' read -r k v; do
    case $k in
      registered) registered=$v ;;
      connected) connected=$v ;;
    esac
  done </tmp/sim.status
  [[ $registered == 1 && $connected == 0 ]] || return 1
  hcitool -i hci1 con 2>/dev/null | grep -qi "LE $1 .*state 5 "
}

air_watch() {  # air_watch SENSOR
  local since=0 now n
  while :; do
    now=$(date +%s)
    if air_wedged "$1"; then
      ((since)) || since=$now
      if ((now - since >= ${AIR_WEDGE_S:-60})); then
        n=$(($(cat "$AIR_UNWEDGED" 2>/dev/null || echo 0) + 1))
        echo "$n" >"$AIR_UNWEDGED"
        log "air-watch: hci1 has held an LE connection attempt to $1 in BT_CONNECT for $((now - since)) s while lactd-sim advertised: power-cycling hci1 (kernel: $(dmesg | grep -c 'hci1: Opcode 0x200e failed') refused LE Create Connection Cancel)"
        hcitool -i hci1 con 2>&1 | sed 's/^/air-watch: /'
        echo "NOTE emulated air wedged (hci1 kept an LE connection attempt to the sensor in BT_CONNECT for $((now - since)) s while lactd-sim advertised): hci1 power-cycled by the harness, #$n (see guest.log)" >>"$RESULTS"
        busctl --system set-property org.bluez /org/bluez/hci1 org.bluez.Adapter1 Powered b false
        sleep 2
        busctl --system set-property org.bluez /org/bluez/hci1 org.bluez.Adapter1 Powered b true
        since=0
      fi
    else
      since=0
    fi
    sleep 5
  done
}

# NOTE lines for the faults of the guest kernel itself (console.log has
# the traces).
air_kernel_notes() {
  local bugs
  bugs=$(dmesg | grep -c 'kernel BUG at')
  ((bugs)) && echo "NOTE the guest kernel hit $bugs BUG(s) in its Bluetooth stack (console.log has the traces)" >>"$RESULTS"
  return 0
}
