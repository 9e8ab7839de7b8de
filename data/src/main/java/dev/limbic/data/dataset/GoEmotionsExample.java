package dev.limbic.data.dataset;

import java.util.List;

/**
 * One GoEmotions Reddit comment: text (names masked as {@code [NAME]}), its label ids into
 * {@link GoEmotions#LABELS} (one or more, ascending, distinct; 27 = neutral) and the comment id.
 */
public record GoEmotionsExample(String text, List<Integer> labels, String id) {

  public GoEmotionsExample {
    labels = List.copyOf(labels);
  }

  /** The labels as a 0/1 vector of length {@code numLabels}, the target of a sigmoid/BCE head. */
  public float[] multiHot(int numLabels) {
    float[] v = new float[numLabels]; // (numLabels)
    for (int id : labels) {
      v[id] = 1f;
    }
    return v;
  }
}
