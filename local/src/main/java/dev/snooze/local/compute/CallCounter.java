package dev.snooze.local.compute;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Calls received per API method id, faulted ones included: what a quota would count. */
final class CallCounter {
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  void increment(String methodId) {
    counts.computeIfAbsent(methodId, k -> new AtomicLong()).incrementAndGet();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  void reset() {
    counts.clear();
  }
}
