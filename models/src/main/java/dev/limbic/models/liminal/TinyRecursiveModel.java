package dev.limbic.models.liminal;

import dev.limbic.nn.Activation;
import dev.limbic.nn.Init;
import dev.limbic.nn.LayerNorm;
import dev.limbic.nn.Linear;
import dev.limbic.nn.Module;
import dev.limbic.nn.Parameter;
import dev.limbic.nn.Sequential;
import dev.limbic.nn.SingleHeadAttention;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * LIMINAL's TinyRecursiveModel, every version of MODELS.md §1.1–1.5 as one class: the version in the
 * {@link LiminalConfig} decides which parts exist (attention v2+, PAD head v3/v4/v6, RINSE head v4, SoulKernel v6).
 *
 * <p>Per forward: {@code x = proj(e)}, {@code y = z = 0}; for each of K outer iterations, n_in latent refinements
 * {@code z ← LNz(z + 0.3·f_z(LN3([x; y; z])))}, the gated affect injection (when affect is given), the attention
 * step over the history of z (v2+), the SoulKernel (v6), and the answer update {@code y ← y + 0.4·f_y(LN2([y; z]))}.
 *
 * <p>Parameter names (a contract with the PyTorch reference under tools/liminal): {@code proj}, {@code ln3},
 * {@code fz.0}, {@code fz.2}, {@code ln2}, {@code fy.0}, {@code fy.2}, {@code lnz}, {@code affect_proj},
 * {@code affect_gate}, {@code attn.{q,k,v,o}}, {@code pad_head.{0,2}}, {@code rinse_head.{0,2}}.
 */
public final class TinyRecursiveModel extends Module {
  /** Residual scale of the latent refinement. */
  public static final double LATENT_STEP = 0.3;
  /** Residual scale of the answer update. */
  public static final double ANSWER_STEP = 0.4;
  public static final double LN_EPS = 1e-5;

  private final LiminalConfig config;
  private final Linear proj;
  private final LayerNorm ln3;
  private final Sequential fz;
  private final LayerNorm ln2;
  private final Sequential fy;
  private final LayerNorm lnz;
  private final Linear affectProj;
  private final Linear affectGate;
  private final SingleHeadAttention attn;
  private final Sequential padHead;
  private final Sequential rinseHead;
  private final SoulKernel soul;

  /** A model with PyTorch-default initialisation drawn from {@code seed}; v6 gets an in-memory SoulKernel memory. */
  public TinyRecursiveModel(LiminalConfig config, long seed) {
    this(config, Init.rng(seed), new InMemorySoulMemory());
  }

  public TinyRecursiveModel(LiminalConfig config, RandomGenerator rng, SoulMemory memory) {
    this.config = config;
    int d = config.d();
    this.proj = registerModule("proj", new Linear(config.inputDim(), d, rng));
    this.ln3 = registerModule("ln3", new LayerNorm(3 * d, LN_EPS));
    this.fz = registerModule("fz", new Sequential()
        .add(new Linear(3 * d, 2 * d, rng)).add(Activation.gelu()).add(new Linear(2 * d, d, rng)));
    this.ln2 = registerModule("ln2", new LayerNorm(2 * d, LN_EPS));
    this.fy = registerModule("fy", new Sequential()
        .add(new Linear(2 * d, 2 * d, rng)).add(Activation.gelu()).add(new Linear(2 * d, d, rng)));
    this.lnz = registerModule("lnz", new LayerNorm(d, LN_EPS));
    this.affectProj = registerModule("affect_proj", new Linear(3, d, rng));
    this.affectGate = registerModule("affect_gate", new Linear(2 * d, 1, rng));
    LiminalVersion v = config.version();
    this.attn = v.hasAttention() ? registerModule("attn", new SingleHeadAttention(d, d, rng)) : null;
    this.padHead = v.hasPadHead() ? registerModule("pad_head", new Sequential()
        .add(new Linear(d, d / 2, rng)).add(Activation.gelu()).add(new Linear(d / 2, 3, rng))) : null;
    this.rinseHead = v.hasRinseHead() ? registerModule("rinse_head", new Sequential()
        .add(new Linear(d + 4, d / 2, rng)).add(Activation.gelu()).add(new Linear(d / 2, d / 4, rng))) : null;
    this.soul = v.hasSoulKernel() ? new SoulKernel(memory) : null;
  }

  public LiminalConfig config() {
    return config;
  }

  public LiminalVersion version() {
    return config.version();
  }

  /** The v6 SoulKernel, or null for other versions. */
  public SoulKernel soulKernel() {
    return soul;
  }

