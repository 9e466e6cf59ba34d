package dev.snooze.cli.plan;

import java.util.Arrays;

/** A min-heap of longs: when the requests being served end. Primitive, as a replay pushes one per request. */
final class LongHeap {
  private long[] heap = new long[64];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  /** The smallest, or {@link Long#MAX_VALUE} when empty. */
  long peek() {
    return size == 0 ? Long.MAX_VALUE : heap[0];
  }

  void push(long value) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= value) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = value;
  }

  long pop() {
    long top = heap[0];
    long last = heap[--size];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= last) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    if (size > 0) {
      heap[i] = last;
    }
    return top;
  }
}
