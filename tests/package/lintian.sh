#!/bin/bash
# tests/package/lintian.sh SOURCE_DIR OUT_DIR — lintian on the packages
# build-deb.sh made (built first if the source changed): the binary
# packages through their .changes and the source package through its .dsc.
# Fails on any error or warning that debian/*lintian-overrides does not
# explain; info and pedantic tags are printed for the log.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
command -v lintian >/dev/null ||
  { echo "lintian missing (tools/install-deps installs it)"; exit 1; }
debs=$("$here/build-deb.sh" "$@" | tail -n1)
lintian --version
# Overridden tags are listed too (--show-overrides), so the log shows
# what the overrides hide.
if ! lintian --fail-on error,warning --display-info --pedantic --show-overrides \
       "$debs"/*.changes "$debs"/*.dsc \
       2> >(grep -v '^running with root privileges is not recommended!$' >&2); then
  echo "lintian: FAIL (errors or warnings above)"
  exit 1
fi
echo "lintian: no errors, no warnings"
