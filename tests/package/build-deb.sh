#!/bin/bash
# tests/package/build-deb.sh SOURCE_DIR OUT_DIR — builds lactd's binary
# packages with Debian's own tools (dpkg-buildpackage -us -uc -b) from a
# copy of the source tree, into OUT_DIR/debs. The copy holds exactly the
# files git knows or would add (tracked and untracked-but-not-ignored), so
# build directories and editor files never enter a package; a build is
# reused while that copy's content is unchanged (OUT_DIR/source.sha256).
#
# DEB_BUILD_OPTIONS defaults to "nocheck parallel=N": the tests run in the
# project's own build already, and debian/rules then does not even compile
# them. Set DEB_BUILD_OPTIONS=parallel=2 for a build that runs the suite.
#
# Concurrent callers (the package tests, the systemd VM run) take turns on
# OUT_DIR/lock. Prints the debs directory on its last line.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

src=$(cd "${1:?usage: build-deb.sh SOURCE_DIR OUT_DIR}" && pwd)
out=${2:?usage: build-deb.sh SOURCE_DIR OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS-nocheck parallel=$(nproc)}

exec 8>"$out/lock"
flock 8

for tool in dpkg-buildpackage dh; do
  command -v "$tool" >/dev/null ||
    { echo "build-deb: $tool missing (tools/install-deps installs dpkg-dev and debhelper)" >&2; exit 1; }
done

# The source files, NUL-separated: what git has or would add; every file
# under SOURCE_DIR but build*/ and .git when it is not a git checkout.
list_sources() {
  if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1; then
    git -C "$src" ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do
        # Deleted but still in the index: not part of the tree.
        [[ -e "$src/$f" || -L "$src/$f" ]] && printf '%s\0' "$f"
      done
  else
    (cd "$src" && find . -mindepth 1 \( -name .git -o -name 'build*' \) -prune -o \
       \( -type f -o -type l \) -printf '%P\0')
  fi | sort -z
}

# source_tar [TAR OPTIONS]: the source files as a tar stream.
source_tar() {
  tar -C "$src" --sort=name --owner=0 --group=0 --numeric-owner \
    --no-recursion "$@" --null -cf - -T <(list_sources)
}

version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
# Names, modes and contents decide; times do not.
sum=$(source_tar --mtime=@0 | sha256sum | cut -d' ' -f1)
debs="$out/debs"
if [[ -f "$out/source.sha256" && "$(cat "$out/source.sha256")" == "$sum" ]] &&
   compgen -G "$debs/lactd_${version}_*.deb" >/dev/null; then
  echo "build-deb: source unchanged since the last build: reusing $debs" >&2
  echo "$debs"
  exit 0
fi

rm -rf "$out/src" "$debs" "$out/source.sha256"
tree="$out/src/lactd-$version"
mkdir -p "$tree" "$debs"
source_tar | tar -C "$tree" -xf -

start=$(date +%s)
echo "build-deb: dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS) in $tree" >&2
# The source package first, from the clean copy, for lintian's source
# checks (debian/control, copyright, rules); then the binary packages.
if ! { (cd "$out/src" && dpkg-source --build "lactd-$version") &&
       (cd "$tree" && dpkg-buildpackage -us -uc -b); } >"$out/build.log" 2>&1; then
  tail -n 60 "$out/build.log" >&2
  echo "build-deb: dpkg-buildpackage failed (full log: $out/build.log)" >&2
  exit 1
fi
mv "$out/src"/*.deb "$out/src"/*.changes "$out/src"/*.buildinfo \
   "$out/src"/*.dsc "$out/src"/*.tar.* "$debs/"
echo "build-deb: built in $(($(date +%s) - start)) s: $(cd "$debs" && echo *)" >&2
echo "$sum" >"$out/source.sha256"
echo "$debs"
