package dev.limbic.models.liminal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** A bounded FIFO of SoulKernel entries living in the process (the notebook's deque). Not thread-safe. */
public final class InMemorySoulMemory implements SoulMemory {
  private final int capacity;
  private final ArrayDeque<Entry> ring = new ArrayDeque<>();

  public InMemorySoulMemory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("SoulMemory capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  public InMemorySoulMemory() {
    this(DEFAULT_CAPACITY);
  }

  @Override
  public void store(Entry entry) {
    ring.addLast(entry);
    while (ring.size() > capacity) {
      ring.removeFirst();
    }
  }

  @Override
  public List<Entry> entries() {
    return List.copyOf(ring);
  }

  @Override
  public void replaceAll(List<Entry> entries) {
    ring.clear();
    for (Entry e : entries.subList(Math.max(0, entries.size() - capacity), entries.size())) {
      ring.addLast(e);
    }
  }

  @Override
  public void reset() {
    ring.clear();
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public int size() {
    return ring.size();
  }

  @Override
  public List<double[]> lastRinse(int n) {
    List<double[]> out = new ArrayList<>(Math.min(n, ring.size()));
    int skip = Math.max(0, ring.size() - n);
    int i = 0;
    for (Entry e : ring) {
      if (i++ >= skip) {
        out.add(e.rinse());
      }
    }
    return out;
  }
}
