#!/bin/bash
# tests/e2e/systemd-scenarios.sh — run by lactd-e2e.service (as root)
# inside the systemd VM (tests/e2e/systemd-init.sh) once logind has started
# the test user's systemd; lactd is installed from its package. Each
# scenario drives the real user manager as the user would (systemctl
# --user, lactctl, journalctl --user) and ends with
# `result NAME PASS|FAIL reason`; they build on each other in order. The
# last step powers the VM off.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8
# shellcheck disable=SC1091
. /e2e/env

RESULTS=/e2e/results.txt
USER_NAME=${E2E_TEST_USER:?}
USER_ID=$(id -u "$USER_NAME")
USER_GID=$(id -g "$USER_NAME")
USER_HOME=$(getent passwd "$USER_NAME" | cut -d: -f6)
RUNTIME=/run/user/$USER_ID
DATA_DIR=$USER_HOME/.local/share/lactd
WORK=/tmp/lactd-e2e
mkdir -p "$WORK"

log() { echo "[$(date +%T.%3N)] $*"; }
result() {  # result NAME PASS|FAIL REASON
  echo "SCENARIO $1: $2${3:+ $3}" | tee -a "$RESULTS"
}
poweroff_now() {
  sync
  echo 1 >/proc/sys/kernel/sysrq
  echo o >/proc/sysrq-trigger
  # Never return: the unit's ExecStopPost= reports a script that ended.
  while :; do nap 1; done
}

# A sleep without exec: a FIFO opened read-write never has data or EOF.
mkfifo "$WORK/nap.fifo"
exec 9<>"$WORK/nap.fifo"
nap() { read -r -t "${1:-1}" -u 9 _ 2>/dev/null; true; }
# wait_for SECONDS CMD...: polls CMD five times a second until it holds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS < deadline)); do
    "$@" && return 0
    nap 0.2
  done
  "$@"
}

# as_user CMD...: CMD as the test user in their session, without PAM: the
# environment a login would give (runtime dir, session bus).
as_user() {
  setpriv --reuid="$USER_ID" --regid="$USER_GID" --init-groups \
    env -i HOME="$USER_HOME" USER="$USER_NAME" LOGNAME="$USER_NAME" \
    PATH=/usr/bin:/bin LC_ALL=C.UTF-8 XDG_RUNTIME_DIR="$RUNTIME" \
    DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNTIME/bus" "$@"
}
uctl() { as_user systemctl --user "$@"; }
prop() { uctl show -p "$2" --value "$1"; }   # prop UNIT PROPERTY
lactctl() { as_user lactctl "$@"; }
name_owned() {
  as_user busctl --user call org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus NameHasOwner s org.lactd 2>/dev/null | grep -q 'b true'
}
name_free() { ! name_owned; }
owner_pid() {
  as_user busctl --user call org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus GetConnectionUnixProcessID s org.lactd 2>/dev/null |
    sed -n 's/^u //p'
}
is_active() { [[ $(prop "$1" ActiveState) == active ]]; }
is_inactive() { [[ $(prop "$1" ActiveState) == inactive ]]; }
main_pid() { prop lactd.service MainPID; }
# lactd_running_not PID: active, with a main process other than PID, and
# owning org.lactd (the restarted lactd is up).
lactd_running_not() {
  local pid
  pid=$(main_pid)
  [[ -n $pid && $pid != 0 && $pid != "$1" ]] && is_active lactd.service && name_owned
}
show_unit() {  # for the log when a scenario fails
  uctl status --no-pager -n 20 lactd.service
  uctl show -p ActiveState -p SubState -p Result -p NRestarts -p MainPID \
    -p ExecMainCode -p ExecMainStatus lactd.service
}

# ------------------------------------------------------------ scenarios

USER_OK=0
scenario_user_session() {
  if ! wait_for 120 is_active_system "user@$USER_ID.service"; then
    systemctl status --no-pager "user@$USER_ID.service" "user-runtime-dir@$USER_ID.service"
    result user-session FAIL "user@$USER_ID.service is not active"
    return
  fi
  if ! wait_for 60 test -S "$RUNTIME/bus"; then
    result user-session FAIL "no session bus socket at $RUNTIME/bus"
    return
  fi
  local bus state
  bus=$(uctl show -p Id --value dbus.service)
  state=$(uctl is-system-running)
  log "user manager: $state; session bus: $bus ($(readlink -f "$(uctl show -p FragmentPath --value dbus.service)"))"
  log "cgroup of the user manager: $(grep '^0::' "/proc/$(systemctl show -p MainPID --value "user@$USER_ID.service")/cgroup")"
  USER_OK=1
  result user-session PASS "user@$USER_ID.service active ($state), session bus $bus"
}
is_active_system() { [[ $(systemctl show -p ActiveState --value "$1") == active ]]; }

