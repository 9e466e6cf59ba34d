#!/usr/bin/env bash
# P3 (docs/benchmarks.md): Snooze's frontend as a streaming proxy beside Debian's nginx and a bare
# Vert.x proxy with the frontend's JVM flags (the JVM's floor), all in front of the same backend,
# in the same run: wrk throughput, CPU per request and p50/p99 (rounds rotate the three), the
# first chunk of a streamed answer (direct and through each), the RSS of each.
#
#   bench/p3-proxy.sh                                   # wrk -t2 -c50 -d10s, 3 rounds
#   bench/p3-proxy.sh --rounds 5 --seconds 20
#   bench/p3-proxy.sh --frontend-flags "-XX:+UseSerialGC -Xmx96m"   # other JVM flags (both JVMs)
#
# Needs Java 17, Maven and Google's Pub/Sub emulator (see README.md); installs Debian's nginx and
# wrk when missing (as root); builds what is missing or older than the sources.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  echo "installing nginx and wrk (apt-get)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
fi

stale() { # stale JAR SOURCE_DIR...: the jar is missing or a source is newer
  local jar=$1; shift
  [[ ! -f $jar ]] || [[ -n $(find "$@" -newer "$jar" -type f -print -quit) ]]
}
if stale frontend/target/snooze-frontend.jar frontend/src/main common/src/main frontend/pom.xml \
   || stale bench/target/snooze-bench.jar bench/src/main local/src/main bench/pom.xml; then
  echo "building (mvn -B -q package -DskipTests)..."
  mvn -B -q package -DskipTests
fi

exec java -cp bench/target/snooze-bench.jar dev.snooze.bench.proxy.ProxyBench "$@"
