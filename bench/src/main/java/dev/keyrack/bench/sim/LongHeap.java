package dev.keyrack.bench.sim;

import java.util.Arrays;
import java.util.NoSuchElementException;

/** A binary min-heap of primitive longs: the simulation's event queue, without a boxed object per event. */
final class LongHeap {
  private long[] a = new long[1 << 16];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long peek() {
    if (size == 0) throw new NoSuchElementException();
    return a[0];
  }

  void add(long v) {
    if (size == a.length) a = Arrays.copyOf(a, a.length * 2);
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      long p = a[parent];
      if (p <= v) break;
      a[i] = p;
      i = parent;
    }
    a[i] = v;
  }

  long poll() {
    if (size == 0) throw new NoSuchElementException();
    long top = a[0];
    long last = a[--size];
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      long c = a[child];
      int right = child + 1;
      if (right < size && a[right] < c) c = a[child = right];
      if (last <= c) break;
      a[i] = c;
      i = child;
    }
    if (size > 0) a[i] = last;
    return top;
  }
}
