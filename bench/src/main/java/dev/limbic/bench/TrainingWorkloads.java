package dev.limbic.bench;

import dev.limbic.nn.Activation;
import dev.limbic.nn.Init;
import dev.limbic.nn.LayerNorm;
import dev.limbic.nn.Linear;
import dev.limbic.nn.Module;
import dev.limbic.nn.Sequential;
import dev.limbic.nn.loss.CrossEntropyLoss;
import dev.limbic.nn.loss.MSELoss;
import dev.limbic.nn.optim.AdamConfig;
import dev.limbic.nn.optim.AdamW;
import dev.limbic.nn.optim.ClipGrad;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.ScaledDotProductAttention;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training loops of ../shared/peers/RESULTS-reference.md §4 ({@code torch_training.py}), built from Limbic's
 * nn module exactly as the torch script builds them, so steps/s and samples/s compare like for like. Data are
 * synthetic and seeded (the figures measure speed, not learning).
 */
public final class TrainingWorkloads {
    private TrainingWorkloads() {
    }

    // ------------------------------------------------------------------ (a) MLP head

    /** (a) Linear(384,256) → ReLU → Linear(256,4), cross-entropy, AdamW(1e-3, wd 0.01), 10,000 samples, batch 32. */
    public static final class Mlp {
        public static final int SAMPLES = 10_000;
        public static final int BATCH = 32;
        final Sequential model;
        final AdamW opt;
        final CrossEntropyLoss loss = new CrossEntropyLoss();
        final Tensor x;      // (10000, 384)
        final Tensor y;      // (10000) I64
        final SplittableRandom shuffle = new SplittableRandom(11);

        public Mlp() {
            var rng = Init.rng(1);
            model = new Sequential().add(new Linear(384, 256, rng)).add(Activation.relu()).add(new Linear(256, 4, rng));
            opt = new AdamW(model.namedParameters(), AdamConfig.of(1e-3, 0.01));
            x = Tensor.randn(2, DType.F32, SAMPLES, 384);
            long[] labels = new long[SAMPLES];
            SplittableRandom r = new SplittableRandom(3);
            for (int i = 0; i < SAMPLES; i++) {
                labels[i] = r.nextInt(4);
            }
            y = Tensor.ofLongs(labels, SAMPLES);
        }

        /** One epoch in a fresh random order (manual randperm indexing); returns the last batch's loss. */
        public double epoch() {
            long[] perm = permutation(SAMPLES, shuffle);
            double last = Double.NaN;
            for (int i = 0; i < SAMPLES; i += BATCH) {
                int n = Math.min(BATCH, SAMPLES - i);
                long[] idx = new long[n];
                System.arraycopy(perm, i, idx, 0, n);
                Tensor index = Tensor.ofLongs(idx, n);
                opt.zeroGrad();
                Tensor l = loss.forward(model.forward(x.indexSelect(0, index)), y.indexSelect(0, index));
                l.backward();
                opt.step();
                if (i + BATCH >= SAMPLES) {
                    last = l.item();
                }
            }
            return last;
        }
    }

    // ------------------------------------------------------------------ (b) tiny recursive model

    /** (b)'s model: one shared block applied 3 times, masked mean pool, PAD and confidence heads. */
    static final class TinyRecursive extends Module {
        final int d = 128;
        final Linear inp;
        final Linear qkv;
        final Linear out;
        final LayerNorm ln1;
        final Sequential mlp;
        final LayerNorm ln2;
        final Linear padHead;
        final Linear confHead;

        TinyRecursive(long seed) {
            var rng = Init.rng(seed);
            inp = registerModule("inp", new Linear(384, d, rng));
            qkv = registerModule("qkv", new Linear(d, 3 * d, rng));
            out = registerModule("out", new Linear(d, d, rng));
            ln1 = registerModule("ln1", new LayerNorm(d, 1e-5));
            mlp = registerModule("mlp", new Sequential().add(new Linear(d, 256, rng)).add(Activation.gelu())
                    .add(new Linear(256, d, rng)));
            ln2 = registerModule("ln2", new LayerNorm(d, 1e-5));
            padHead = registerModule("pad_head", new Linear(d, 3, rng));
            confHead = registerModule("conf_head", new Linear(d, 1, rng));
        }

        /** {@code x (B, L, 384)}, {@code keyMask (B, 1, 1, L)} additive (−∞ at padding), {@code keep (B, L, 1)}. */
        Tensor[] forward(Tensor x, Tensor keyMask, Tensor keep) {
            Tensor h = inp.forward(x);                                        // (B, L, d)
            double scale = 1 / Math.sqrt(d);
            for (int it = 0; it < 3; it++) {
                Tensor packed = qkv.forward(h);                               // (B, L, 3d)
                Tensor ctx = ScaledDotProductAttention.attendPacked(packed, 1, scale, keyMask, 0, null, false)
                        .output();                                            // (B, L, d)
                h = ln1.forward(h.add(out.forward(ctx)));
                h = ln2.forward(h.add(mlp.forward(h)));
            }
            Tensor pooled = h.mul(keep).sum(1, false).div(keep.sum(1, false));   // (B, d)
            return new Tensor[] {padHead.forward(pooled), confHead.forward(pooled).sigmoid().squeeze(-1)};
        }
    }

    /** (b) AdamW(1e-3, wd 0.01) + clip_grad_norm(1.0), batch 16 of 1..8 tokens, 40 pre-built batches cycled. */
    public static final class Recursive {
        public static final int STEPS = 40;
        final TinyRecursive model = new TinyRecursive(2);
        final AdamW opt = new AdamW(model.namedParameters(), AdamConfig.of(1e-3, 0.01));
        final MSELoss mse = new MSELoss();
        final List<Tensor[]> batches = new ArrayList<>();   // x, keyMask, keep, yPad, yConf

        public Recursive() {
            SplittableRandom r = new SplittableRandom(3);
            for (int b = 0; b < 40; b++) {
                int[] lens = new int[16];
                int maxLen = 0;
                for (int i = 0; i < 16; i++) {
                    lens[i] = 1 + r.nextInt(8);
                    maxLen = Math.max(maxLen, lens[i]);
                }
                float[] mask = new float[16 * maxLen];
                float[] keep = new float[16 * maxLen];
                for (int i = 0; i < 16; i++) {
                    for (int t = 0; t < maxLen; t++) {
                        boolean real = t < lens[i];
                        mask[i * maxLen + t] = real ? 0f : Float.NEGATIVE_INFINITY;
                        keep[i * maxLen + t] = real ? 1f : 0f;
                    }
                }
                batches.add(new Tensor[] {
                    Tensor.randn(r.nextLong(), DType.F32, 16, maxLen, 384),
                    Tensor.of(mask, 16, 1, 1, maxLen),
                    Tensor.of(keep, 16, maxLen, 1),
                    Tensor.rand(r.nextLong(), DType.F32, 16, 3).mul(2).sub(1),
                    Tensor.rand(r.nextLong(), DType.F32, 16)});
            }
        }

        public double steps(int n) {
            double last = Double.NaN;
            for (int i = 0; i < n; i++) {
                Tensor[] b = batches.get(i % batches.size());
                opt.zeroGrad();
                Tensor[] outs = model.forward(b[0], b[1], b[2]);
                Tensor l = mse.forward(outs[0], b[3]).add(mse.forward(outs[1], b[4]));
                l.backward();
                ClipGrad.clipGradNorm(model.parameters(), 1.0);
                opt.step();
                last = l.item();
            }
            return last;
        }
    }

    static long[] permutation(int n, SplittableRandom rng) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
