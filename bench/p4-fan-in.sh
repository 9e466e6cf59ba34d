#!/usr/bin/env bash
# P4 fan-in: Pub/Sub messages and Firestore writes per 10,000 requests at 100 and 1,000 req/s,
# beside the naive one message (and write) per request.
# Usage: bench/p4-fan-in.sh [REQUESTS=10000] [RATES=100,1000]. Goal: <= 1 message per debounce window.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build
bench_machine
LOGS="$BENCH_DIR/target/logs/p4"
rm -rf "$LOGS"  # the parts' logs of this run only
bench_java dev.snooze.bench.fanin.FanIn "$LOGS" "${1:-10000}" "${2:-100,1000}"
bench_machine
