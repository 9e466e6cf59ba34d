#!/usr/bin/env bash
# P1 wake decision latency: first request at the frontend -> resize received by the Compute
# simulator, through Pub/Sub push and the Wake function, beside the same push path into a no-op
# function. Usage: bench/p1-wake-latency.sh [WAKES=200] [WARMUP=5]. Goal: p99 <= 100 ms.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build
bench_machine
LOGS="$BENCH_DIR/target/logs/p1"
rm -rf "$LOGS"  # the parts' logs of this run only
bench_java dev.snooze.bench.wake.WakeLatency "$LOGS" "${1:-200}" "${2:-5}"
bench_machine
