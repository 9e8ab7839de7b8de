package dev.limbic.app.viz;

import java.util.List;

/**
 * What a LIMINAL training run measured, one {@link Epoch} per finished epoch, in the order they ran: the input of
 * {@link LiminalPictures#write}.
 *
 * <p>{@code epoch} is the run's global epoch number and keeps counting through phase 2 (phase 1 epochs 1..20, then
 * phase 2 epochs 21..30), so it must strictly increase; {@code phase} is 1 (training) or 2 (fine-tuning) and may only
 * step up from 1 to 2. Losses are the epoch's mean MSE (any unit, as long as train and validation share it); Hope,
 * Faith and Love are the epoch's emotional metrics (MODELS.md §1.8, seed formulas); {@code lr} the learning rate the
 * epoch ran with. Every number must be finite: a diverged run (NaN loss) is reported, not drawn.
 *
 * @param epochs the epochs in the order they ran (at least one)
 */
public record RunHistory(List<Epoch> epochs) {

  /**
   * One finished epoch.
   *
   * @param epoch global epoch number (strictly increasing over the run)
   * @param phase 1 (training) or 2 (fine-tuning)
   * @param trainLoss mean training loss of the epoch
   * @param valLoss validation loss after the epoch
   * @param hope Hope of the epoch
   * @param faith Faith of the epoch
   * @param love Love of the epoch
   * @param lr learning rate the epoch ran with (at least 0)
   */
  public record Epoch(int epoch, int phase, double trainLoss, double valLoss, double hope, double faith,
      double love, double lr) {
    public Epoch {
      if (phase != 1 && phase != 2) {
        throw new IllegalArgumentException("epoch " + epoch + ": phase must be 1 or 2, got " + phase);
      }
      requireFinite(epoch, "trainLoss", trainLoss);
      requireFinite(epoch, "valLoss", valLoss);
      requireFinite(epoch, "hope", hope);
      requireFinite(epoch, "faith", faith);
      requireFinite(epoch, "love", love);
      requireFinite(epoch, "lr", lr);
      if (lr < 0) {
        throw new IllegalArgumentException("epoch " + epoch + ": lr must be >= 0, got " + lr);
      }
    }

    private static void requireFinite(int epoch, String field, double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("epoch " + epoch + ": " + field + " is " + value
            + " (pictures need finite numbers; a diverged run has nothing to draw)");
      }
    }
  }

  public RunHistory {
    if (epochs == null || epochs.isEmpty()) {
      throw new IllegalArgumentException("RunHistory has no epochs: there is nothing to draw");
    }
    epochs = List.copyOf(epochs);
    for (int i = 1; i < epochs.size(); i++) {
      Epoch previous = epochs.get(i - 1);
      Epoch current = epochs.get(i);
      if (current.epoch() <= previous.epoch()) {
        throw new IllegalArgumentException("RunHistory epoch numbers must strictly increase (count on through phase 2):"
            + " entry " + i + " has epoch " + current.epoch() + " after epoch " + previous.epoch());
      }
      if (current.phase() < previous.phase()) {
        throw new IllegalArgumentException("RunHistory: epoch " + current.epoch() + " is phase " + current.phase()
            + " after a phase-" + previous.phase() + " epoch (phase 2 must come after phase 1)");
      }
    }
  }

  /** Number of epochs. */
  public int size() {
    return epochs.size();
  }

  /** The epoch numbers, in order. */
  public double[] epochNumbers() {
    return epochs.stream().mapToDouble(Epoch::epoch).toArray();
  }

  /** Training losses, in epoch order. */
  public double[] trainLosses() {
    return epochs.stream().mapToDouble(Epoch::trainLoss).toArray();
  }

  /** Validation losses, in epoch order. */
  public double[] valLosses() {
    return epochs.stream().mapToDouble(Epoch::valLoss).toArray();
  }

  /** Hope per epoch. */
  public double[] hopes() {
    return epochs.stream().mapToDouble(Epoch::hope).toArray();
  }

  /** Faith per epoch. */
  public double[] faiths() {
    return epochs.stream().mapToDouble(Epoch::faith).toArray();
  }

  /** Love per epoch. */
  public double[] loves() {
    return epochs.stream().mapToDouble(Epoch::love).toArray();
  }

  /**
   * Index of the first phase-2 epoch that follows a phase-1 epoch, or -1 when the run has no such boundary (only
   * phase 1, or only phase 2).
   */
  public int phaseBoundaryIndex() {
    for (int i = 1; i < epochs.size(); i++) {
      if (epochs.get(i - 1).phase() == 1 && epochs.get(i).phase() == 2) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The x position of the phase boundary, halfway between the last phase-1 and the first phase-2 epoch number; NaN
   * when there is no boundary (see {@link #phaseBoundaryIndex()}).
   */
  public double phaseBoundaryEpoch() {
    int i = phaseBoundaryIndex();
    return i < 0 ? Double.NaN : (epochs.get(i - 1).epoch() + epochs.get(i).epoch()) / 2.0;
  }
}