need_user() {  # need_user NAME: FAIL NAME when there is no user session
  ((USER_OK)) && return 0
  result "$1" FAIL "skipped: no user session"
  return 1
}

scenario_enable_now() {
  need_user enable-now || return
  local out
  if ! out=$(uctl enable --now lactd.service 2>&1); then
    result enable-now FAIL "systemctl --user enable --now lactd: $out"
    return
  fi
  log "enable --now: $out"
  if ! wait_for 30 name_owned; then
    show_unit
    result enable-now FAIL "org.lactd not owned 30 s after enable --now"
    return
  fi
  local enabled active
  enabled=$(uctl is-enabled lactd.service)
  active=$(prop lactd.service ActiveState)
  if ! lactctl status >"$WORK/status.txt" 2>&1; then
    cat "$WORK/status.txt"
    result enable-now FAIL "lactctl status failed"
    return
  fi
  cat "$WORK/status.txt"
  [[ $enabled == enabled && $active == active ]] ||
    { result enable-now FAIL "is-enabled $enabled, ActiveState $active"; return; }
  result enable-now PASS "enabled, active, org.lactd owned by pid $(owner_pid), lactctl status answers"
}

scenario_activation() {
  need_user activation || return
  uctl stop lactd.service
  if ! wait_for 30 name_free || ! is_inactive lactd.service; then
    show_unit
    result activation FAIL "lactd did not stop"
    return
  fi
  local t0=$SECONDS
  if ! lactctl status >"$WORK/status.txt" 2>&1; then
    cat "$WORK/status.txt"
    show_unit
    result activation FAIL "lactctl status did not start lactd"
    return
  fi
  local pid owner cgroup
  pid=$(main_pid)
  owner=$(owner_pid)
  cgroup=$(sed -n 's/^0:://p' "/proc/$owner/cgroup" 2>/dev/null)
  log "activated in $((SECONDS - t0)) s: MainPID $pid, org.lactd owner $owner, cgroup $cgroup"
  if ! is_active lactd.service; then
    result activation FAIL "lactctl answered but lactd.service is $(prop lactd.service ActiveState) (a bare child of the bus?)"
  elif [[ $pid != "$owner" ]]; then
    result activation FAIL "org.lactd is owned by pid $owner, lactd.service's MainPID is $pid"
  elif [[ $cgroup != "/user.slice/user-$USER_ID.slice/user@$USER_ID.service/"*/lactd.service ]]; then
    result activation FAIL "lactd runs in cgroup $cgroup, not lactd.service's"
  else
    result activation PASS "lactctl status started lactd.service through systemd (pid $pid in $cgroup)"
  fi
}

scenario_restart_kill() {
  need_user restart-kill || return
  local pid n0 n1 t0 elapsed
  pid=$(main_pid)
  n0=$(prop lactd.service NRestarts)
  t0=$(date +%s%N)
  kill -KILL "$pid"
  if ! wait_for 30 lactd_running_not "$pid"; then
    show_unit
    result restart-kill FAIL "lactd not running again 30 s after SIGKILL"
    return
  fi
  elapsed=$((($(date +%s%N) - t0) / 1000000))
  n1=$(prop lactd.service NRestarts)
  if [[ $n1 != $((n0 + 1)) ]]; then
    result restart-kill FAIL "NRestarts went from $n0 to $n1"
  elif ! lactctl status >/dev/null 2>&1; then
    result restart-kill FAIL "lactctl status failed after the restart"
  else
    result restart-kill PASS "SIGKILLed pid $pid; restarted by Restart=on-failure as pid $(main_pid) after ${elapsed} ms (RestartSec=$(prop lactd.service RestartUSec)), NRestarts $n0 -> $n1"
  fi
}

