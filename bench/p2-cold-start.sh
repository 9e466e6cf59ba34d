#!/usr/bin/env bash
# P2 (docs/benchmarks.md): the Wake function's cold start, JVM start to the first CloudEvent
# fully handled (Firestore update, MIG resize received), beside a hello-world CloudEvent function
# under the same Functions Framework invoker, alternating, in the same run.
#
#   bench/p2-cold-start.sh                      # 10 runs each, flags as Cloud Functions sets them
#   bench/p2-cold-start.sh --runs 5 --cds       # also with an AppCDS archive (training run first)
#   bench/p2-cold-start.sh --variant c1=-XX:TieredStopAtLevel=1
#   bench/p2-cold-start.sh --baseline-jar OTHER/snooze-functions-all.jar   # before/after
#
# Needs Java 17, Maven and Google's Firestore emulator (see README.md); builds what is missing
# or older than the sources.
set -euo pipefail
cd "$(dirname "$0")/.."

stale() { # stale JAR SOURCE_DIR...: the jar is missing or a source is newer
  local jar=$1; shift
  [[ ! -f $jar ]] || [[ -n $(find "$@" -newer "$jar" -type f -print -quit) ]]
}
if stale functions/target/snooze-functions-all.jar functions/src/main common/src/main functions/pom.xml \
   || stale bench/target/snooze-bench.jar bench/src/main local/src/main bench/pom.xml \
   || ! compgen -G 'bench/target/lib/java-function-invoker-*.jar' >/dev/null; then
  echo "building (mvn -B -q package -DskipTests)..."
  mvn -B -q package -DskipTests
fi

exec java -cp bench/target/snooze-bench.jar dev.snooze.bench.coldstart.ColdStartBench "$@"
