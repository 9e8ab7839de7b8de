package dev.limbic.app.viz;

/**
 * Predicted and target valence/arousal/dominance of one evaluation split, in the 1–5 units of the EmoBank scale
 * (undo the (v − 3)/2 training scaling before passing them): the input of the scatter plot of
 * {@link LiminalPictures#write}.
 *
 * <p>Both arrays are {@code (n, 3)} with columns V, A, D, row i of {@code predicted} belonging to row i of
 * {@code target}. {@code n = 0} is allowed and means "nothing was evaluated": no scatter plot is written. The arrays
 * are copied, so the caller may reuse its buffers.
 *
 * @param split name of the split shown in the title (e.g. "test")
 * @param predicted model outputs, {@code (n, 3)}
 * @param target gold values, {@code (n, 3)}
 */
public record Predictions(String split, float[][] predicted, float[][] target) {

  /** Column names, in column order. */
  public static final String[] DIMENSIONS = {"Valence", "Arousal", "Dominance"};

  public Predictions {
    if (split == null || split.isBlank()) {
      throw new IllegalArgumentException("Predictions: split name is missing");
    }
    if (predicted == null || target == null) {
      throw new IllegalArgumentException("Predictions '" + split + "': "
          + (predicted == null ? "predicted" : "target") + " is null (pass float[0][3] for no predictions)");
    }
    if (predicted.length != target.length) {
      throw new IllegalArgumentException("Predictions '" + split + "': " + predicted.length + " predicted rows but "
          + target.length + " target rows");
    }
    predicted = copyChecked(split, "predicted", predicted);
    target = copyChecked(split, "target", target);
  }

  private static float[][] copyChecked(String split, String name, float[][] rows) {
    float[][] copy = new float[rows.length][]; // (n, 3)
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != 3) {
        throw new IllegalArgumentException("Predictions '" + split + "': " + name + "[" + i + "] must hold V, A, D"
            + " (3 values), got " + (rows[i] == null ? "null" : rows[i].length + " values"));
      }
      for (int d = 0; d < 3; d++) {
        if (!Float.isFinite(rows[i][d])) {
          throw new IllegalArgumentException("Predictions '" + split + "': " + name + "[" + i + "][" + d + "] ("
              + DIMENSIONS[d] + ") is " + rows[i][d]);
        }
      }
      copy[i] = rows[i].clone();
    }
    return copy;
  }

  /** Number of rows. */
  public int size() {
    return predicted.length;
  }

  /** Column {@code dim} (0 = V, 1 = A, 2 = D) of the predictions. */
  public float[] predictedColumn(int dim) {
    return column(predicted, dim);
  }

  /** Column {@code dim} (0 = V, 1 = A, 2 = D) of the targets. */
  public float[] targetColumn(int dim) {
    return column(target, dim);
  }

  private static float[] column(float[][] rows, int dim) {
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i][dim];
    }
    return out;
  }
}
