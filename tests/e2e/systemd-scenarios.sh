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

# The sandbox: a test-only drop-in gives lactd.service an ExecStartPre that
# runs inside the very sandbox lactd runs in (same unit, same properties)
# and tries what lactd must be able to do and what it must not.
PROBE=/usr/local/libexec/lactd-sandbox-probe
write_probe() {
  mkdir -p "$(dirname "$PROBE")"
  cat >"$PROBE" <<'SH'
#!/bin/sh
# lactd-sandbox-probe HOME: one line per attempt, into the data directory.
data=$1/.local/share/lactd
try() {  # try NAME CMD...
  name=$1
  shift
  if err=$("$@" 2>&1); then echo "$name ok"; else echo "$name denied: $err"; fi
}
{
  try write-home touch "$1/lactd-sandbox-escape"
  try write-config sh -c "mkdir -p '$1/.config' && touch '$1/.config/lactd-sandbox-escape'"
  try write-var-tmp touch /var/tmp/lactd-sandbox-probe
  try write-tmp touch /tmp/lactd-sandbox-probe
  try write-data touch "$data/sandbox-probe-write"
  echo "uid_map $(tr -s ' ' <"/proc/self/uid_map" | tr '\n' ';')"
} >"$data/sandbox-probe.txt.new" 2>&1
mv "$data/sandbox-probe.txt.new" "$data/sandbox-probe.txt"
SH
  chmod 755 "$PROBE"
}
probe_line() { sed -n "s/^$1 //p" "$DATA_DIR/sandbox-probe.txt"; }

scenario_sandbox() {
  need_user sandbox || return
  write_probe
  local dropin=/etc/systemd/user/lactd.service.d
  mkdir -p "$dropin"
  printf '[Service]\nExecStartPre=%s %%h\n' "$PROBE" >"$dropin/e2e-sandbox-probe.conf"
  rm -f "$DATA_DIR/sandbox-probe.txt"
  uctl daemon-reload
  uctl restart lactd.service
  local ok=1 why=() pid
  if ! wait_for 30 name_owned; then
    show_unit
    why+=("lactd did not come up with the probe")
    ok=0
  fi
  rm -rf "$dropin"
  uctl daemon-reload
  if [[ ! -s $DATA_DIR/sandbox-probe.txt ]]; then
    as_user journalctl --user -u lactd.service --no-pager -n 20
    result sandbox FAIL "the probe wrote nothing: ${why[*]}"
    return
  fi
  cat "$DATA_DIR/sandbox-probe.txt"
  # Denied: the home directory and the rest of the file system.
  [[ $(probe_line write-home) == "denied:"*"Read-only file system"* ]] ||
    { ok=0; why+=("home: $(probe_line write-home)"); }
  [[ $(probe_line write-config) == "denied:"*"Read-only file system"* ]] ||
    { ok=0; why+=("~/.config: $(probe_line write-config)"); }
  [[ ! -e $USER_HOME/lactd-sandbox-escape ]] || { ok=0; why+=("the escape file exists"); }
  # Allowed: the data directory, and a private /tmp and /var/tmp that the
  # rest of the machine does not see (SQLite's temporary files).
  [[ $(probe_line write-data) == ok ]] || { ok=0; why+=("data: $(probe_line write-data)"); }
  [[ $(probe_line write-tmp) == ok && ! -e /tmp/lactd-sandbox-probe ]] ||
    { ok=0; why+=("/tmp: $(probe_line write-tmp), outside: $(ls /tmp/lactd-sandbox-probe 2>&1)"); }
  [[ $(probe_line write-var-tmp) == ok && ! -e /var/tmp/lactd-sandbox-probe ]] ||
    { ok=0; why+=("/var/tmp: $(probe_line write-var-tmp)"); }
  # lactd itself runs in that sandbox: its own mount namespace, and it
  # reached the system bus (where BlueZ lives) from inside it.
  pid=$(main_pid)
  local manager_pid
  manager_pid=$(systemctl show -p MainPID --value "user@$USER_ID.service")
  [[ $(readlink "/proc/$pid/ns/mnt") != "$(readlink "/proc/$manager_pid/ns/mnt")" ]] ||
    { ok=0; why+=("lactd shares the user manager's mount namespace"); }
  busctl --system --no-legend list >"$WORK/system-bus.txt"
  awk -v pid="$pid" '$2 == pid' "$WORK/system-bus.txt" | grep -q . ||
    { ok=0; why+=("lactd (pid $pid) has no system bus connection"); }
  lactctl add --kind hand --left 5 --right 5 >/dev/null 2>&1 ||
    { ok=0; why+=("lactctl add failed under the sandbox"); }
  if ((ok)); then
    result sandbox PASS "writes to ~ and ~/.config: EROFS; data dir, private /tmp and /var/tmp: written; lactd in its own mount namespace, on the system bus, storing ($(probe_line uid_map))"
  else
    result sandbox FAIL "$(IFS=';'; echo "${why[*]}")"
  fi
}

# Where unprivileged user namespaces are off (user.max_user_namespaces=0,
# as some hardened machines set), systemd cannot build that sandbox in a
# user manager: lactd must still start and store, unsandboxed, rather
# than not run at all.
scenario_sandbox_no_userns() {
  need_user sandbox-no-userns || return
  local saved pid said
  saved=$(sysctl -n user.max_user_namespaces)
  sysctl -q -w user.max_user_namespaces=0
  pid=$(main_pid)
  uctl restart lactd.service
  if wait_for 30 lactd_running_not "$pid" && lactctl add --kind hand --left 3 --right 3 >/dev/null 2>&1; then
    said=$(as_user journalctl --user -u lactd.service -o cat --no-pager | grep -i -m1 'namespac')
    result sandbox-no-userns PASS "user namespaces off: lactd started (pid $(main_pid)) and stored a session; systemd said: ${said:-nothing}"
  else
    show_unit
    as_user journalctl --user -u lactd.service --no-pager -n 20
    result sandbox-no-userns FAIL "user namespaces off: lactd did not run ($(prop lactd.service Result), $(prop lactd.service ExecMainStatus))"
  fi
  sysctl -q -w user.max_user_namespaces="$saved"
  uctl reset-failed lactd.service 2>/dev/null
}

# ------------------------------------------------------------ main

log "scenarios: $(systemctl --version | head -n1), system state $(systemctl is-system-running)"
# The boot's time (`systemd-analyze blame` would take two minutes of TCG).
systemd-analyze time
all="user-session enable-now activation restart-kill restart-bus-loss stop-clean journal sandbox sandbox-no-userns"
for s in ${E2E_SCENARIOS:-$all}; do
  log "--- scenario $s"
  "scenario_${s//-/_}"
done
log "scenarios: done"
systemctl --no-pager --failed
poweroff_now
