package dev.limbic.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.nn.GoldenCase;
import dev.limbic.nn.Init;
import dev.limbic.nn.Linear;
import dev.limbic.nn.Module;
import dev.limbic.nn.Parameter;
import dev.limbic.nn.loss.CrossEntropyLoss;
import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch parity of the optimisers (5-step trajectories and final state), gradient-norm clipping, the lr
 * schedules (StepLR, CosineAnnealingLR, LinearLR, SequentialLR, ReduceLROnPlateau) and a 10-step AdamW training
 * run of a small MLP. Hyper-parameters come from each file's metadata (JSON under {@code hyperparams} /
 * {@code optimizer} / {@code param_groups} / {@code schedulers}).
 */
class OptimGoldenTest {

    /** {@code param.<name>} of a case as Parameters named {@code <name>}. */
    static Map<String, Parameter> parameters(GoldenCase c) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (String n : c.names("param.")) {
            m.put(n.substring("param.".length()), new Parameter(c.tensor(n)));
        }
        return m;
    }

    static Optimizer optimizer(String op, Map<String, Object> hp, Map<String, Parameter> params) {
        return optimizer(op, hp, List.of(ParamGroup.of(params)));
    }

    static Optimizer optimizer(String op, Map<String, Object> hp, List<ParamGroup> groups) {
        double lr = MiniJson.number(hp, "lr");
        double wd = MiniJson.numberOr(hp, "weight_decay", 0.0);
        return switch (op) {
            case "optim.Adam", "Adam", "optim.AdamW", "AdamW" -> {
                List<Object> betas = MiniJson.array(hp, "betas");
                AdamConfig cfg = new AdamConfig(lr, (Double) betas.get(0), (Double) betas.get(1),
                        MiniJson.number(hp, "eps"), wd);
                yield op.endsWith("AdamW") ? new AdamW(groups, cfg) : new Adam(groups, cfg);
            }
            case "optim.SGD", "SGD" -> new SGD(groups, new SgdConfig(lr, MiniJson.numberOr(hp, "momentum", 0.0),
                    MiniJson.numberOr(hp, "dampening", 0.0), wd, MiniJson.boolOr(hp, "nesterov", false)));
            default -> throw new AssertionError("unknown optimiser " + op);
        };
    }

    /**
     * The case's parameter groups: one group of every parameter, or the {@code param_groups} metadata (a JSON list
     * of {@code {"params": [names], "lr": .., "weight_decay": ..}}, PyTorch's per-group overrides).
     */
    @SuppressWarnings("unchecked")
    static List<ParamGroup> groups(GoldenCase c, Map<String, Parameter> params) {
        String spec = c.metaOr("param_groups", null);
        if (spec == null) {
            return List.of(ParamGroup.of(params));
        }
        List<ParamGroup> groups = new ArrayList<>();
        int assigned = 0;
        for (Object o : MiniJson.array(MiniJson.object("{\"g\":" + spec + "}"), "g")) {
            Map<String, Object> g = (Map<String, Object>) o;
            Map<String, Parameter> members = new LinkedHashMap<>();
            for (Object name : MiniJson.array(g, "params")) {
                assertThat(params).as(c.name() + " param_groups member").containsKey((String) name);
                members.put((String) name, params.get((String) name));
            }
            assigned += members.size();
            ParamGroup group = ParamGroup.of(members);
            if (g.containsKey("lr")) {
                group = group.withLr(MiniJson.number(g, "lr"));
            }
            if (g.containsKey("weight_decay")) {
                group = group.withWeightDecay(MiniJson.number(g, "weight_decay"));
            }
            groups.add(group);
        }
        assertThat(assigned).as(c.name() + ": every parameter in one group").isEqualTo(params.size());
        return groups;
    }

    /** Sets a parameter's gradient to {@code g} (a leaf's backward with seed g). */
    static void setGrad(Parameter p, Tensor g) {
        p.zeroGrad();
        p.get().backward(g);
    }

    @TestFactory
    Stream<DynamicTest> optimiserTrajectories() {
        return run("optimiser cases", GoldenCase.op("optim.Adam", "optim.AdamW", "optim.SGD"), c -> {
            Map<String, Parameter> params = parameters(c);
            Optimizer opt = optimizer(c.meta("op"), MiniJson.object(c.meta("hyperparams")), groups(c, params));
            int steps = c.metaInt("steps");
            for (int s = 1; s <= steps; s++) {
                opt.zeroGrad();
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    setGrad(e.getValue(), c.tensor("input.grad_step" + s + "." + e.getKey()));
                }
                opt.step();
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    c.assertClose("out.param_step" + s + "." + e.getKey(), e.getValue().get());
                }
            }
            Map<String, Tensor> state = opt.stateTensors();
            List<String> expected = c.names("out.state.");
            assertThat(expected).isNotEmpty();
            for (String name : expected) {
                String key = name.substring("out.state.".length());   // exp_avg.w
                assertThat(state).as(c.name() + " state " + key).containsKey(key);
                c.assertClose(name, state.get(key));
            }
            assertThat(state).hasSameSizeAs(expected);
            for (String p : params.keySet()) {
                assertThat(opt.stepCount(p)).isEqualTo(steps);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> clipGradNorm() {
        return run("clip_grad_norm cases", GoldenCase.op("clip_grad_norm_"), c -> {
            List<String> inputs = c.names("input.g");
            List<Parameter> params = new ArrayList<>();
            for (String n : inputs) {
                Tensor g = c.tensor(n);
                Parameter p = new Parameter(Tensor.zeros(g.dtype(), g.shape()));
                setGrad(p, g);
                params.add(p);
            }
            double total = ClipGrad.clipGradNorm(params, c.metaDouble("max_norm"), c.metaDouble("norm_type"), true);
            c.assertClose("out.total_norm", Tensor.scalar(total, c.dtype()));
            for (int i = 0; i < inputs.size(); i++) {
                c.assertClose("out." + inputs.get(i).substring("input.".length()), params.get(i).grad());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> lrSchedules() {
        return run("lr schedule cases", GoldenCase.op("CosineAnnealingLR", "StepLR", "LinearLR"), c -> {
            Parameter p = new Parameter(Tensor.zeros(1));
            Optimizer opt = new SGD(Map.of("p", p), c.metaDouble("base_lr"));
            LRScheduler sched = switch (c.meta("op")) {
                case "CosineAnnealingLR" -> new CosineAnnealingLR(opt, c.metaInt("T_max"), c.metaDouble("eta_min"));
                case "StepLR" -> new StepLR(opt, c.metaInt("step_size"), c.metaDouble("gamma"));
                case "LinearLR" -> new LinearWarmup(opt, c.metaDouble("start_factor"), c.metaDouble("end_factor"),
                        c.metaInt("total_iters"));
                default -> throw new AssertionError(c.meta("op"));
            };
            int n = c.tensor("out.lr").numel();
            double[] lr = new double[n];
            double[] closed = new double[n];
            for (int e = 0; e < n; e++) {
                if (e > 0) {
                    sched.step();
                }
                lr[e] = opt.lr();
                closed[e] = sched.closedFormLr(e, c.metaDouble("base_lr"));
                assertThat(sched.lastLr()[0]).isEqualTo(lr[e]);
                assertThat(sched.lastEpoch()).isEqualTo(e);
            }
            c.assertClose("out.lr", Tensor.of(lr, n));
            // the closed form agrees with the recursive values (and with the file's own closed form when present)
            c.assertClose(c.has("out.lr_closed_form") ? "out.lr_closed_form" : "out.lr", Tensor.of(closed, n));
        });
    }

    /** A schedule of a SequentialLR's {@code schedulers} JSON list (PyTorch class names and arguments). */
    static LRScheduler schedule(Optimizer opt, Map<String, Object> spec) {
        String type = (String) spec.get("type");
        return switch (type) {
            case "LinearLR" -> new LinearWarmup(opt, MiniJson.numberOr(spec, "start_factor", 1.0 / 3),
                    MiniJson.numberOr(spec, "end_factor", 1.0), (int) MiniJson.numberOr(spec, "total_iters", 5));
            case "CosineAnnealingLR" -> new CosineAnnealingLR(opt, (int) MiniJson.number(spec, "T_max"),
                    MiniJson.numberOr(spec, "eta_min", 0.0));
            case "StepLR" -> new StepLR(opt, (int) MiniJson.number(spec, "step_size"),
                    MiniJson.numberOr(spec, "gamma", 0.1));
            default -> throw new AssertionError("unknown schedule " + type);
        };
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> sequentialLr() {
        return run("SequentialLR cases", GoldenCase.op("SequentialLR"), c -> {
            Parameter p = new Parameter(Tensor.zeros(1));
            Optimizer opt = new SGD(Map.of("p", p), c.metaDouble("base_lr"));
            List<LRScheduler> parts = new ArrayList<>();
            for (Object spec : MiniJson.array(MiniJson.object("{\"s\":" + c.meta("schedulers") + "}"), "s")) {
                parts.add(schedule(opt, (Map<String, Object>) spec));
            }
            int[] milestones = MiniJson.array(MiniJson.object("{\"m\":" + c.meta("milestones") + "}"), "m").stream()
                    .mapToInt(v -> ((Double) v).intValue()).toArray();
            SequentialLR sched = new SequentialLR(opt, parts, milestones);
            int n = c.tensor("out.lr").numel();
            double[] lr = new double[n];
            for (int e = 0; e < n; e++) {
                if (e > 0) {
                    sched.step();
                }
                lr[e] = opt.lr();
                assertThat(sched.lastLr()[0]).isEqualTo(lr[e]);
                assertThat(sched.lastEpoch()).isEqualTo(e);
            }
            c.assertClose("out.lr", Tensor.of(lr, n));
        });
    }

    @TestFactory
    Stream<DynamicTest> reduceLrOnPlateau() {
        return run("ReduceLROnPlateau cases", GoldenCase.op("ReduceLROnPlateau"), c -> {
            Map<String, Object> hp = MiniJson.object(c.meta("hyperparams"));
            ReduceLROnPlateau.Config cfg = new ReduceLROnPlateau.Config(
                    ReduceLROnPlateau.Mode.valueOf(((String) hp.get("mode")).toUpperCase(Locale.ROOT)),
                    MiniJson.number(hp, "factor"), (int) MiniJson.number(hp, "patience"),
                    MiniJson.number(hp, "threshold"),
                    ReduceLROnPlateau.ThresholdMode.valueOf(((String) hp.get("threshold_mode")).toUpperCase(Locale.ROOT)),
                    (int) MiniJson.number(hp, "cooldown"), MiniJson.number(hp, "min_lr"), MiniJson.number(hp, "eps"));
            Parameter p = new Parameter(Tensor.zeros(1));
            Optimizer opt = new SGD(Map.of("p", p), c.metaDouble("base_lr"));
            ReduceLROnPlateau sched = new ReduceLROnPlateau(opt, cfg);
            double[] metrics = c.tensor("input.metrics").toDoubleArray();
            double[] lr = new double[metrics.length + 1];
            lr[0] = opt.lr();
            for (int i = 0; i < metrics.length; i++) {
                sched.step(metrics[i]);
                lr[i + 1] = opt.lr();
                assertThat(sched.lastLr()[0]).isEqualTo(lr[i + 1]);
            }
            c.assertClose("out.lr", Tensor.of(lr, lr.length));
        });
    }

    /** fc2(relu(fc1(x))). */
    static final class Mlp extends Module {
        final Linear fc1;
        final Linear fc2;

        Mlp(int in, int hidden, int out) {
            fc1 = registerModule("fc1", new Linear(in, hidden, Init.rng(1)));
            fc2 = registerModule("fc2", new Linear(hidden, out, Init.rng(2)));
        }

        Tensor forward(Tensor x) {
            return fc2.forward(fc1.forward(x).relu());
        }
    }

    @TestFactory
    Stream<DynamicTest> trainMlpAdamW() {
        return run("train_mlp cases", GoldenCase.op("train_mlp"), c -> {
            Tensor w1 = c.tensor("param.fc1.weight");
            Tensor w2 = c.tensor("param.fc2.weight");
            Mlp mlp = new Mlp(w1.size(1), w1.size(0), w2.size(0));
            mlp.to(c.dtype());
            Map<String, Tensor> init = new LinkedHashMap<>();
            for (String n : c.names("param.")) {
                init.put(n.substring("param.".length()), c.tensor(n));
            }
            mlp.loadStateDict(init, true);
            Map<String, Object> hp = MiniJson.object(c.meta("optimizer"));
            Optimizer opt = optimizer((String) hp.get("type"), hp, mlp.namedParameters());
            Tensor x = c.tensor("input.x");
            Tensor target = c.tensor("input.target");
            CrossEntropyLoss ce = new CrossEntropyLoss();
            int steps = c.metaInt("steps");
            double[] losses = new double[steps];
            for (int s = 0; s < steps; s++) {
                opt.zeroGrad();
                Tensor logits = mlp.forward(x);
                Tensor loss = ce.forward(logits, target);
                losses[s] = loss.item();
                loss.backward();
                if (s == 0) {
                    c.assertClose("out.logits_step0", logits.detach());
                    for (Map.Entry<String, Parameter> e : mlp.namedParameters().entrySet()) {
                        c.assertClose("grad.param." + e.getKey(), e.getValue().grad());
                    }
                }
                opt.step();
            }
            c.assertClose("out.losses", Tensor.of(losses, steps).to(c.dtype()));
            c.assertClose("out.loss_final", ce.forward(mlp.forward(x), target).detach());
            for (Map.Entry<String, Parameter> e : mlp.namedParameters().entrySet()) {
                c.assertClose("out.param_final." + e.getKey(), e.getValue().get());
            }
        });
    }

    /** Cases this class ran (GoldenCase.WORST is shared by all golden test classes). */
    private static final java.util.Set<String> RAN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static Stream<DynamicTest> run(String what, java.util.function.Predicate<Map<String, String>> select,
            org.junit.jupiter.api.function.ThrowingConsumer<GoldenCase> body) {
        return GoldenCase.cases(what, select, c -> {
            RAN.add(c.name());
            body.accept(c);
        });
    }

    @AfterAll
    static void printWorstRatios() {
        Map<String, Double> sorted = new TreeMap<>(GoldenCase.WORST);
        sorted.keySet().retainAll(RAN);
        StringBuilder sb = new StringBuilder("optim golden worst |err|/tol:");
        sorted.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%.3g", k.replace(".safetensors", ""), v)));
        System.out.println(sb);
    }

}
