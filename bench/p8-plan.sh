#!/usr/bin/env bash
# P8 plan (docs/benchmarks.md): `java -jar cli/target/snooze.jar plan` replays a log of 1,000,000
# requests (the frontend's request-log format, generated once) across 20 settings; beside it, in the
# same run and on the same cores, what merely reading that log costs: `wc -l`, GNU `sort` of its lines,
# and the planner's own reader (`plan --read-only`), and one setting alone.
#
#   bench/p8-plan.sh                 # 1,000,000 requests, 3 runs of each
#   bench/p8-plan.sh 200000 5        # REQUESTS RUNS
#   CPUS=2 bench/p8-plan.sh          # on a bigger machine: pinned to 2 cores (taskset), the goal's
#
# Goal: under 10 s on 2 cores. Needs Java 17 and Maven; builds the cli module when it is missing or
# older than its sources.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

REQUESTS=${1:-1000000}
RUNS=${2:-3}
CPUS=${CPUS:-2}
OUT=bench/target/p8
LOG=$OUT/requests-$REQUESTS.log
JAR=cli/target/snooze.jar
SETTINGS=(--idle 5m,10m,15m,30m,1h --sleep-mode delete,stop --windows 'none|Mon-Fri 09:00-18:00 Europe/Warsaw'
  --price 0.71)
mkdir -p "$OUT"

if [[ ! -f $JAR ]] || [[ -n $(find cli/src/main functions/src/main common/src/main cli/pom.xml -newer "$JAR" -type f -print -quit) ]]; then
  echo "building (mvn -B -q -pl cli -am package -DskipTests)..."
  mvn -B -q -pl cli -am package -DskipTests
fi
if [[ ! -f $LOG ]] || [[ cli/src/main/java/dev/snooze/cli/plan/TraceGenerator.java -nt $LOG ]]; then
  java -cp "$JAR" dev.snooze.cli.plan.TraceGenerator --bench "$REQUESTS" "$LOG"
fi
PIN=()
if (( $(nproc) > CPUS )) && command -v taskset >/dev/null; then
  PIN=(taskset -c "0-$((CPUS - 1))")
fi

bench_machine
echo "P8 log: $LOG, $(du -m "$LOG" | cut -f1) MB, $(wc -l < "$LOG") lines; $RUNS runs of each, on ${CPUS} cores${PIN:+ (taskset)}"
cat "$LOG" > /dev/null # in the page cache for every run alike

# timed LABEL COMMAND...: runs it RUNS times, prints the median and the range of the wall times.
timed() {
  local label=$1
  shift
  local times=()
  for ((run = 1; run <= RUNS; run++)); do
    local start end
    start=$(date +%s%N)
    "${PIN[@]}" "$@" > "$OUT/last.out" 2> "$OUT/last.err"
    end=$(date +%s%N)
    times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", (e - s) / 1e9 }')")
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  MEDIAN=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  printf 'P8 %-58s median %5.2f s  (min %s, max %s; runs: %s)\n' "$label" "$MEDIAN" "$(echo "$sorted" | head -1)" \
    "$(echo "$sorted" | tail -1)" "${times[*]}"
}

timed "baseline: wc -l of the log" wc -l "$LOG"
WC=$MEDIAN
timed "baseline: sort of the log's lines (LC_ALL=C, --parallel=$CPUS)" env LC_ALL=C sort --parallel="$CPUS" -S 1G -o /dev/null "$LOG"
timed "baseline: snooze plan --read-only (JVM, read, parse, sort)" java -jar "$JAR" plan "$LOG" --read-only --quiet
READ=$MEDIAN
timed "snooze plan, 1 setting (the defaults)" java -jar "$JAR" plan "$LOG" --quiet
ONE=$MEDIAN
timed "snooze plan, 20 settings" java -jar "$JAR" plan "$LOG" "${SETTINGS[@]}" --quiet
TWENTY=$MEDIAN

echo "P8 20 settings: $(grep -m1 '^replayed' "$OUT/last.out") (the replays alone, as the plan times them)"
awk -v t="$TWENTY" -v r="$READ" -v o="$ONE" -v n="$REQUESTS" 'BEGIN {
  printf "P8 replay cost beyond reading: 1 setting %.2f s, 20 settings %.2f s (%.0f ns per request per setting, wall)\n",
    o - r, t - r, (t - r) / (20 * n) * 1e9
}'
sed -n '/^goal:/,$p' "$OUT/last.out" | sed 's/^/P8 plan says: /'
if awk -v t="$TWENTY" 'BEGIN { exit !(t < 10) }'; then
  echo "P8 goal: $REQUESTS requests x 20 settings < 10 s on $CPUS cores: MET (median $TWENTY s; wc -l $WC s)"
else
  echo "P8 goal: $REQUESTS requests x 20 settings < 10 s on $CPUS cores: MISSED (median $TWENTY s)"
fi
bench_machine
