package dev.limbic.data.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * EmoryNLP emotion detection, the MELD-repository CSVs {@code emorynlp_{train,dev,test}_final.csv} with header
 * {@code Utterance,Speaker,Emotion,Scene_ID,Utterance_ID,Season,Episode,Start_Time,End_Time}. {@code Speaker}
 * is a Python list literal ({@code ['Monica Geller']}, {@code ["Phoebe's Assistant"]}, several names
 * possible). A dialogue is a scene, keyed by (Season, Episode, Scene_ID); its utterances are ordered by
 * Utterance_ID. A malformed list literal or a duplicate (scene, Utterance_ID) is a bad row.
 */
public final class EmoryNlp {
  /** Emotion ids in the order of DATA.md §5 (by training frequency). */
  public static final LabelMap EMOTIONS =
      LabelMap.of("Neutral", "Joyful", "Scared", "Mad", "Peaceful", "Powerful", "Sad");
  public static final List<String> COLUMNS = List.of("Utterance", "Speaker", "Emotion", "Scene_ID", "Utterance_ID",
      "Season", "Episode", "Start_Time", "End_Time");

  private EmoryNlp() {}

  public static String fileName(Split split) {
    return "emorynlp_" + split.name().toLowerCase(java.util.Locale.ROOT) + "_final.csv";
  }

  public static LoadResult<EmoryNlpUtterance> load(Path dir, Split split) throws IOException {
    return load(dir, split, BadRowPolicy.FAIL);
  }

  public static LoadResult<EmoryNlpUtterance> load(Path dir, Split split, BadRowPolicy policy) throws IOException {
    Map<String, Long> firstLine = new HashMap<>();
    return Tables.readHeaded(dir.resolve(fileName(split)), ',', COLUMNS, policy, (h, r) -> {
      EmoryNlpUtterance u = new EmoryNlpUtterance(
          h.get(r, "Utterance"),
          speakers(r, h.get(r, "Speaker")),
          Meld.label(r, EMOTIONS, "Emotion", h.get(r, "Emotion")),
          Fields.integer(r, "Season", h.get(r, "Season")),
          Fields.integer(r, "Episode", h.get(r, "Episode")),
          Fields.integer(r, "Scene_ID", h.get(r, "Scene_ID")),
          Fields.integer(r, "Utterance_ID", h.get(r, "Utterance_ID")),
          h.get(r, "Start_Time"),
          h.get(r, "End_Time"));
      String key = u.sceneKey() + "#" + u.utteranceId();
      Long seen = firstLine.putIfAbsent(key, r.line());
      if (seen != null) {
        throw r.error("duplicate utterance " + key + ", first at line " + seen);
      }
      return u;
    });
  }

  /** Scenes in file order, utterances ordered by Utterance_ID. */
  public static List<Dialogue<EmoryNlpUtterance>> dialogues(List<EmoryNlpUtterance> rows) {
    return Dialogue.group(rows, EmoryNlpUtterance::sceneKey, Comparator.comparingInt(EmoryNlpUtterance::utteranceId));
  }

  /**
   * Parses a Python list of string literals: {@code [} then one or more {@code '…'} or {@code "…"} items
   * separated by {@code ", "}, then {@code ]}. Backslash escapes the next character.
   */
  static List<String> speakers(CsvRecord r, String literal) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = literal.length();
    if (n < 2 || literal.charAt(0) != '[' || literal.charAt(n - 1) != ']') {
      throw r.error("bad Speaker list literal " + quoteForMessage(literal) + ": expected ['name', ...]");
    }
    i = 1;
    while (true) {
      if (i >= n - 1 || (literal.charAt(i) != '\'' && literal.charAt(i) != '"')) {
        throw r.error("bad Speaker list literal " + quoteForMessage(literal) + ": expected a quoted name at "
            + (i + 1));
      }
      char q = literal.charAt(i++);
      StringBuilder name = new StringBuilder();
      while (i < n - 1 && literal.charAt(i) != q) {
        char c = literal.charAt(i++);
        if (c == '\\' && i < n - 1) {
          c = literal.charAt(i++);
        }
        name.append(c);
      }
      if (i >= n - 1) {
        throw r.error("bad Speaker list literal " + quoteForMessage(literal) + ": unterminated name");
      }
      i++; // closing quote
      out.add(name.toString());
      if (i == n - 1) {
        return out;
      }
      if (!literal.startsWith(", ", i)) {
        throw r.error("bad Speaker list literal " + quoteForMessage(literal) + ": expected ', ' or ']' at "
            + (i + 1));
      }
      i += 2;
    }
  }

  private static String quoteForMessage(String s) {
    return "'" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "'";
  }
}