  /** Learnable scalars without the input projection: MODELS.md §1.0's counts (v1 232,449 … v4 317,540). */
  public long coreParameterCount() {
    long n = 0;
    for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
      if (!e.getKey().startsWith("proj.")) {
        n += e.getValue().numel();
      }
    }
    return n;
  }

  /** Forward without affect input (the project default: no label leakage). */
  public LiminalOutput forward(Tensor embeddings) {
    return forward(embeddings, null);
  }

  /**
   * @param embeddings {@code (B, inputDim)} sentence embeddings
   * @param affect     {@code (B, 3)} affect (PAD/VAD) input, or null for none (confidences are then 0)
   */
  public LiminalOutput forward(Tensor embeddings, Tensor affect) {
    if (embeddings.dim() != 2 || embeddings.size(1) != config.inputDim()) {
      throw new IllegalArgumentException("TinyRecursiveModel(" + config.version().label() + "): embeddings must be "
          + "(B, " + config.inputDim() + "), got " + Arrays.toString(embeddings.shape()));
    }
    int b = embeddings.size(0);
    if (affect != null && (affect.dim() != 2 || affect.size(0) != b || affect.size(1) != 3)) {
      throw new IllegalArgumentException("TinyRecursiveModel: affect must be (" + b + ", 3), got "
          + Arrays.toString(affect.shape()));
    }
    int d = config.d();
    int k = config.outerIterations();
    Tensor x = proj.forward(embeddings);   // (B, d)
    Tensor y = Tensor.zeros(x.dtype(), b, d);   // (B, d)
    Tensor z = Tensor.zeros(x.dtype(), b, d);   // (B, d)
    double[] conf = new double[k];
    List<Tensor> history = new ArrayList<>();   // k × (B, d)
    List<SoulReading> readings = new ArrayList<>();
    Tensor lastAttention = null;   // (B, k, k)
    for (int iter = 0; iter < k; iter++) {
      for (int i = 0; i < config.innerIterations(); i++) {
        Tensor h = ln3.forward(Tensor.cat(List.of(x, y, z), 1));   // (B, 3d)
        z = lnz.forward(z.add(fz.forward(h).mul(LATENT_STEP)));
      }
      if (affect != null) {
        Tensor u = affectProj.forward(affect).tanh();   // (B, d)
        Tensor gate = affectGate.forward(Tensor.cat(List.of(z, u), 1)).sigmoid();   // (B, 1)
        z = z.add(gate.mul(u).mul(config.affectWeight()));
        conf[iter] = Arrays.stream(gate.detach().toDoubleArray()).sum() / b;   // in index order: reproducible
      }
      if (attn != null) {
        history.add(z);
        if (history.size() >= 2) {
          Tensor hist = Tensor.stack(history, 1);   // (B, k, d)
          SingleHeadAttention.Output o = attn.forward(hist, null, false, true);
          Tensor last = o.output().narrow(1, history.size() - 1, 1).reshape(b, d);   // (B, d)
          z = lnz.forward(z.add(last));
          lastAttention = o.probs();
        }
      }
      if (soul != null) {
        SoulKernel.Result r = soul.step(x, y, z, Arrays.copyOf(conf, iter + 1));
        z = r.z();
        readings.add(r.reading());
      }
      Tensor hy = ln2.forward(Tensor.cat(List.of(y, z), 1));   // (B, 2d)
      y = y.add(fy.forward(hy).mul(ANSWER_STEP));
    }
    Tensor pad = padHead != null ? padHead.forward(z).tanh() : readout(y);   // (B, 3)
    Tensor rinse = null;
    if (rinseHead != null) {
      double meanConf = Arrays.stream(conf).average().orElse(0);
      Tensor in = Tensor.cat(List.of(z.mean(0, false), pad.mean(0, false),
          Tensor.full(meanConf, z.dtype(), 1)), 0).reshape(1, d + 4);   // (1, d + 4)
      rinse = rinseHead.forward(in).tanh().reshape(d / 4);   // (d/4)
    }
    Tensor attention = null;
    if (attn != null) {
      attention = lastAttention != null ? lastAttention : Tensor.ones(x.dtype(), b, 1, 1);
    }
    return new LiminalOutput(y, conf, pad, rinse, attention, readings);
  }

  /**
   * v1/v2 read-out from the first three answer components, in scaled units: tanh by default (the v3 head's
   * convention); under {@code originalReadout} the notebook's (tanh, σ, σ), whose σ ∈ (0, 1) stands for (v − 1)/4
   * and maps to the scaled unit as 2σ − 1.
   */
  private Tensor readout(Tensor y) {
    Tensor first = y.narrow(1, 0, 3);   // (B, 3)
    if (!config.originalReadout()) {
      return first.tanh();
    }
    Tensor p = first.narrow(1, 0, 1).tanh();
    Tensor ad = first.narrow(1, 1, 2).sigmoid().mul(2.0).sub(1.0);
    return Tensor.cat(List.of(p, ad), 1);
  }
}
