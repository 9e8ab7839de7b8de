package dev.limbic.data.dataset;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.ToIntFunction;

/** Label names and their ids (the position in the dataset's official order). Immutable. */
public final class LabelMap {
  private final List<String> names;
  private final Map<String, Integer> ids = new HashMap<>();

  private LabelMap(List<String> names) {
    this.names = List.copyOf(names);
    for (int i = 0; i < this.names.size(); i++) {
      if (ids.putIfAbsent(this.names.get(i), i) != null) {
        throw new IllegalArgumentException("duplicate label name " + this.names.get(i));
      }
    }
  }

  /** Names in id order. */
  public static LabelMap of(String... names) {
    return new LabelMap(List.of(names));
  }

  public static LabelMap of(List<String> names) {
    return new LabelMap(names);
  }

  public int size() {
    return names.size();
  }

  public List<String> names() {
    return names;
  }

  public String name(int id) {
    if (id < 0 || id >= names.size()) {
      throw new IndexOutOfBoundsException("label id " + id + " outside 0.." + (names.size() - 1));
    }
    return names.get(id);
  }

  /** The id of a name, or throws {@link IllegalArgumentException} listing the valid names. */
  public int id(String name) {
    Integer id = ids.get(name);
    if (id == null) {
      throw new IllegalArgumentException("unknown label '" + name + "' (expected one of " + names + ")");
    }
    return id;
  }

  public OptionalInt find(String name) {
    Integer id = ids.get(name);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** Examples per class id; ids outside the map are an error. */
  public <T> int[] count(Collection<T> rows, ToIntFunction<T> label) {
    int[] counts = new int[names.size()];
    for (T row : rows) {
      counts[label.applyAsInt(row)]++;
    }
    return counts;
  }

  /** Counts keyed by name, in id order. */
  public Map<String, Integer> byName(int[] counts) {
    if (counts.length != names.size()) {
      throw new IllegalArgumentException(counts.length + " counts for " + names.size() + " labels");
    }
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < counts.length; i++) {
      m.put(names.get(i), counts[i]);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMap other && names.equals(other.names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return names.toString();
  }
}
