package dev.snooze.cli.plan;

/** A first-in first-out queue of ints: the requests held while the GPU wakes, in the order they came. */
final class IntQueue {
  private int[] ring = new int[64];
  private int head;
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  void add(int value) {
    if (size == ring.length) {
      int[] bigger = new int[size * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = ring[(head + i) % ring.length];
      }
      ring = bigger;
      head = 0;
    }
    ring[(head + size++) % ring.length] = value;
  }

  /** The oldest; the queue must not be empty. */
  int peek() {
    return ring[head];
  }

  int poll() {
    int value = ring[head];
    head = (head + 1) % ring.length;
    size--;
    return value;
  }
}