scenario_restart_bus_loss() {
  need_user restart-bus-loss || return
  local pid n0 n1 bus_pid exit_seen
  pid=$(main_pid)
  n0=$(prop lactd.service NRestarts)
  bus_pid=$(prop dbus.service MainPID)
  log "killing the session bus (dbus.service, pid $bus_pid) under lactd (pid $pid)"
  uctl kill -s KILL dbus.service
  # How lactd's process ended, read before a restart replaces it (the
  # restart waits RestartSec=). systemctl's own connection to the user
  # manager does not need the bus.
  if ! wait_for 30 pid_gone "$pid"; then
    show_unit
    result restart-bus-loss FAIL "lactd (pid $pid) still runs 30 s after its bus died"
    return
  fi
  # One call: under TCG a restart can come between two.
  exit_seen=$(uctl show -p Result -p ExecMainCode -p ExecMainStatus lactd.service | tr '\n' ' ')
  exit_seen=${exit_seen% }
  log "lactd pid $pid ended: $exit_seen"
  # The bus comes back by socket activation on the next connection.
  if ! wait_for 60 lactd_running_not "$pid"; then
    show_unit
    as_user journalctl --user -u lactd.service --no-pager -n 20
    result restart-bus-loss FAIL "lactd (pid $pid) lost its bus and ended with $exit_seen; not restarted within 60 s"
    return
  fi
  n1=$(prop lactd.service NRestarts)
  if [[ $n1 != $((n0 + 1)) ]]; then
    result restart-bus-loss FAIL "NRestarts went from $n0 to $n1 ($exit_seen)"
  elif ! lactctl status >/dev/null 2>&1; then
    result restart-bus-loss FAIL "lactctl status failed after the restart"
  else
    result restart-bus-loss PASS "lactd lost its bus and ended with $exit_seen; restarted as pid $(main_pid), bus pid $(prop dbus.service MainPID), NRestarts $n0 -> $n1"
  fi
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

scenario_stop_clean() {
  need_user stop-clean || return
  if ! lactctl add --kind hand --left 10 --right 8 \
         --volume-left 12.5 --volume-right 9.5 --supplement 31.5 >"$WORK/add.txt" 2>&1; then
    cat "$WORK/add.txt"
    result stop-clean FAIL "lactctl add failed"
    return
  fi
  local pid code status res
  pid=$(main_pid)
  uctl stop lactd.service
  res=$(prop lactd.service Result)
  code=$(prop lactd.service ExecMainCode)
  status=$(prop lactd.service ExecMainStatus)
  log "stopped pid $pid: Result=$res ExecMainCode=$code ExecMainStatus=$status"
  # ExecMainCode 1 is CLD_EXITED: lactd exited by itself on SIGTERM.
  if [[ $res != success || $code != 1 || $status != 0 ]]; then
    show_unit
    result stop-clean FAIL "stop: Result=$res ExecMainCode=$code ExecMainStatus=$status"
    return
  fi
  uctl start lactd.service
  if ! wait_for 30 name_owned || ! lactctl history --json >"$WORK/history.json" 2>&1; then
    cat "$WORK/history.json"
    result stop-clean FAIL "no history after the next start"
    return
  fi
  local found
  found=$(/usr/bin/python3 -c '
import json, sys
sessions = json.load(open(sys.argv[1]))
print(sum(1 for s in sessions if s.get("source") == "manual" and
          s.get("volume_left_ml") == 12.5 and s.get("volume_right_ml") == 9.5 and
          s.get("supplement_ml") == 31.5))' "$WORK/history.json")
  if [[ $found == 1 ]]; then
    result stop-clean PASS "exit 0 on stop (Result=success); the session added just before is in the store after the next start"
  else
    cat "$WORK/history.json"
    result stop-clean FAIL "the session added before the stop is there $found times"
  fi
}

scenario_journal() {
  need_user journal || return
  # journald writes the user's journal file on its own schedule: sync.
  journalctl --sync
  as_user journalctl --user -u lactd.service -o json --no-pager >"$WORK/journal.json" 2>"$WORK/journal.err"
  local verdict
  verdict=$(/usr/bin/python3 - "$WORK/journal.json" <<'PY'
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
# GLib's journald writer: g_message is LOG_NOTICE (5), with GLIB_DOMAIN.
wanted = {"Owning org.lactd": "5", "Signal received, shutting down": "5"}
found = {}
for e in entries:
    msg = e.get("MESSAGE")
    if isinstance(msg, str) and msg in wanted and e.get("_SYSTEMD_USER_UNIT") == "lactd.service":
        found.setdefault(msg, []).append((e.get("PRIORITY"), e.get("GLIB_DOMAIN"), e.get("CODE_FUNC")))
bad = []
for msg, prio in wanted.items():
    seen = found.get(msg, [])
    if not seen:
        bad.append("no %r" % msg)
    elif not all(p == prio and d == "lactd" for p, d, _ in seen):
        bad.append("%r with %r" % (msg, seen))
domains = sorted({e.get("GLIB_DOMAIN") for e in entries if e.get("GLIB_DOMAIN")})
prios = sorted({e.get("PRIORITY") for e in entries if e.get("GLIB_DOMAIN")})
if bad:
    print("FAIL %d entries; %s" % (len(entries), "; ".join(bad)))
else:
    print("PASS %d entries; 'Owning org.lactd' x%d and 'Signal received' x%d with PRIORITY=5 GLIB_DOMAIN=lactd (domains %s, priorities %s)"
          % (len(entries), len(found["Owning org.lactd"]),
             len(found["Signal received, shutting down"]), domains, prios))
PY
)
  cat "$WORK/journal.err"
  result journal "${verdict%% *}" "journalctl --user -u lactd -o json: ${verdict#* }"
}

# ------------------------------------------------------------ the sandbox

# journal_since EPOCH UNIT: the unit's lines in the user's journal since
# EPOCH (systemd's own about the unit included).
journal_since() {
  journalctl --sync
  as_user journalctl --user -u "$2" --since "@$1" -o cat --no-pager
}
# lactd_failed_saying EPOCH TEXT: lactd.service's journal since EPOCH has
# TEXT; prints the first such line.
lactd_failed_saying() { journal_since "$1" lactd.service | grep -m1 -F -- "$2"; }
# restart_lactd: restart lactd.service; true once a new lactd owns org.lactd.
restart_lactd() {
  local pid
  pid=$(main_pid)
  uctl restart lactd.service >/dev/null 2>&1
  wait_for 30 lactd_running_not "$pid"
}
# A drop-in where `systemctl --user edit UNIT` puts it, written as the user.
USER_UNITS=$USER_HOME/.config/systemd/user
dropin() {  # dropin UNIT NAME TEXT
  as_user mkdir -p "$USER_UNITS/$1.d"
  printf '%s\n' "$3" | as_user tee "$USER_UNITS/$1.d/$2.conf" >/dev/null
}
undrop() { rm -f "$USER_UNITS/$1.d/$2.conf"; }  # undrop UNIT NAME

# The probe: a test-only drop-in gives a unit an ExecStartPre that runs
# inside the very sandbox the unit's program runs in (same unit, same
# properties) and tries what the program must be able to do and what it
# must not.
PROBE=/usr/local/libexec/lactd-sandbox-probe
ADMIN_UNITS=/etc/systemd/user
write_probe() {
  mkdir -p "$(dirname "$PROBE")"
  cat >"$PROBE" <<'SH'
#!/bin/sh
# lactd-sandbox-probe HOME DIR [FILE]: one line per attempt, into
# DIR/sandbox-probe.txt (DIR: the one the unit may write); FILE: one it
# must be able to read.
home=$1 dir=$2
try() {  # try NAME CMD...
  name=$1
  shift
  if err=$("$@" 2>&1); then echo "$name ok"; else echo "$name denied: $err"; fi
}
{
  try write-home touch "$home/lactd-sandbox-escape"
  try write-config sh -c "mkdir -p '$home/.config/lactd' && touch '$home/.config/lactd/sandbox-escape'"
  try write-var-tmp touch /var/tmp/lactd-sandbox-probe
  try write-tmp touch /tmp/lactd-sandbox-probe
  try write-dir touch "$dir/sandbox-probe-write"
  [ -z "${3:-}" ] || try read-file cat "$3"
  echo "uid_map $(tr -s ' ' <"/proc/self/uid_map" | tr '\n' ';')"
} >"$dir/sandbox-probe.txt.new" 2>&1
mv "$dir/sandbox-probe.txt.new" "$dir/sandbox-probe.txt"
SH
  chmod 755 "$PROBE"
}
# probe_on UNIT ARGS...: the probe as UNIT's ExecStartPre (drop-in
# e2e-sandbox-probe) until probe_off UNIT.
probe_on() {
  local unit=$1
  shift
  write_probe
  mkdir -p "$ADMIN_UNITS/$unit.d"
  printf '[Service]\nExecStartPre=%s %s\n' "$PROBE" "$*" >"$ADMIN_UNITS/$unit.d/e2e-sandbox-probe.conf"
  uctl daemon-reload
}
probe_off() {
  rm -rf "$ADMIN_UNITS/$1.d"
  uctl daemon-reload
}
PROBE_OUT=
probe_line() { sed -n "s/^$1 //p" "$PROBE_OUT"; }
# probe_verdict WHAT: the checks common to both units, appended to the
# caller's why array (denied: the home directory and ~/.config; allowed:
# the unit's directory, a private /tmp and /var/tmp the rest of the
# machine does not see).
probe_verdict() {
  [[ $(probe_line write-home) == "denied:"*"Read-only file system"* ]] ||
    why+=("$1: home: $(probe_line write-home)")
  [[ $(probe_line write-config) == "denied:"*"Read-only file system"* ]] ||
    why+=("$1: ~/.config: $(probe_line write-config)")
  [[ ! -e $USER_HOME/lactd-sandbox-escape ]] || why+=("$1: the escape file exists")
  [[ $(probe_line write-dir) == ok ]] || why+=("$1: its directory: $(probe_line write-dir)")
  [[ $(probe_line write-tmp) == ok && ! -e /tmp/lactd-sandbox-probe ]] ||
    why+=("$1: /tmp: $(probe_line write-tmp), outside: $(ls /tmp/lactd-sandbox-probe 2>&1)")
  [[ $(probe_line write-var-tmp) == ok && ! -e /var/tmp/lactd-sandbox-probe ]] ||
    why+=("$1: /var/tmp: $(probe_line write-var-tmp)")
  rm -f /tmp/lactd-sandbox-probe /var/tmp/lactd-sandbox-probe
}
# own_mount_ns PID: PID does not share the user manager's mount namespace.
own_mount_ns() {
  local manager_pid
  manager_pid=$(systemctl show -p MainPID --value "user@$USER_ID.service")
  [[ $(readlink "/proc/$1/ns/mnt") != "$(readlink "/proc/$manager_pid/ns/mnt")" ]]
}

scenario_sandbox() {
  need_user sandbox || return
  PROBE_OUT=$DATA_DIR/sandbox-probe.txt
  rm -f "$PROBE_OUT"
  probe_on lactd.service %h %h/.local/share/lactd
  local why=() pid
  restart_lactd || { show_unit; why+=("lactd did not come up with the probe"); }
  probe_off lactd.service
  if [[ ! -s $PROBE_OUT ]]; then
    as_user journalctl --user -u lactd.service --no-pager -n 20
    result sandbox FAIL "the probe wrote nothing: ${why[*]}"
    return
  fi
  cat "$PROBE_OUT"
  probe_verdict lactd
  # lactd itself runs in that sandbox: its own mount namespace, and it
  # reached the system bus (where BlueZ lives) from inside it.
  pid=$(main_pid)
  own_mount_ns "$pid" || why+=("lactd shares the user manager's mount namespace")
  busctl --system --no-legend list >"$WORK/system-bus.txt"
  awk -v pid="$pid" '$2 == pid' "$WORK/system-bus.txt" | grep -q . ||
    why+=("lactd (pid $pid) has no system bus connection")
  lactctl add --kind hand --left 5 --right 5 >/dev/null 2>&1 ||
    why+=("lactctl add failed under the sandbox")
  [[ -e $DATA_DIR/lactd.db.lock ]] || why+=("no lactd.db.lock beside the store")
  if ((${#why[@]} == 0)); then
    result sandbox PASS "denied: $(probe_line write-home | sed 's/^denied: //'); ~/.config: EROFS too; written: the data dir (lactd.db, lactd.db.lock), a private /tmp and /var/tmp; lactd in its own mount namespace, on the system bus, storing ($(probe_line uid_map))"
  else
    result sandbox FAIL "$(IFS=';'; echo "${why[*]}")"
  fi
}

# XDG_DATA_HOME set for the user's services: lactd's store moves there,
# outside ReadWritePaths=. It must fail loudly (never store elsewhere
# unseen), and docs/usage.md's drop-in must make it work.
scenario_data_elsewhere() {
  need_user data-elsewhere || return
  local data=$USER_HOME/pumping t0 said why=()
  as_user mkdir -p "$data/lactd"
  uctl set-environment XDG_DATA_HOME="$data"
  t0=$(date +%s)
  uctl restart lactd.service >/dev/null 2>&1
  said=$(wait_for 30 lactd_failed_saying "$t0" "Read-only file system") ||
    why+=("no 'Read-only file system' in the journal with XDG_DATA_HOME=$data")
  log "XDG_DATA_HOME=$data without the drop-in: $said"
  dropin lactd.service data-home "[Service]
ReadWritePaths=$data/lactd"
  uctl daemon-reload
  if restart_lactd && lactctl add --kind hand --left 4 --right 4 >/dev/null 2>&1; then
    [[ -s $data/lactd/lactd.db && -e $data/lactd/lactd.db.lock ]] ||
      why+=("no lactd.db and lactd.db.lock in $data/lactd: $(ls "$data/lactd")")
  else
    show_unit
    why+=("with ReadWritePaths=$data/lactd lactd did not run and store")
  fi
  uctl unset-environment XDG_DATA_HOME
  undrop lactd.service data-home
  uctl daemon-reload
  restart_lactd || why+=("lactd did not come back on its default store")
  if ((${#why[@]} == 0)); then
    result data-elsewhere PASS "XDG_DATA_HOME=$data: lactd refused to start ($said); with the drop-in ReadWritePaths=$data/lactd it stored there ($(cd "$data/lactd" && echo *))"
  else
    result data-elsewhere FAIL "$(IFS=';'; echo "${why[*]}")"
  fi
}

# `lactd --db` elsewhere, in a drop-in of its own: docs/usage.md's.
scenario_db_elsewhere() {
  need_user db-elsewhere || return
  local dir=$USER_HOME/pump-db why=()
  as_user mkdir -p "$dir"
  dropin lactd.service db "[Service]
ExecStart=
ExecStart=/usr/libexec/lactd --db $dir/lactd.db
ReadWritePaths=$dir"
  uctl daemon-reload
  if restart_lactd && lactctl add --kind hand --left 6 --right 6 >/dev/null 2>&1; then
    [[ -s $dir/lactd.db && -e $dir/lactd.db.lock ]] ||
      why+=("no lactd.db and lactd.db.lock in $dir: $(ls "$dir")")
    tr '\0' ' ' <"/proc/$(main_pid)/cmdline" | grep -qF -- "--db $dir/lactd.db" ||
      why+=("lactd runs without --db $dir/lactd.db")
  else
    show_unit
    why+=("lactd --db $dir/lactd.db with ReadWritePaths=$dir did not run and store")
  fi
  undrop lactd.service db
  uctl daemon-reload
  restart_lactd || why+=("lactd did not come back on its default store")
  if ((${#why[@]} == 0)); then
    result db-elsewhere PASS "ExecStart=lactd --db $dir/lactd.db with ReadWritePaths=$dir: stored there ($(cd "$dir" && echo *))"
  else
    result db-elsewhere FAIL "$(IFS=';'; echo "${why[*]}")"
  fi
}

# lactd-mqtt.service under the same sandbox against a mosquitto on the
# loopback: its configuration readable, its mark written, nothing else.
broker_up() { (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; }
availability_online() {
  [[ $(mosquitto_sub -h 127.0.0.1 -p 1883 -t 'lactd/+/availability' -C 1 -W 3 2>/dev/null) == online ]]
}
scenario_mqtt_sandbox() {
  need_user mqtt-sandbox || return
  local state_dir=$USER_HOME/.local/state/lactd conf=$USER_HOME/.config/lactd/mqtt.conf
  local why=() pid
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$WORK/mosquitto.conf"
  chmod 644 "$WORK/mosquitto.conf"
  systemd-run --quiet --unit=e2e-mosquitto -p User="$USER_NAME" \
    /usr/sbin/mosquitto -c "$WORK/mosquitto.conf"
  if ! wait_for 30 broker_up; then
    systemctl status --no-pager e2e-mosquitto.service
    result mqtt-sandbox FAIL "mosquitto did not listen on 127.0.0.1:1883"
    return
  fi
  # shellcheck disable=SC2016  # $HOME: the user's, in their shell
  as_user sh -c 'mkdir -p "$HOME/.config/lactd" && umask 077 &&
                 printf "[mqtt]\nhost=127.0.0.1\nport=1883\n" >"$HOME/.config/lactd/mqtt.conf"'
  PROBE_OUT=$state_dir/sandbox-probe.txt
  rm -f "$PROBE_OUT"
  probe_on lactd-mqtt.service %h %h/.local/state/lactd %E/lactd/mqtt.conf
  uctl enable --now lactd-mqtt.service >/dev/null 2>&1 ||
    why+=("systemctl --user enable --now lactd-mqtt failed")
  wait_for 30 availability_online || why+=("lactd/+/availability is not online")
  # The mark: the highest session the broker acknowledged, written once
  # the stored sessions are published.
  wait_for 30 test -s "$state_dir/mqtt.state" || why+=("no $state_dir/mqtt.state")
  pid=$(prop lactd-mqtt.service MainPID)
  if [[ -s $PROBE_OUT ]]; then
    cat "$PROBE_OUT"
    probe_verdict lactd-mqtt
    [[ $(probe_line read-file) == ok ]] || why+=("lactd-mqtt: reading $conf: $(probe_line read-file)")
  else
    why+=("the probe wrote nothing")
  fi
  own_mount_ns "$pid" || why+=("lactd-mqtt shares the user manager's mount namespace")
  probe_off lactd-mqtt.service
  ((${#why[@]} == 0)) || { uctl status --no-pager -n 20 lactd-mqtt.service; }
  uctl disable --now lactd-mqtt.service >/dev/null 2>&1
  systemctl stop e2e-mosquitto.service
  if ((${#why[@]} == 0)); then
    result mqtt-sandbox PASS "lactd-mqtt (pid $pid, own mount namespace) read $conf, published (availability online) and wrote $state_dir/mqtt.state; ~ and ~/.config: EROFS; private /tmp"
  else
    result mqtt-sandbox FAIL "$(IFS=';'; echo "${why[*]}")"
  fi
}

# Where unprivileged user namespaces are off (user.max_user_namespaces=0,
# as some hardened machines set), systemd 252 cannot give a user service
# PrivateUsers=: lactd.service fails with 217/USER and says why in the
# journal, and docs/usage.md's drop-in (PrivateUsers=no) runs lactd
# without the file-system sandbox.
scenario_sandbox_no_userns() {
  need_user sandbox-no-userns || return
  local saved t0 said status why=()
  # /proc/sys directly: procps (sysctl) is not in every minimal Debian.
  saved=$(</proc/sys/user/max_user_namespaces)
  echo 0 >/proc/sys/user/max_user_namespaces
  t0=$(date +%s)
  uctl restart lactd.service >/dev/null 2>&1
  if said=$(wait_for 30 lactd_failed_saying "$t0" "Failed to set up user namespacing"); then
    status=$(prop lactd.service ExecMainStatus)
    [[ $status == 217 ]] || why+=("ExecMainStatus $status, not 217 (USER)")
  else
    show_unit
    why+=("no 'Failed to set up user namespacing' in the journal")
  fi
  dropin lactd.service no-userns "[Service]
PrivateUsers=no"
  uctl daemon-reload
  if ! restart_lactd || ! lactctl add --kind hand --left 3 --right 3 >/dev/null 2>&1; then
    show_unit
    why+=("with PrivateUsers=no lactd did not run and store")
  fi
  undrop lactd.service no-userns
  uctl daemon-reload
  echo "$saved" >/proc/sys/user/max_user_namespaces
  uctl reset-failed lactd.service 2>/dev/null
  restart_lactd || why+=("lactd did not come back sandboxed with user namespaces on")
  if ((${#why[@]} == 0)); then
    result sandbox-no-userns PASS "user namespaces off: lactd.service failed with status 217 ($said); with the drop-in PrivateUsers=no lactd ran and stored"
  else
    result sandbox-no-userns FAIL "$(IFS=';'; echo "${why[*]}")"
  fi
}

# ------------------------------------------------------------ main

log "scenarios: $(systemctl --version | head -n1), system state $(systemctl is-system-running)"
# The boot's time (`systemd-analyze blame` would take two minutes of TCG).
systemd-analyze time
all="user-session enable-now activation restart-kill restart-bus-loss stop-clean journal sandbox data-elsewhere db-elsewhere mqtt-sandbox sandbox-no-userns"
for s in ${E2E_SCENARIOS:-$all}; do
  log "--- scenario $s"
  "scenario_${s//-/_}"
done
log "scenarios: done"
systemctl --no-pager --failed
poweroff_now
