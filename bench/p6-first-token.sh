#!/usr/bin/env bash
# P6 first token: from opening the page to the first streamed token of a prompt typed T seconds
# later, without and with wake on intent, on the local stack with GCE-like stage times
# (SNOOZE_SIM_STAGE_PRESET=realistic, about 4.5 min per wake), beside the sum of that wake's stages.
# Usage: bench/p6-first-token.sh [T=60] [SNOOZE_SIM_STAGES overrides, e.g. driver=5 for a DLVM image]
# Takes about 12 min. Goals: first token <= 2 s after the stages end; with intent, the wait after Send shrinks by T - 2 s.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build
bench_machine
LOGS="$BENCH_DIR/target/logs/p6"
rm -rf "$LOGS"  # the parts' logs of this run only
bench_java dev.snooze.bench.firsttoken.FirstTokenBench "$LOGS" "${1:-60}" "${2:-}"
bench_machine
