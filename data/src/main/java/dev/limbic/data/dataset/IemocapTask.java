package dev.limbic.data.dataset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The IEMOCAP label sets of MODELS.md §3.1 (SenticCrystal's {@code preprocess_iemocap.py}).
 *
 * <ul>
 *   <li>{@link #FOUR_WAY}: angry 0 (ang), happy 1 (hap <b>and exc</b>), sad 2, neutral 3; fru excluded.
 *   <li>{@link #SIX_WAY}: angry 0, happy 1, sad 2, neutral 3, excited 4, frustrated 5.
 * </ul>
 * Every other code ({@code xxx fea sur dis oth}) and unannotated turns get {@link #UNLABELED}; they stay in the
 * dialogues as context and are left out of training targets.
 */
public enum IemocapTask {
  FOUR_WAY(LabelMap.of("angry", "happy", "sad", "neutral"),
      Map.of("ang", 0, "hap", 1, "exc", 1, "sad", 2, "neu", 3)),
  SIX_WAY(LabelMap.of("angry", "happy", "sad", "neutral", "excited", "frustrated"),
      Map.of("ang", 0, "hap", 1, "sad", 2, "neu", 3, "exc", 4, "fru", 5));

  /** The label of a turn that is not part of the task (SenticCrystal's {@code label_num = -1}). */
  public static final int UNLABELED = -1;

  private final LabelMap labels;
  private final Map<String, Integer> codeToLabel;

  IemocapTask(LabelMap labels, Map<String, Integer> codeToLabel) {
    this.labels = labels;
    this.codeToLabel = codeToLabel;
  }

  public LabelMap labels() {
    return labels;
  }

  /** Label id of a raw consensus code, or {@link #UNLABELED}. */
  public int label(String code) {
    return codeToLabel.getOrDefault(code, UNLABELED);
  }

  public int label(IemocapUtterance u) {
    return label(u.code());
  }

  /** The turns that carry a label of this task, in the given order. */
  public List<IemocapUtterance> labeled(Collection<IemocapUtterance> rows) {
    List<IemocapUtterance> out = new ArrayList<>();
    for (IemocapUtterance u : rows) {
      if (label(u) != UNLABELED) {
        out.add(u);
      }
    }
    return out;
  }

  /** Labeled turns per class id. */
  public int[] counts(Collection<IemocapUtterance> rows) {
    return labels.count(labeled(rows), this::label);
  }
}
