# Shared by the bench/ scripts (source it): build once, describe the machine, run a driver.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")

# Builds every module when the bench jar or its runtime classpath is missing.
bench_build() {
  if [ ! -f "$BENCH_DIR/target/snooze-bench.jar" ] || [ ! -d "$BENCH_DIR/target/lib" ]; then
    echo "building (mvn -B -q package -DskipTests)..."
    (cd "$ROOT" && mvn -B -q package -DskipTests) || exit 1
  fi
}

# One line: CPUs, CPU model, RAM, load; the figures mean little without it.
bench_machine() {
  local model
  model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  echo "machine: $(nproc) CPUs, ${model:-unknown CPU}, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Runs a driver class on the bench jar's classpath.
bench_java() {
  java -cp "$BENCH_DIR/target/snooze-bench.jar" "$@"
}
