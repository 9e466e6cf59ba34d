#!/usr/bin/env bash
# P7 failover: time from a prompt sent while asleep to its first streamed token, the preferred (spot)
# offer available or stocked out (so Snooze fails over to the on-demand one), in alternating cycles
# on the time-compressed stack, with the failover's own cost from the Compute call log.
# Usage: bench/p7-failover.sh [CYCLES=10] [WARMUP=1] (pairs of cycles). Goal: failover adds <= capacity timeout + 5 s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build
bench_machine
LOGS="$BENCH_DIR/target/logs/p7"
rm -rf "$LOGS"  # the parts' logs of this run only
bench_java dev.snooze.bench.failover.Failover "$LOGS" "${1:-10}" "${2:-1}"
bench_machine
