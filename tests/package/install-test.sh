#!/bin/bash
# tests/package/install-test.sh SOURCE_DIR OUT_DIR — installs the lactd
# package build-deb.sh made (built first if the source changed) on this
# machine with apt, runs what it installed, and purges it again:
#
#   1. apt-get install ./lactd_*.deb (dependencies from the archive)
#   2. /usr/libexec/lactd --version; the installed units pass
#      `systemd-analyze --user verify` with their real paths
#   3. `lactctl version` on a session bus of Debian's own configuration
#      (dbus-run-session): D-Bus activation through the installed
#      org.lactd.service starts the installed lactd, with a throwaway
#      HOME as the user's data
#   4. apt-get purge lactd: nothing of the package is left (dpkg -L's
#      files, dpkg's own records, deb-systemd-helper's state), and the
#      file system outside the user's data lists exactly the paths it
#      listed before the install
#
# Needs root (or sudo without a password): exit 77 otherwise. Refuses to
# run when lactd is already installed, rather than purge someone's lactd.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${1:?usage: install-test.sh SOURCE_DIR OUT_DIR}
out=${2:?usage: install-test.sh SOURCE_DIR OUT_DIR}

if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "install-test: SKIP: needs root or password-less sudo (apt-get install)"
  exit 77
fi

fail() { echo "install-test: FAIL: $*"; exit 1; }
step() { echo "== $*"; }

if dpkg-query -W -f='${db:Status-Status}' lactd 2>/dev/null | grep -qv '^not-installed$'; then
  fail "lactd is already installed here ($(dpkg-query -W -f='${Version} ${db:Status-Abbrev}' lactd)):" \
       "this test installs and purges it; remove it first (apt-get purge lactd)"
fi

debs=$("$here/build-deb.sh" "$src" "$out" | tail -n1) || fail "build-deb.sh failed"
deb=$(compgen -G "$debs/lactd_*.deb") || fail "no lactd_*.deb in $debs"

