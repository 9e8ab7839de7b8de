package dev.limbic.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.nn.Parameter;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimiser mechanics: skipping null gradients, parameter groups, lr access, state round trips, bad input. */
class OptimizerTest {

    static Map<String, Parameter> params(long seed, int n) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put("p" + i, new Parameter(Tensor.randn(seed + i, DType.F32, 3, 2)));
        }
        return m;
    }

    static void grads(Map<String, Parameter> ps, long seed) {
        int i = 0;
        for (Parameter p : ps.values()) {
            p.zeroGrad();
            p.get().backward(Tensor.randn(seed + 31L * i++, DType.F32, p.shape()));
        }
    }

    static int[] bits(Tensor t) {
        float[] f = t.toFloatArray();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }

    @Test
    void parametersWithoutGradientAreSkippedAndKeepNoState() {
        Map<String, Parameter> ps = params(1, 2);
        AdamW opt = new AdamW(ps, 0.1);
        float[] before = ps.get("p1").get().toFloatArray();
        ps.get("p0").get().backward(Tensor.ones(3, 2));
        opt.step();
        assertThat(ps.get("p1").get().toFloatArray()).containsExactly(before);
        assertThat(opt.stepCount("p0")).isEqualTo(1);
        assertThat(opt.stepCount("p1")).isZero();
        assertThat(opt.stateTensors()).containsOnlyKeys("exp_avg.p0", "exp_avg_sq.p0");
        opt.zeroGrad();
        assertThat(ps.get("p0").grad()).isNull();
    }

    @Test
    void groupsHaveTheirOwnLearningRateAndWeightDecay() {
        Map<String, Parameter> a = params(2, 1);
        Map<String, Parameter> b = new LinkedHashMap<>();
        b.put("q", new Parameter(a.get("p0").get().detach().cloneTensor()));
        SGD opt = new SGD(List.of(ParamGroup.of(a), ParamGroup.of(b).withLr(0.5).withWeightDecay(0.1)),
                SgdConfig.of(0.1));
        Tensor g = Tensor.ones(3, 2);
        a.get("p0").get().backward(g);
        b.get("q").get().backward(g);
        float[] p0 = a.get("p0").get().toFloatArray();
        opt.step();
        float[] pa = a.get("p0").get().toFloatArray();
        float[] pb = b.get("q").get().toFloatArray();
        for (int i = 0; i < p0.length; i++) {
            assertThat(pa[i]).isCloseTo((float) (p0[i] - 0.1), org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(pb[i]).isCloseTo((float) (p0[i] - 0.5 * (1 + 0.1 * p0[i])),
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(opt.groups()).hasSize(2);
        assertThat(opt.lr()).isEqualTo(0.1);
        opt.setLr(0.01);
        assertThat(opt.groups().get(1).lr()).isEqualTo(0.01);
        assertThat(opt.groups().get(1).weightDecay()).isEqualTo(0.1);
    }

    @Test
    void stateRoundTripContinuesBitForBit() {
        for (String kind : List.of("Adam", "AdamW", "SGD")) {
            Map<String, Parameter> ps = params(3, 2);
            Map<String, Parameter> copy = new LinkedHashMap<>();
            ps.forEach((k, v) -> copy.put(k, new Parameter(v.get().detach().cloneTensor())));
            Optimizer a = make(kind, ps);
            for (int s = 0; s < 3; s++) {
                grads(ps, 100 + s);
                a.step();
            }
            // a fresh optimiser on a copy of the parameters, restored from a's state
            copy.forEach((k, v) -> v.get().detach().copy_(ps.get(k).get()));
            Optimizer b = make(kind, copy);
            b.loadState(a.stateTensors(), a.stateScalars());
            assertThat(b.stateScalars()).isEqualTo(a.stateScalars());
            for (int s = 3; s < 6; s++) {
                grads(ps, 100 + s);
                grads(copy, 100 + s);
                a.step();
                b.step();
            }
            for (String k : ps.keySet()) {
                assertThat(bits(copy.get(k).get())).as(kind + " " + k).containsExactly(bits(ps.get(k).get()));
            }
        }
    }

    static Optimizer make(String kind, Map<String, Parameter> ps) {
        return switch (kind) {
            case "Adam" -> new Adam(ps, AdamConfig.of(1e-2, 1e-3));
            case "AdamW" -> new AdamW(ps, 1e-2);
            default -> new SGD(ps, SgdConfig.of(0.1).withMomentum(0.9).withWeightDecay(1e-3).withNesterov(true));
        };
    }

    @Test
    void restoringAForeignStateFailsNamingTheFieldAndChangesNothing() {
        Map<String, Parameter> ps = params(4, 2);
        AdamW adamw = new AdamW(ps, 1e-2);
        grads(ps, 7);
        adamw.step();
        SGD sgd = new SGD(ps, 0.1);
        assertThatThrownBy(() -> sgd.loadState(adamw.stateTensors(), adamw.stateScalars()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 'type'")
                .hasMessageContaining("AdamW").hasMessageContaining("SGD");
        AdamW other = new AdamW(params(5, 3), 1e-2);
        assertThatThrownBy(() -> other.loadState(adamw.stateTensors(), adamw.stateScalars()))
                .hasMessageContaining("group.0.params");
        Map<String, Tensor> missing = new LinkedHashMap<>(adamw.stateTensors());
        missing.remove("exp_avg_sq.p1");
        AdamW fresh = new AdamW(ps, 1e-2);
        assertThatThrownBy(() -> fresh.loadState(missing, adamw.stateScalars()))
                .hasMessageContaining("exp_avg_sq.p1").hasMessageContaining("missing");
        Map<String, Tensor> wrongShape = new LinkedHashMap<>(adamw.stateTensors());
        wrongShape.put("exp_avg.p0", Tensor.zeros(2, 3));
        assertThatThrownBy(() -> fresh.loadState(wrongShape, adamw.stateScalars()))
                .hasMessageContaining("exp_avg.p0").hasMessageContaining("[2, 3]");
        Map<String, String> badLr = new LinkedHashMap<>(adamw.stateScalars());
        badLr.put("group.0.lr", "fast");
        assertThatThrownBy(() -> fresh.loadState(adamw.stateTensors(), badLr)).hasMessageContaining("group.0.lr");
        assertThat(fresh.stateTensors()).isEmpty();
        assertThat(fresh.stepCount("p0")).isZero();
    }

    @Test
    void badConfigurationsAreRejected() {
        Map<String, Parameter> ps = params(6, 1);
        assertThatThrownBy(() -> new AdamW(Map.of(), 0.1)).hasMessageContaining("empty");
        assertThatThrownBy(() -> new AdamW(ps, -1)).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> AdamConfig.of(0.1, 0).withBetas(1.0, 0.999)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> SgdConfig.of(0.1).withNesterov(true)).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> new SGD(List.of(ParamGroup.of(ps), ParamGroup.of(Map.of("again",
                ps.get("p0"))).withLr(1)), SgdConfig.of(0.1))).hasMessageContaining("same Parameter");
        assertThatThrownBy(() -> new AdamW(ps, 0.1).stepCount("nope")).hasMessageContaining("nope");
    }

    @Test
    void f64ParametersWorkOnTheReferenceKernels() {
        Parameter p = new Parameter(Tensor.of(new double[] {1, -2}, 2));
        Adam opt = new Adam(Map.of("p", p), 0.1);
        p.get().backward(Tensor.of(new double[] {0.5, -0.5}, 2));
        opt.step();
        // first Adam step moves each coordinate by lr·sign(g) (up to eps)
        assertThat(p.get().toDoubleArray()).containsExactly(new double[] {0.9, -1.9},
                org.assertj.core.data.Offset.offset(1e-7));
        assertThat(opt.stateTensors().get("exp_avg.p").dtype()).isEqualTo(DType.F64);
    }
}
