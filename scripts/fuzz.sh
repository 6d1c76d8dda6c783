#!/usr/bin/env bash
# Runs the libFuzzer targets of Fuzz/Sources (JSON parser, YAML composer, schema validator, SQL
# placeholder scanner, WAV decoder) for a fixed time each, from the corpus in Fuzz/corpus. New inputs the
# fuzzer finds go to a temporary folder, not into the repository; a crash stops with its input
# saved as Fuzz/crash-<target>-* (reproduce with .build/debug/toolhost-fuzz TARGET FILE).
#   scripts/fuzz.sh [seconds-per-target, default 20] [targets..., default all]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
targets=("${@:-json yaml schema sql http wav}")
# A build folder of its own: every module is instrumented (coverage, AddressSanitizer). lld:
# gold fails on libFuzzer's objects here.
swift build --scratch-path .build-fuzz --product toolhost-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld 2>&1 | grep -vE "ld.gold: warning: Cannot export local symbol" | tail -n 3
binary=.build-fuzz/debug/toolhost-fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in ${targets[@]}; do
  mkdir -p "$work/$target"
  echo "fuzzing $target for $seconds s"
  TOOLHOST_FUZZ_TARGET="$target" "$binary" "$work/$target" "Fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="Fuzz/crash-$target-" -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)|Fatal error|crash-" || true
  if ls Fuzz/crash-"$target"-* >/dev/null 2>&1; then
    echo "fuzz: $target crashed; the input is in $(ls Fuzz/crash-"$target"-* | head -n 1)" >&2
    exit 1
  fi
done