work=$(mktemp -d "${TMPDIR:-/tmp}/lactd-install-test.XXXXXX")
cleanup() {
  # A failed run must not leave the package installed.
  if dpkg-query -W -f='${db:Status-Status}' lactd 2>/dev/null | grep -qv '^not-installed$'; then
    echo "install-test: purging lactd after a failure"
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 purge -y -qq lactd >/dev/null 2>&1
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Every path under the directories a package can touch; the user's data
# lives elsewhere (a throwaway HOME). Left out: what changes on its own
# on a shared machine (apt's lists, dpkg's transient files, caches and
# logs, Python's byte-code caches written next to any module run as root).
snapshot() {
  find /usr /etc /var/lib /opt -xdev \
    \( -path /var/lib/apt/lists -o -path /var/lib/dpkg/updates \
       -o -path /var/lib/dpkg/triggers -o -name __pycache__ \) -prune -o -print |
    LC_ALL=C sort
}

# Paths that differ from the snapshot and are not another package's (a
# package another user of this machine installed meanwhile owns its files).
unexplained_changes() {  # unexplained_changes BEFORE AFTER
  local path owner
  LC_ALL=C comm -3 "$1" "$2" | sed 's/^\t//' | while IFS= read -r path; do
    owner=$(dpkg-query -S "$path" 2>/dev/null | sed -n '1s/: .*//p')
    if [[ -n $owner && $owner != lactd && $owner != *"lactd,"* && $owner != *", lactd"* ]]; then
      echo "install-test: note: $path changed meanwhile, owned by $owner (not this test)" >&2
    else
      printf '%s\n' "$path"
    fi
  done
}

step "file system before the install"
snapshot >"$work/before"
echo "$(wc -l <"$work/before") paths"

step "apt-get install $deb"
start=$(date +%s)
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$deb" ||
  fail "apt-get install failed"
echo "installed in $(($(date +%s) - start)) s"

step "dpkg -L lactd"
dpkg -L lactd | LC_ALL=C sort >"$work/files"
cat "$work/files"
for f in /usr/libexec/lactd /usr/bin/lactctl /usr/bin/lactd-notify \
         /usr/lib/systemd/user/lactd.service /usr/lib/systemd/user/lactd-notify.service \
         /usr/share/dbus-1/services/org.lactd.service \
         /usr/share/dbus-1/interfaces/org.lactd.Manager1.xml \
         /usr/share/bash-completion/completions/lactctl \
         /usr/share/man/man8/lactd.8.gz /usr/share/man/man1/lactctl.1.gz; do
  grep -qxF "$f" "$work/files" || fail "$f is not in the package"
  [[ -e $f ]] || fail "$f is listed but missing"
done

step "/usr/libexec/lactd --version"
version=$(/usr/libexec/lactd --version) || fail "lactd --version exited $?"
echo "$version"
expected="lactd $(dpkg-query -W -f='${Version}' lactd)"
[[ $version == "$expected" ]] || fail "lactd --version said '$version', not '$expected'"

step "systemd-analyze --user verify (the installed units)"
mkdir -m 0700 "$work/runtime"
for unit in lactd.service lactd-notify.service; do
  XDG_RUNTIME_DIR=$work/runtime SYSTEMD_LOG_LEVEL=notice \
    systemd-analyze --user --man=no verify "/usr/lib/systemd/user/$unit" ||
    fail "systemd-analyze verify $unit"
done
grep -qx 'Exec=/usr/libexec/lactd' /usr/share/dbus-1/services/org.lactd.service ||
  fail "org.lactd.service does not start /usr/libexec/lactd"

step "lactctl version (D-Bus activation of the installed lactd)"
mkdir -p "$work/home"
cat >"$work/session.sh" <<'SESSION'
# Inside dbus-run-session: activation starts lactd; then stop it by its pid.
set -u
lactctl version || exit
pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus / \
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.lactd) || exit
pid=${pid##* }
exe=$(readlink "/proc/$pid/exe")
echo "org.lactd is pid $pid ($exe)"
[ "$exe" = /usr/libexec/lactd ] || { echo "org.lactd is not the installed lactd"; exit 1; }
kill -TERM "$pid"
# Its exit is the condition: poll it (no child of ours to wait for).
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
echo "lactd ignored SIGTERM for 10 s"
exit 1
SESSION
# No system bus: lactd runs without Bluetooth and says so.
env -i PATH=/usr/bin:/bin HOME="$work/home" LC_ALL=C.UTF-8 \
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$work/no-system-bus" \
  dbus-run-session -- sh "$work/session.sh" || fail "lactctl version through activation"
[[ -s $work/home/.local/share/lactd/lactd.db ]] ||
  fail "the activated lactd made no database under XDG_DATA_HOME"
echo "database: $(find "$work/home" -type f | sed "s|^$work/home/||" | tr '\n' ' ')"

step "apt-get purge lactd"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get -o DPkg::Lock::Timeout=600 purge -y -q lactd || fail "apt-get purge failed"
state=$(dpkg-query -W -f='${db:Status-Status}' lactd 2>/dev/null || echo not-installed)
[[ $state == not-installed ]] || fail "after purge, dpkg says lactd is '$state'"

step "nothing left"
left=$(while IFS= read -r f; do [[ -f $f || -L $f ]] && echo "$f"; done <"$work/files")
[[ -z $left ]] || fail "files of the package left after purge: $left"
left=$(compgen -G "/var/lib/dpkg/info/lactd.*"; compgen -G "/var/lib/systemd/deb-systemd-user-helper-enabled/*lactd*")
[[ -z $left ]] || fail "package state left after purge: $left"
snapshot >"$work/after"
changed=$(unexplained_changes "$work/before" "$work/after")
[[ -z $changed ]] || fail "the file system differs after install and purge: $changed"
echo "install-test: PASS: installed, ran, purged; $(wc -l <"$work/after") paths as before"
