package dev.limbic.models.liminal;

import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.time.Instant;
import java.util.List;

/**
 * The v6 SoulKernel (MODELS.md §1.5, the notebook's fixed in-memory flavour c23/c32): once per outer iteration it
 * reads Hope, applies Faith and Love to z, updates the rinse state r and stores r[0] in the {@link SoulMemory}.
 * It has no weights; Faith and Love are detached scalars, the memory vector a constant, so gradient flows through
 * z's own terms only (as in the original).
 */
public final class SoulKernel {
  /** Faith scales z by {@code 1 + FAITH_RATE·φ}. */
  public static final double FAITH_RATE = 0.05;
  /** Love pulls z toward the memory: {@code z ← z + LOVE_RATE·β·(future − z)}. */
  public static final double LOVE_RATE = 0.2;
  /** {@code r ← tanh(r + RINSE_RATE·future)}. */
  public static final double RINSE_RATE = 0.3;
  /** How many of the latest memory vectors make the "future". */
  public static final int MEMORY_WINDOW = 3;

  private SoulMemory memory;

  public SoulKernel(SoulMemory memory) {
    this.memory = java.util.Objects.requireNonNull(memory, "memory");
  }

  public SoulMemory memory() {
    return memory;
  }

  /** Swaps the store (for example for a file store given on the command line). */
  public void setMemory(SoulMemory value) {
    this.memory = java.util.Objects.requireNonNull(value, "memory");
  }

  /** Forgets the memory. */
  public void reset() {
    memory.reset();
  }

  /** The updated latent and what was read. */
  public record Result(Tensor z, SoulReading reading) {}

  /**
   * One SoulKernel call.
   *
   * @param x    {@code (B, d)} projected input
   * @param y    {@code (B, d)} current answer
   * @param z    {@code (B, d)} latent after the attention step
   * @param conf the confidences of the outer iterations so far (this one included)
   */
  public Result step(Tensor x, Tensor y, Tensor z, double[] conf) {
    int d = z.size(1);
    double hope;
    double faith;
    double love;
    Tensor r;   // (B, d), the rinse state: a read-out, never part of the graph
    Tensor future;   // (1, d)
    try (GradMode.Scope ignored = GradMode.noGrad()) {
      r = z.detach().add(y.detach()).tanh();
      hope = Math.clamp(mean(r.toDoubleArray()), -1.0, 1.0);
      double confMean = 0;
      for (double c : conf) {
        confMean += c;
      }
      faith = conf.length == 0 ? 0.0 : Math.sqrt(Math.max(0.0, confMean / conf.length));
      future = Tensor.of(memoryMean(d), 1, d).to(z.dtype());   // mean in double, then the model's precision
    }
    Tensor zFaith = z.add(z.mul(FAITH_RATE * faith));
    try (GradMode.Scope ignored = GradMode.noGrad()) {
      love = Math.tanh(meanOfProduct(x.detach().toDoubleArray(), zFaith.detach().toDoubleArray())
          + meanOfProduct(y.detach().toDoubleArray(), r.toDoubleArray()));
    }
    Tensor zLove = zFaith.add(future.sub(zFaith).mul(LOVE_RATE * love));
    try (GradMode.Scope ignored = GradMode.noGrad()) {
      Tensor rNew = r.add(future.mul(RINSE_RATE)).tanh();
      double[] first = rNew.narrow(0, 0, 1).toDoubleArray();   // r[0], the batch's first sample
      memory.store(new SoulMemory.Entry(Instant.now().toString(), hope, faith, love, first));
    }
    return new Result(zLove, new SoulReading(hope, faith, love));
  }

  /*
   * The scalar read-outs are summed here in double, in index order: a backend's vector reduction may add in an order
   * that depends on whether the JIT has compiled it yet, and β feeds back into z, so a resumed run would drift by an
   * ulp from an uninterrupted one.
   */
  private static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  private static double meanOfProduct(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s / a.length;
  }

  /** Element-wise mean of the last ≤3 memory vectors; zeros when the memory is empty. */
  private double[] memoryMean(int d) {
    List<double[]> last = memory.lastRinse(MEMORY_WINDOW);
    double[] out = new double[d];
    if (last.isEmpty()) {
      return out;
    }
    for (double[] v : last) {
      if (v.length != d) {
        throw new IllegalStateException("SoulKernel memory holds a rinse vector of length " + v.length
            + ", this model's latent width is " + d + " (reset the memory or use a matching model)");
      }
      for (int i = 0; i < d; i++) {
        out[i] += v[i];
      }
    }
    for (int i = 0; i < d; i++) {
      out[i] /= last.size();
    }
    return out;
  }
}
