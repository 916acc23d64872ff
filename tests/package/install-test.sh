#!/bin/bash
# tests/package/install-test.sh SOURCE_DIR OUT_DIR — installs the
# packages build-deb.sh made (built first if the source changed) on this
# machine with apt, runs what they installed, and purges them again:
#
#   1. lactd needs no GTK: nothing it installs links GTK or libadwaita, and
#      its dependencies, followed all the way down, name neither
#   2. apt-get install ./lactd_*.deb ./lactd-app_*.deb ./lactd-mqtt_*.deb
#      (dependencies from the archive; the -dbgsym packages are left out)
#   3. lactd --version, lactd-mqtt --version, lactd-app --help (it loads
#      its libraries); the installed units pass `systemd-analyze --user
#      verify` with their real paths
#   4. `lactctl version` on a session bus of Debian's own configuration
#      (dbus-run-session): D-Bus activation through the installed
#      org.lactd.service starts the installed lactd, with a throwaway
#      HOME as the user's data
#   5. apt-get purge of the three: nothing of them is left (dpkg -L's
#      files, dpkg's own records, deb-systemd-helper's state), and the
#      file system outside the user's data lists exactly the paths it
#      listed before the install
#
# Needs root (or sudo without a password): exit 77 otherwise. Refuses to
# run when one of them is already installed, rather than purge someone's
# lactd.
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

PACKAGES=(lactd lactd-app lactd-mqtt)
installed() {  # installed PACKAGE: dpkg knows it in any state but not-installed
  dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qv '^not-installed$'
}
for p in "${PACKAGES[@]}"; do
  if installed "$p"; then
    fail "$p is already installed here ($(dpkg-query -W -f='${Version} ${db:Status-Abbrev}' "$p")):" \
         "this test installs and purges it; remove it first (apt-get purge ${PACKAGES[*]})"
  fi
done

debs=$("$here/build-deb.sh" "$src" "$out" | tail -n1) || fail "build-deb.sh failed"
deb_files=()
for p in "${PACKAGES[@]}"; do
  f=$(compgen -G "$debs/${p}_*.deb") || fail "no ${p}_*.deb in $debs"
  deb_files+=("$f")
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lactd-install-test.XXXXXX")
cleanup() {
  # A failed run must not leave a package installed.
  local p
  for p in "${PACKAGES[@]}"; do
    if installed "$p"; then
      echo "install-test: purging ${PACKAGES[*]} after a failure"
      "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 purge -y -qq "${PACKAGES[@]}" >/dev/null 2>&1
      break
    fi
  done
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
    if [[ -n $owner && ! $owner =~ (^|, )lactd(-app|-mqtt)?(,|$) ]]; then
      echo "install-test: note: $path changed meanwhile, owned by $owner (not this test)" >&2
    else
      printf '%s\n' "$path"
    fi
  done
}

step "file system before the install"
snapshot >"$work/before"
echo "$(wc -l <"$work/before") paths"

step "lactd needs no GTK (headless machines)"
lactd_deb=${deb_files[0]}
mkdir "$work/lactd-deb"
dpkg-deb -x "$lactd_deb" "$work/lactd-deb"
while IFS= read -r -d '' elf; do
  if readelf -d "$elf" 2>/dev/null | grep -E 'NEEDED.*lib(gtk|adwaita|gdk)'; then
    fail "${elf#"$work/lactd-deb"} links a GUI toolkit"
  fi
done < <(find "$work/lactd-deb" -type f -perm -u+x -print0)
# apt's own resolution, recursively, of what `apt install ./lactd_*.deb`
# would pull in (Depends and PreDepends).
direct=$(dpkg-deb -f "$lactd_deb" Depends | tr ',|' '\n' | sed 's/(.*//; s/ //g' | grep .)
# shellcheck disable=SC2086
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
            --no-breaks --no-replaces --no-enhances $direct 2>/dev/null |
          sed -n 's/^\([^ <][^ ]*\)$/\1/p' | sort -u)
