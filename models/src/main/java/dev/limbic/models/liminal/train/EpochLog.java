package dev.limbic.models.liminal.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row of the per-epoch CSV log. Hope/Faith/Love are the seed formulas on the validation (dev) split.
 *
 * @param epoch   1-based, counted over both phases
 * @param seconds wall time of the epoch (training and validation)
 */
public record EpochLog(int epoch, int phase, double lr, double trainLoss, double valLoss, double valRV,
    double valRA, double valRD, double hope, double faith, double love, double meanConfidence, double seconds) {

  public static final List<String> COLUMNS = List.of("epoch", "phase", "lr", "train_loss", "val_loss", "val_r_v",
      "val_r_a", "val_r_d", "hope", "faith", "love", "mean_confidence", "seconds");

  public String csvRow() {
    return String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.3f", epoch, phase, lr, trainLoss,
        valLoss, valRV, valRA, valRD, hope, faith, love, meanConfidence, seconds);
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("phase", phase);
    m.put("lr", lr);
    m.put("train_loss", trainLoss);
    m.put("val_loss", valLoss);
    m.put("val_r_v", valRV);
    m.put("val_r_a", valRA);
    m.put("val_r_d", valRD);
    m.put("hope", hope);
    m.put("faith", faith);
    m.put("love", love);
    m.put("mean_confidence", meanConfidence);
    m.put("seconds", seconds);
    return m;
  }

  public static EpochLog fromJson(Map<String, Object> m) {
    return new EpochLog(((Number) m.get("epoch")).intValue(), ((Number) m.get("phase")).intValue(), num(m, "lr"),
        num(m, "train_loss"), num(m, "val_loss"), num(m, "val_r_v"), num(m, "val_r_a"), num(m, "val_r_d"),
        num(m, "hope"), num(m, "faith"), num(m, "love"), num(m, "mean_confidence"), num(m, "seconds"));
  }

  private static double num(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("epoch log field '" + k + "' is missing or not a number");
    }
    return n.doubleValue();
  }
}
