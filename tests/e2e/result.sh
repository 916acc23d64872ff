#!/bin/bash
# tests/e2e/result.sh OUT_DIR SCENARIO — one scenario's verdict from the
# last VM run (tests/e2e/run-vm.sh): exit 0 PASS, 1 FAIL, 77 no run.
#
# SPDX-License-Identifier: GPL-3.0-or-later
out=${1:?usage: result.sh OUT_DIR SCENARIO}
name=${2:?usage: result.sh OUT_DIR SCENARIO}
if [[ ! -f $out/results.txt ]]; then
  echo "no VM run in $out (run the e2e-vm test first)"
  exit 77
fi
line=$(grep "^SCENARIO $name: " "$out/results.txt")
if [[ -z $line ]]; then
  echo "scenario $name did not report (see $out/guest.log)"
  exit 1
fi
echo "$line"
[[ $line == *": PASS"* ]]
