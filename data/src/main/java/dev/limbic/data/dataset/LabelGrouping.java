package dev.limbic.data.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** A many-to-one map from fine labels to coarse groups (GoEmotions → Ekman, GoEmotions → sentiment). */
public final class LabelGrouping {
  private final LabelMap fine;
  private final LabelMap groups;
  private final int[] fineToGroup; // (fine.size()) group id of each fine label

  LabelGrouping(LabelMap fine, LabelMap groups, int[] fineToGroup) {
    if (fineToGroup.length != fine.size()) {
      throw new IllegalArgumentException("need a group for each of " + fine.size() + " labels");
    }
    this.fine = fine;
    this.groups = groups;
    this.fineToGroup = fineToGroup.clone();
  }

  public LabelMap fine() {
    return fine;
  }

  public LabelMap groups() {
    return groups;
  }

  /** Group id of a fine label id. */
  public int group(int fineId) {
    return fineToGroup[fineId];
  }

  /** The distinct group ids of a set of fine label ids, ascending. */
  public List<Integer> map(List<Integer> fineIds) {
    TreeSet<Integer> out = new TreeSet<>();
    for (int id : fineIds) {
      out.add(fineToGroup[id]);
    }
    return List.copyOf(new ArrayList<>(out));
  }
}
