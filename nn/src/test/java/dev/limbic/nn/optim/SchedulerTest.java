package dev.limbic.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.nn.Parameter;
import dev.limbic.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The lr schedules against their PyTorch definitions, closed forms, chaining and state round trips. */
class SchedulerTest {

    static SGD sgd(double lr) {
        return new SGD(Map.of("p", new Parameter(Tensor.zeros(1))), lr);
    }

    @Test
    void cosineRecursiveFormMatchesTheClosedFormOverSeveralPeriods() {
        for (int tMax : new int[] {1, 3, 10}) {
            SGD opt = sgd(3e-3);
            CosineAnnealingLR s = new CosineAnnealingLR(opt, tMax, 1e-4);
            for (int e = 0; e <= 5 * tMax + 3; e++) {
                if (e > 0) {
                    s.step();
                }
                double closed = 1e-4 + (3e-3 - 1e-4) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
                assertThat(opt.lr()).as("T=" + tMax + " e=" + e).isCloseTo(closed, Offset.offset(1e-15));
                assertThat(s.closedFormLr(e, 3e-3)).isEqualTo(closed);
            }
        }
    }

    @Test
    void stepLrAndLinearWarmupFollowTheirClosedForms() {
        SGD opt = sgd(1.0);
        StepLR step = new StepLR(opt, 3, 0.5);
        for (int e = 0; e < 10; e++) {
            if (e > 0) {
                step.step();
            }
            assertThat(opt.lr()).isEqualTo(Math.pow(0.5, e / 3));
        }
        SGD opt2 = sgd(2.0);
        LinearWarmup warm = new LinearWarmup(opt2, 0.25, 1.0, 4);
        double[] expected = {0.5, 0.875, 1.25, 1.625, 2.0, 2.0, 2.0};
        for (int e = 0; e < expected.length; e++) {
            if (e > 0) {
                warm.step();
            }
            assertThat(opt2.lr()).as("warm-up epoch " + e).isCloseTo(expected[e], Offset.offset(1e-12));
            assertThat(warm.closedFormLr(e, 2.0)).isCloseTo(expected[e], Offset.offset(1e-12));
        }
    }

    @Test
    void warmupThenCosineRestartsTheCosineFromTheBaseAtTheMilestone() {
        SGD opt = sgd(1.0);
        SequentialLR s = SequentialLR.warmupCosine(opt, 4, 0.1, 8, 0.0);
        assertThat(opt.lr()).isCloseTo(0.1, Offset.offset(1e-15));
        double[] warmup = {0.1, 0.325, 0.55, 0.775};
        for (int e = 0; e < 4; e++) {
            if (e > 0) {
                s.step();
            }
            assertThat(opt.lr()).as("epoch " + e).isCloseTo(warmup[e], Offset.offset(1e-12));
        }
        for (int e = 4; e <= 12; e++) {
            s.step();
            double cos = (1 + Math.cos(Math.PI * (e - 4) / 8)) / 2;
            assertThat(opt.lr()).as("epoch " + e).isCloseTo(cos, Offset.offset(1e-12));
            assertThat(s.lastLr()[0]).isEqualTo(opt.lr());
        }
        assertThat(s.lastEpoch()).isEqualTo(12);
    }

