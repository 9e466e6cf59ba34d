#!/usr/bin/env bash
# P5 GPU tail: simulated GPU time billed after the last request, over 20 cycles on the
# time-compressed stack, beside the ideal tail (the idle timeout) and the policy's promised bound.
# Usage: bench/p5-gpu-tail.sh [CYCLES=20] [WARMUP=1]. Goal: tail <= idle timeout + one check interval + 5 s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build
bench_machine
LOGS="$BENCH_DIR/target/logs/p5"
rm -rf "$LOGS"  # the parts' logs of this run only
bench_java dev.snooze.bench.tail.GpuTail "$LOGS" "${1:-20}" "${2:-1}"
bench_machine