[[ -n $closure ]] || fail "apt-cache depends found nothing for lactd's Depends ($direct)"
gui=$(grep -E '^(libgtk|libadwaita|libgdk)' <<<"$closure" || true)
[[ -z $gui ]] || fail "lactd's dependencies pull in: $gui"
echo "lactd's binaries link no GTK; its dependencies' closure ($(wc -l <<<"$closure") packages) has no GTK or libadwaita"

step "apt-get install ${deb_files[*]}"
start=$(date +%s)
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${deb_files[@]}" ||
  fail "apt-get install failed"
echo "installed in $(($(date +%s) - start)) s"

step "dpkg -L ${PACKAGES[*]}"
dpkg -L "${PACKAGES[@]}" | LC_ALL=C sort -u >"$work/files"
cat "$work/files"
# expect PACKAGE FILE...: each FILE is installed and belongs to PACKAGE.
expect() {
  local p=$1 f
  shift
  for f in "$@"; do
    dpkg -L "$p" | grep -qxF "$f" || fail "$f is not in the package $p"
    [[ -e $f ]] || fail "$f is listed but missing"
  done
}
expect lactd /usr/libexec/lactd /usr/bin/lactctl /usr/bin/lactd-notify \
  /usr/lib/systemd/user/lactd.service /usr/lib/systemd/user/lactd-notify.service \
  /usr/share/dbus-1/services/org.lactd.service \
  /usr/share/dbus-1/interfaces/org.lactd.Manager1.xml \
  /usr/share/bash-completion/completions/lactctl \
  /usr/share/man/man8/lactd.8.gz /usr/share/man/man1/lactctl.1.gz \
  /usr/share/man/man1/lactd-notify.1.gz
expect lactd-app /usr/bin/lactd-app /usr/share/applications/org.lactd.App.desktop \
  /usr/share/metainfo/org.lactd.App.metainfo.xml \
  /usr/share/icons/hicolor/scalable/apps/org.lactd.App.svg \
  /usr/share/man/man1/lactd-app.1.gz
expect lactd-mqtt /usr/bin/lactd-mqtt /usr/lib/systemd/user/lactd-mqtt.service \
  /usr/share/man/man1/lactd-mqtt.1.gz

step "lactd --version, lactd-mqtt --version, lactd-app --help"
deb_version=$(dpkg-query -W -f='${Version}' lactd)
# check_version PROGRAM NAME: PROGRAM --version prints "NAME VERSION".
check_version() {
  local said
  said=$("$1" --version) || fail "$1 --version exited $?"
  echo "$said"
  [[ $said == "$2 $deb_version" ]] || fail "$1 --version said '$said', not '$2 $deb_version'"
}
check_version /usr/libexec/lactd lactd
check_version /usr/bin/lactd-mqtt lactd-mqtt
# No display needed: GApplication answers --help before GTK starts.
env -u DISPLAY -u WAYLAND_DISPLAY /usr/bin/lactd-app --help >"$work/app-help" ||
  fail "lactd-app --help exited $?: $(cat "$work/app-help")"
head -n 2 "$work/app-help"

step "systemd-analyze --user verify (the installed units)"
mkdir -m 0700 "$work/runtime"
for unit in lactd.service lactd-notify.service lactd-mqtt.service; do
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

step "apt-get purge ${PACKAGES[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get -o DPkg::Lock::Timeout=600 purge -y -q "${PACKAGES[@]}" || fail "apt-get purge failed"
for p in "${PACKAGES[@]}"; do
  ! installed "$p" || fail "after purge, dpkg says $p is '$(dpkg-query -W -f='${db:Status-Status}' "$p")'"
done

step "nothing left"
left=$(while IFS= read -r f; do [[ -f $f || -L $f ]] && echo "$f"; done <"$work/files")
[[ -z $left ]] || fail "files of the package left after purge: $left"
left=$(compgen -G "/var/lib/dpkg/info/lactd*"; compgen -G "/var/lib/systemd/deb-systemd-user-helper-enabled/*lactd*")
[[ -z $left ]] || fail "package state left after purge: $left"
snapshot >"$work/after"
changed=$(unexplained_changes "$work/before" "$work/after")
[[ -z $changed ]] || fail "the file system differs after install and purge: $changed"
echo "install-test: PASS: installed, ran, purged; $(wc -l <"$work/after") paths as before"
