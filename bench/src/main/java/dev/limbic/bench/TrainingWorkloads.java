package dev.limbic.bench;

import dev.limbic.nn.Activation;
import dev.limbic.nn.Init;
import dev.limbic.nn.LSTM;
import dev.limbic.nn.Parameter;
import dev.limbic.nn.LayerNorm;
import dev.limbic.nn.Linear;
import dev.limbic.nn.Module;
import dev.limbic.nn.Sequential;
import dev.limbic.nn.spiking.LeakyLIF;
import dev.limbic.nn.loss.CrossEntropyLoss;
import dev.limbic.nn.loss.FocalLoss;
import dev.limbic.nn.loss.MSELoss;
import dev.limbic.nn.optim.AdamConfig;
import dev.limbic.nn.optim.AdamW;
import dev.limbic.nn.optim.ClipGrad;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.ScaledDotProductAttention;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    // ------------------------------------------------------------------ (c) LSTM classifier + focal loss

    /** (c) LSTM(384,128) over 10 steps, last hidden → Linear(128,4), focal loss (α 1, γ 1.2), AdamW, batch 32. */
    public static final class LstmClassifier {
        public static final int STEPS = 40;
        final LSTM lstm;
        final Linear head;
        final AdamW opt;
        final FocalLoss focal = new FocalLoss(1.0, 1.2);
        final List<Tensor[]> batches = new ArrayList<>();   // x (32, 10, 384), y (32)

        public LstmClassifier() {
            var rng = Init.rng(4);
            lstm = new LSTM(384, 128, rng);
            head = new Linear(128, 4, rng);
            Map<String, Parameter> params = new LinkedHashMap<>();
            lstm.namedParameters().forEach((k, v) -> params.put("lstm." + k, v));
            head.namedParameters().forEach((k, v) -> params.put("head." + k, v));
            opt = new AdamW(params, AdamConfig.of(1e-3, 0.01));
            SplittableRandom r = new SplittableRandom(6);
            for (int b = 0; b < 20; b++) {
                long[] y = new long[32];
                for (int i = 0; i < 32; i++) {
                    y[i] = r.nextInt(4);
                }
                batches.add(new Tensor[] {Tensor.randn(r.nextLong(), DType.F32, 32, 10, 384), Tensor.ofLongs(y, 32)});
            }
        }

        public double steps(int n) {
            double last = Double.NaN;
            for (int i = 0; i < n; i++) {
                Tensor[] b = batches.get(i % batches.size());
                opt.zeroGrad();
                Tensor hN = lstm.forward(b[0]).hN();                  // (1, B, 128)
                Tensor l = focal.forward(head.forward(hN.select(0, 0)), b[1]);
                l.backward();
                opt.step();
                last = l.item();
            }
            return last;
        }
    }

    // ------------------------------------------------------------------ (d) LIF spiking network

    /** snntorch Leaky(β 0.9, θ 1, reset by subtraction from the previous step, detached) + fast_sigmoid(25). */
    static final LeakyLIF.Config LIF = LeakyLIF.Config.snntorch(0.9, 1.0, 25.0);
    static final int SNN_STEPS = 100;

    /** (d) PFC 256 → amygdala / hippocampus / thalamus 128 each (cross-connected) → striatum 64 → readout 4. */
    public abstract static sealed class Snn extends Module permits SnnPerPopulation, SnnFused {
        final LeakyLIF lif = new LeakyLIF(LIF);
        final CrossEntropyLoss ce = new CrossEntropyLoss();
        final Tensor x = Tensor.randn(21, DType.F32, 32, 384).mul(2.0);   // (32, 384), N(0, 4)
        final Tensor y;                                                      // (32) I64

        Snn() {
            long[] labels = new long[32];
            SplittableRandom r = new SplittableRandom(22);
            for (int i = 0; i < labels.length; i++) {
                labels[i] = r.nextInt(4);
            }
            y = Tensor.ofLongs(labels, 32);
        }

        abstract Tensor forward(Tensor input);

        Tensor[] lif(Tensor membrane, Tensor current) {
            LeakyLIF.Step s = lif.step(membrane, current);
            return new Tensor[] {s.membrane(), s.spikes()};
        }

        public Tensor inference() {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                return forward(x);
            }
        }

        public Tensor forwardWithGraph() {
            return forward(x);
        }

        public double forwardBackward() {
            zeroGrad();
            Tensor loss = ce.forward(forward(x), y);
            loss.backward();
            return loss.item();
        }
    }

    /** One Linear per projection, one LIF state per population (snntorch style). */
    public static final class SnnPerPopulation extends Snn {
        final Linear inp;
        final Linear pfcA;
        final Linear pfcH;
        final Linear pfcT;
        final Linear hA;
        final Linear tA;
        final Linear aH;
        final Linear tH;
        final Linear aT;
        final Linear hT;
        final Linear aS;
        final Linear hS;
        final Linear tS;
        final Linear readout;

        public SnnPerPopulation() {
            var rng = Init.rng(5);
            inp = registerModule("inp", new Linear(384, 256, rng));
            pfcA = registerModule("pfc_a", new Linear(256, 128, rng));
            pfcH = registerModule("pfc_h", new Linear(256, 128, rng));
            pfcT = registerModule("pfc_t", new Linear(256, 128, rng));
            hA = registerModule("h_a", new Linear(128, 128, false, rng));
            tA = registerModule("t_a", new Linear(128, 128, false, rng));
            aH = registerModule("a_h", new Linear(128, 128, false, rng));
            tH = registerModule("t_h", new Linear(128, 128, false, rng));
            aT = registerModule("a_t", new Linear(128, 128, false, rng));
            hT = registerModule("h_t", new Linear(128, 128, false, rng));
            aS = registerModule("a_s", new Linear(128, 64, rng));
            hS = registerModule("h_s", new Linear(128, 64, rng));
            tS = registerModule("t_s", new Linear(128, 64, rng));
            readout = registerModule("readout", new Linear(64, 4, rng));
        }

        @Override
        Tensor forward(Tensor input) {
            int b = input.size(0);
            Tensor iPfc = inp.forward(input);                   // (B, 256), constant drive
            Tensor mP = Tensor.zeros(b, 256);
            Tensor mA = Tensor.zeros(b, 128);
            Tensor mH = Tensor.zeros(b, 128);
            Tensor mT = Tensor.zeros(b, 128);
            Tensor sA = Tensor.zeros(b, 128);
            Tensor sH = Tensor.zeros(b, 128);
            Tensor sT = Tensor.zeros(b, 128);
            Tensor mS = Tensor.zeros(b, 64);
            Tensor count = Tensor.zeros(b, 64);
            for (int t = 0; t < SNN_STEPS; t++) {
                Tensor[] p = lif(mP, iPfc);
                mP = p[0];
                Tensor sP = p[1];
                Tensor iA = pfcA.forward(sP).add(hA.forward(sH)).add(tA.forward(sT));
                Tensor iH = pfcH.forward(sP).add(aH.forward(sA)).add(tH.forward(sT));
                Tensor iT = pfcT.forward(sP).add(aT.forward(sA)).add(hT.forward(sH));
                Tensor[] a = lif(mA, iA);
                Tensor[] h = lif(mH, iH);
                Tensor[] th = lif(mT, iT);
                mA = a[0];
                sA = a[1];
                mH = h[0];
                sH = h[1];
                mT = th[0];
                sT = th[1];
                Tensor[] s = lif(mS, aS.forward(sA).add(hS.forward(sH)).add(tS.forward(sT)));
                mS = s[0];
                count = count.add(s[1]);
            }
            return readout.forward(count.div(SNN_STEPS));
        }
    }

    /** The same network with the three middle populations as one 384-wide state and a block-masked recurrence. */
    public static final class SnnFused extends Snn {
        final Linear inp;
        final Linear pfcMid;
        final Linear rec;
        final Linear midS;
        final Linear readout;

        public SnnFused() {
            var rng = Init.rng(5);
            inp = registerModule("inp", new Linear(384, 256, rng));
            pfcMid = registerModule("pfc_mid", new Linear(256, 384, rng));
            rec = registerModule("rec", new Linear(384, 384, false, rng));
            float[] mask = new float[384 * 384];
            for (int i = 0; i < 384; i++) {
                for (int j = 0; j < 384; j++) {
                    mask[i * 384 + j] = i / 128 == j / 128 ? 0f : 1f;   // no within-population block
                }
            }
            registerBuffer("rec_mask", Tensor.of(mask, 384, 384), true);
            midS = registerModule("mid_s", new Linear(384, 64, rng));
            readout = registerModule("readout", new Linear(64, 4, rng));
        }

        @Override
        Tensor forward(Tensor input) {
            int b = input.size(0);
            Tensor iPfc = inp.forward(input);                        // (B, 256)
            Tensor wRec = rec.weight().get().mul(buffer("rec_mask"));  // (384, 384)
            Tensor mP = Tensor.zeros(b, 256);
            Tensor mM = Tensor.zeros(b, 384);
            Tensor sM = Tensor.zeros(b, 384);
            Tensor mS = Tensor.zeros(b, 64);
            Tensor count = Tensor.zeros(b, 64);
            for (int t = 0; t < SNN_STEPS; t++) {
                Tensor[] p = lif(mP, iPfc);
                mP = p[0];
                Tensor[] m = lif(mM, pfcMid.forward(p[1]).add(sM.linear(wRec, null)));
                mM = m[0];
                sM = m[1];
                Tensor[] s = lif(mS, midS.forward(sM));
                mS = s[0];
                count = count.add(s[1]);
            }
            return readout.forward(count.div(SNN_STEPS));
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
