#!/usr/bin/env bash
# P9 burst (docs/benchmarks.md): a step from 1 to 20 users prompting at once on the time-compressed
# local stack, each sending its next streamed prompt as its answer ends; the GPU fixed at 1 VM and,
# in the same run, scaling out by requests in flight (4 per VM, up to 5 VMs). Prints each setting's
# time to first token (p50, p95, max), failures, the VMs' busy 503s, streams cut, and the time from
# the step to every wanted VM serving.
#
#   bench/p9-burst.sh            # 20 users for 60 s
#   bench/p9-burst.sh 12 30      # USERS SECONDS
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build
bench_machine
LOGS="$BENCH_DIR/target/logs/p9"
rm -rf "$LOGS"  # the parts' logs of this run only
bench_java dev.snooze.bench.burst.Burst "$LOGS" "${1:-20}" "${2:-60}"
bench_machine
