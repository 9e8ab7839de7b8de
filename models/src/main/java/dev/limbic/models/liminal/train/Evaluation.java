package dev.limbic.models.liminal.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's results on one split.
 *
 * @param loss        MSE in the scaled training units
 * @param vad         regression metrics in 1–5 units
 * @param predictions {@code (N, 3)} row-major predictions in scaled units
 */
public record Evaluation(String split, int size, double loss, VadMetrics vad, EmotionalMetrics seed,
    EmotionalMetrics pkg, EmotionalMetrics notebook, double meanConfidence, double[] confidencePerIteration,
    double[] predictions) {

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("split", split);
    m.put("n", size);
    m.put("mse_scaled", loss);
    m.put("metrics", vad.toJson());
    Map<String, Object> emo = new LinkedHashMap<>();
    emo.put("seed", seed.toJson());
    emo.put("package", pkg.toJson());
    emo.put("notebook", notebook.toJson());
    m.put("hope_faith_love", emo);
    m.put("mean_confidence", meanConfidence);
    m.put("confidence_per_iteration", confidencePerIteration);
    return m;
  }
}
