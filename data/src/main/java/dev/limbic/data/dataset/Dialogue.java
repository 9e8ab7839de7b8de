package dev.limbic.data.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One conversation: its id and its utterances in spoken order. */
public record Dialogue<T extends DialogueTurn>(String id, List<T> turns) {

  public Dialogue {
    turns = List.copyOf(turns);
  }

  public int size() {
    return turns.size();
  }

  /**
   * Groups rows into dialogues by {@code key}; dialogues come in order of first appearance, and the turns of
   * each are sorted by {@code order} (a stable sort, so equal keys keep file order).
   */
  public static <T extends DialogueTurn> List<Dialogue<T>> group(
      List<T> rows, Function<T, String> key, Comparator<? super T> order) {
    Map<String, List<T>> byKey = new LinkedHashMap<>();
    for (T row : rows) {
      byKey.computeIfAbsent(key.apply(row), k -> new ArrayList<>()).add(row);
    }
    List<Dialogue<T>> out = new ArrayList<>(byKey.size());
    for (Map.Entry<String, List<T>> e : byKey.entrySet()) {
      List<T> turns = e.getValue();
      turns.sort(order);
      out.add(new Dialogue<>(e.getKey(), turns));
    }
    return List.copyOf(out);
  }

  /** The dialogues keyed by id, in list order. */
  public static <T extends DialogueTurn> Map<String, Dialogue<T>> byId(List<Dialogue<T>> dialogues) {
    Map<String, Dialogue<T>> out = new LinkedHashMap<>();
    for (Dialogue<T> d : dialogues) {
      if (out.putIfAbsent(d.id(), d) != null) {
        throw new IllegalArgumentException("two dialogues with id " + d.id());
      }
    }
    return Collections.unmodifiableMap(out);
  }
}
