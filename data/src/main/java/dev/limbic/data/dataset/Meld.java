package dev.limbic.data.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MELD text CSVs (Poria et al. 2019): {@code {train,dev,test}_sent_emo.csv}, RFC 4180 with CRLF, header
 * {@code Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime}.
 * Emotion (7 classes) and sentiment (3) are separate targets. A dialogue is a {@code Dialogue_ID}; its
 * utterances are ordered by {@code Utterance_ID}, which may have gaps. A duplicate (Dialogue_ID, Utterance_ID)
 * pair is a bad row.
 */
public final class Meld {
  /** Emotion ids in the order of DATA.md §3 (by training frequency). */
  public static final LabelMap EMOTIONS =
      LabelMap.of("neutral", "joy", "surprise", "anger", "sadness", "disgust", "fear");
  /** Sentiment ids in the order of DATA.md §3. */
  public static final LabelMap SENTIMENTS = LabelMap.of("neutral", "negative", "positive");
  public static final List<String> COLUMNS = List.of("Sr No.", "Utterance", "Speaker", "Emotion", "Sentiment",
      "Dialogue_ID", "Utterance_ID", "Season", "Episode", "StartTime", "EndTime");

  private Meld() {}

  public static String fileName(Split split) {
    return split.name().toLowerCase(java.util.Locale.ROOT) + "_sent_emo.csv";
  }

  public static LoadResult<MeldUtterance> load(Path dir, Split split) throws IOException {
    return load(dir, split, BadRowPolicy.FAIL);
  }

  /** The utterances of one split in file order. */
  public static LoadResult<MeldUtterance> load(Path dir, Split split, BadRowPolicy policy) throws IOException {
    Map<Long, Long> firstLine = new HashMap<>();
    return Tables.readHeaded(dir.resolve(fileName(split)), ',', COLUMNS, policy, (h, r) -> {
      int dialogue = Fields.integer(r, "Dialogue_ID", h.get(r, "Dialogue_ID"));
      int utterance = Fields.integer(r, "Utterance_ID", h.get(r, "Utterance_ID"));
      MeldUtterance u = new MeldUtterance(
          Fields.integer(r, "Sr No.", h.get(r, "Sr No.")),
          h.get(r, "Utterance"),
          h.get(r, "Speaker"),
          label(r, EMOTIONS, "Emotion", h.get(r, "Emotion")),
          label(r, SENTIMENTS, "Sentiment", h.get(r, "Sentiment")),
          dialogue,
          utterance,
          Fields.integer(r, "Season", h.get(r, "Season")),
          Fields.integer(r, "Episode", h.get(r, "Episode")),
          h.get(r, "StartTime"),
          h.get(r, "EndTime"));
      Long seen = firstLine.putIfAbsent(((long) dialogue << 32) | (utterance & 0xFFFFFFFFL), r.line());
      if (seen != null) {
        throw r.error("duplicate utterance (Dialogue_ID " + dialogue + ", Utterance_ID " + utterance
            + "), first at line " + seen);
      }
      return u;
    });
  }

  /** Dialogues in file order, utterances ordered by Utterance_ID. */
  public static List<Dialogue<MeldUtterance>> dialogues(List<MeldUtterance> rows) {
    return Dialogue.group(rows, u -> Integer.toString(u.dialogueId()),
        Comparator.comparingInt(MeldUtterance::utteranceId));
  }

  static int label(CsvRecord r, LabelMap labels, String column, String name) {
    var id = labels.find(name);
    if (id.isEmpty()) {
      throw r.error("unknown label in column " + column + ": '" + name + "' (expected one of " + labels + ")");
    }
    return id.getAsInt();
  }
}
