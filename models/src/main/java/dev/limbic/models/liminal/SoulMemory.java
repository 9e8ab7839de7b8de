package dev.limbic.models.liminal;

import dev.limbic.data.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SoulKernel's emotional memory (MODELS.md §1.5): the most recent {@link #capacity()} entries, each the
 * Hope/Faith/Love read-outs of one SoulKernel call and the rinse vector of the batch's first sample. The kernel
 * reads the element-wise mean of the last three rinse vectors as the "future" it pulls z toward.
 *
 * <p>Two stores: {@link InMemorySoulMemory} (a ring buffer, the notebook's deque) and {@link FileSoulMemory} (JSON
 * lines appended atomically, read back on start, so a new process continues where the last one stopped).
 */
public interface SoulMemory {

  /** The notebook's deque(maxlen=100). */
  int DEFAULT_CAPACITY = 100;

  /**
   * One SoulKernel call.
   *
   * @param timestamp ISO-8601 instant of the call (informational; never read by the model)
   * @param rinse     r[0] after the rinse update, length d (in the model's precision, exactly)
   */
  record Entry(String timestamp, double hope, double faith, double love, double[] rinse) {
    public Entry {
      rinse = rinse.clone();
    }

    @Override
    public double[] rinse() {
      return rinse.clone();
    }

    /** The JSON object of one file line: {timestamp, hope, faith, love, rinse[]}. */
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("timestamp", timestamp);
      m.put("hope", hope);
      m.put("faith", faith);
      m.put("love", love);
      m.put("rinse", rinse);
      return m;
    }

    /** Reads an entry written by {@link #toJson()}; errors name {@code where} and the field. */
    public static Entry fromJson(Map<String, Object> m, String where) {
      List<Object> r = Json.array(m, "rinse", where);
      double[] rinse = new double[r.size()];
      for (int i = 0; i < rinse.length; i++) {
        if (!(r.get(i) instanceof Number n)) {
          throw new IllegalArgumentException(where + ": field 'rinse'[" + i + "] is " + Json.typeName(r.get(i))
              + ", not a number");
        }
        rinse[i] = n.doubleValue();
      }
      return new Entry(Json.string(m, "timestamp", where), Json.number(m, "hope", where),
          Json.number(m, "faith", where), Json.number(m, "love", where), rinse);
    }
  }

  /** Records one call; the oldest entry drops out beyond the capacity. */
  void store(Entry entry);

  /** The stored entries, oldest first (at most {@link #capacity()}). */
  List<Entry> entries();

  /** Replaces the whole memory (restoring a checkpoint); keeps the last {@link #capacity()} of {@code entries}. */
  void replaceAll(List<Entry> entries);

  /** Forgets everything (and, for a file store, empties the file). */
  void reset();

  int capacity();

  default int size() {
    return entries().size();
  }

  /** The rinse vectors of the last {@code n} entries (fewer when the memory holds fewer), oldest first. */
  default List<double[]> lastRinse(int n) {
    List<Entry> all = entries();
    List<double[]> out = new ArrayList<>();
    for (int i = Math.max(0, all.size() - n); i < all.size(); i++) {
      out.add(all.get(i).rinse());
    }
    return out;
  }

  /** The entries as one JSON array text (for checkpoints). */
  static String toJsonText(List<Entry> entries) {
    List<Object> arr = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      arr.add(e.toJson());
    }
    return Json.write(arr);
  }

  /** Parses {@link #toJsonText}; errors name {@code source}. */
  @SuppressWarnings("unchecked")
  static List<Entry> fromJsonText(String text, String source) {
    Object v = Json.parse(text, source);
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException(source + ": the SoulKernel memory must be a JSON array, got "
          + Json.typeName(v));
    }
    List<Entry> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object o = list.get(i);
      if (!(o instanceof Map<?, ?>)) {
        throw new IllegalArgumentException(source + ": memory entry " + i + " is " + Json.typeName(o)
            + ", not an object");
      }
      out.add(Entry.fromJson((Map<String, Object>) o, source + " entry " + i));
    }
    return out;
  }
}
