/**
 * Benchmark drivers behind the {@code bench/} scripts. Each prints its own figures beside a
 * baseline measured in the same run, because numbers from a shared 2-core machine mean little
 * alone.
 */
package dev.snooze.bench;
