package dev.limbic.nn.loss;

import dev.limbic.tensor.CustomOp;
import dev.limbic.tensor.GradMode;
import dev.limbic.tensor.Tensor;
import java.util.Objects;

/**
 * Binary cross-entropy on logits (PyTorch {@code F.binary_cross_entropy_with_logits}), in the numerically
 * stable form: with {@code lw = 1 + (pos_weight − 1)·t},
 * {@code ℓ = w·((1 − t)·x + lw·softplus(−x))}, {@code softplus(−x) = max(−x, 0) + log(1 + e^{−|x|})}; without
 * {@code pos_weight} this is {@code max(x, 0) − x·t + log(1 + e^{−|x|})}.
 *
 * <p>The backward is written out ({@code ∂ℓ/∂x = w·((1 − t) − lw·σ(−x))}, {@code ∂ℓ/∂t = w·(−x + (pw − 1)·
 * softplus(−x))}) so it is exact at {@code x = 0}, where a composition of {@code abs} and {@code relu} would pick
 * a subgradient. Targets are probabilities in [0, 1] of the input's shape and dtype (they may require grad);
 * {@code weight} and {@code posWeight} are constants broadcast to the input ({@code posWeight} typically
 * {@code (C)} for {@code (N, C)} multi-label logits).
 *
 * @param weight    per-element rescaling, broadcastable to the input, or null
 * @param posWeight weight of the positive term per class, broadcastable to the input, or null
 */
public record BCEWithLogitsLoss(Tensor weight, Tensor posWeight, Reduction reduction) implements Loss {
    public BCEWithLogitsLoss {
        Objects.requireNonNull(reduction, "reduction");
    }

    public BCEWithLogitsLoss() {
        this(null, null, Reduction.MEAN);
    }

    public BCEWithLogitsLoss(Reduction reduction) {
        this(null, null, reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        String name = "BCEWithLogitsLoss";
        LossChecks.sameShapeFloating(name, input, target);
        Tensor w = LossChecks.broadcastConstant(name, "weight", weight, input);
        Tensor pw = LossChecks.broadcastConstant(name, "pos_weight", posWeight, input);
        boolean targetGrad = target.requiresGrad() && GradMode.isEnabled();
        Tensor loss;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor x = input.detach();
            Tensor t = target.detach();
            Tensor sp = softplusOfNegative(x);
            Tensor positive = pw == null ? sp : pw.sub(1.0).mul(t).add(1.0).mul(sp);
            loss = t.neg().add(1.0).mul(x).add(positive);
            if (w != null) {
                loss = loss.mul(w);
            }
        }
        Tensor elementwise = CustomOp.record("binary_cross_entropy_with_logits", loss,
                new Tensor[] {input, target}, new Tensor[] {input.detach(), target.detach()}, (g, s) -> {
                    Tensor x = s[0];
                    Tensor t = s[1];
                    Tensor gw = w == null ? g : g.mul(w);
                    Tensor sigNeg = x.neg().sigmoid();   // σ(−x) = 1 − σ(x)
                    Tensor lw = pw == null ? null : pw.sub(1.0).mul(t).add(1.0);
                    Tensor dx = t.neg().add(1.0).sub(lw == null ? sigNeg : lw.mul(sigNeg));
                    Tensor dt = null;
                    if (targetGrad) {
                        dt = x.neg();
                        if (pw != null) {
                            dt = dt.add(pw.sub(1.0).mul(softplusOfNegative(x)));
                        }
                        dt = gw.mul(dt);
                    }
                    return new Tensor[] {gw.mul(dx), dt};
                });
        return Reduction.apply(name, elementwise, reduction);
    }

    /** {@code log(1 + e^{−x}) = max(−x, 0) + log(1 + e^{−|x|})}, finite for every finite x. */
    private static Tensor softplusOfNegative(Tensor x) {
        return x.neg().relu().add(x.abs().neg().exp().add(1.0).log());
    }
}