    @Test
    void reduceOnPlateauMinRelWithPatienceCooldownAndMinLr() {
        SGD opt = sgd(1.0);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Config.defaults(ReduceLROnPlateau.Mode.MIN)
                .withFactor(0.5).withPatience(2).withThreshold(0.1, ReduceLROnPlateau.ThresholdMode.REL)
                .withCooldown(1).withMinLr(0.2));
        double[] metric = {10, 9.5, 9.2, 9.1, 9.0, 9.0, 9.0, 9.0, 8.0, 8, 8, 8, 8, 8, 8, 8};
        double[] lr = {1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2};
        for (int e = 0; e < metric.length; e++) {
            s.step(metric[e]);
            assertThat(opt.lr()).as("epoch " + (e + 1)).isEqualTo(lr[e]);
        }
        assertThat(s.best()).isEqualTo(8.0);
    }

    @Test
    void reduceOnPlateauMaxAbs() {
        SGD opt = sgd(1.0);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Config.defaults(ReduceLROnPlateau.Mode.MAX)
                .withPatience(0).withThreshold(0.5, ReduceLROnPlateau.ThresholdMode.ABS));
        s.step(1.0);   // better than −inf
        assertThat(opt.lr()).isEqualTo(1.0);
        s.step(1.4);   // not > 1.0 + 0.5: one bad epoch > patience 0
        assertThat(opt.lr()).isCloseTo(0.1, Offset.offset(1e-15));
        s.step(2.0);   // better
        assertThat(opt.lr()).isCloseTo(0.1, Offset.offset(1e-15));
        assertThatThrownBy(() -> s.step(Double.NaN)).hasMessageContaining("NaN");
    }

    @Test
    void statesRoundTripAndContinueIdentically() {
        for (int kind = 0; kind < 4; kind++) {
            SGD a = sgd(0.3);
            Scheduler sa = make(kind, a);
            for (int e = 0; e < 7; e++) {
                advance(sa, e);
            }
            SGD b = sgd(0.3);
            Scheduler sb = make(kind, b);
            b.loadState(a.stateTensors(), a.stateScalars());
            sb.loadState(sa.state());
            assertThat(sb.state()).isEqualTo(sa.state());
            for (int e = 7; e < 20; e++) {
                advance(sa, e);
                advance(sb, e);
                assertThat(b.lr()).as(sa.type() + " epoch " + e).isEqualTo(a.lr());
            }
        }
    }

    static Scheduler make(int kind, Optimizer opt) {
        return switch (kind) {
            case 0 -> new CosineAnnealingLR(opt, 5, 1e-3);
            case 1 -> new StepLR(opt, 3, 0.7);
            case 2 -> SequentialLR.warmupCosine(opt, 3, 0.2, 6, 1e-3);
            default -> new ReduceLROnPlateau(opt, ReduceLROnPlateau.Config.defaults(ReduceLROnPlateau.Mode.MIN)
                    .withPatience(1).withFactor(0.5));
        };
    }

    static void advance(Scheduler s, int epoch) {
        if (s instanceof ReduceLROnPlateau p) {
            p.step(epoch % 4 == 0 ? 1.0 / (epoch + 1) : 5.0);
        } else if (s instanceof SequentialLR q) {
            q.step();
        } else {
            ((LRScheduler) s).step();
        }
    }

    @Test
    void foreignOrBrokenStatesAreRefusedNamingTheField() {
        CosineAnnealingLR cos = new CosineAnnealingLR(sgd(0.1), 5);
        StepLR step = new StepLR(sgd(0.1), 2);
        assertThatThrownBy(() -> step.loadState(cos.state())).hasMessageContaining("field 'type'")
                .hasMessageContaining("CosineAnnealingLR");
        Map<String, String> broken = new java.util.LinkedHashMap<>(cos.state());
        broken.put("t_max", "0");
        CosineAnnealingLR fresh = new CosineAnnealingLR(sgd(0.1), 5);
        assertThatThrownBy(() -> fresh.loadState(broken)).hasMessageContaining("T_max");
        broken.remove("t_max");
        assertThatThrownBy(() -> fresh.loadState(broken)).hasMessageContaining("t_max");
        assertThat(fresh.tMax()).isEqualTo(5);
        assertThatThrownBy(() -> new CosineAnnealingLR(sgd(0.1), 0)).hasMessageContaining("T_max");
        assertThatThrownBy(() -> new LinearWarmup(sgd(0.1), 0.0, 3)).hasMessageContaining("start factor");
        SGD opt = sgd(0.1);
        assertThatThrownBy(() -> new SequentialLR(opt, List.of(new StepLR(opt, 2), new StepLR(sgd(1), 2)), 3))
                .hasMessageContaining("another optimizer");
        assertThatThrownBy(() -> new SequentialLR(opt, List.of(new StepLR(opt, 2)), 3))
                .hasMessageContaining("milestones");
        assertThatThrownBy(() -> ReduceLROnPlateau.Config.defaults(ReduceLROnPlateau.Mode.MIN).withFactor(1.0))
                .hasMessageContaining("factor");
    }
}
