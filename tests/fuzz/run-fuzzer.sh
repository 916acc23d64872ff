#!/bin/sh
# run-fuzzer.sh TARGET CORPUS_DIR [extra libFuzzer options]
#
# Runs one libFuzzer target for a bounded time on a COPY of its seed
# corpus in a temporary directory, so the source tree is never written.
# On success the directory is removed; on a crash it is kept (its path is
# printed) with the crash-* artifact for reproduction.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 TARGET CORPUS_DIR [libFuzzer options...]" >&2
  exit 2
fi
target=$1
corpus=$2
shift 2

work=$(mktemp -d "${TMPDIR:-/tmp}/lactd-fuzz.XXXXXX")
mkdir "$work/corpus"
cp "$corpus"/* "$work/corpus/"

status=0
"$target" -max_total_time=30 -timeout=5 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" "$@" \
  "$work/corpus" || status=$?

if [ "$status" -eq 0 ]; then
  rm -rf "$work"
else
  echo "run-fuzzer: $(basename "$target") failed ($status); artifacts kept in $work" >&2
fi
exit "$status"
