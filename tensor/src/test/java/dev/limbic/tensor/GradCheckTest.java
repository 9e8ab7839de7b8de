package dev.limbic.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * F64 central-difference gradient checks of every differentiable op (DESIGN.md, test discipline 2), plus the
 * autograd engine's semantics: accumulation, shared inputs, retained graphs, detach, no-grad scopes, retainGrad,
 * the in-place version check and long graphs.
 */
class GradCheckTest {

    // ------------------------------------------------------------------ helpers

    /** N(0,1) F64 leaf. */
    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(seed, DType.F64, shape);
    }

    /** Uniform in [lo, hi) F64. */
    private static Tensor uniform(long seed, double lo, double hi, int... shape) {
        double[] u = Tensor.rand(seed, DType.F64, shape).toDoubleArray();
        for (int i = 0; i < u.length; i++) {
            u[i] = lo + (hi - lo) * u[i];
        }
        return Tensor.of(u, shape);
    }

    /** N(0,1) pushed at least {@code margin} away from each point in {@code kinks} (for abs, relu, clamp...). */
    private static Tensor away(long seed, double margin, double[] kinks, int... shape) {
        double[] v = randn(seed, shape).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            for (double k : kinks) {
                double d = v[i] - k;
                if (Math.abs(d) < margin) {
                    v[i] = k + (d >= 0 ? margin : -margin) + d;
                }
            }
        }
        return Tensor.of(v, shape);
    }

    /** A tensor with distinct, well separated values (a permutation of 0.1*k plus noise), for max/min. */
    private static Tensor distinct(long seed, int... shape) {
        int n = Shapes.numel(shape);
        double[] noise = Tensor.rand(seed, DType.F64, n).toDoubleArray();
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perm.add(i);
        }
        java.util.Collections.shuffle(perm, new java.util.Random(seed));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.1 * (perm.get(i) - n / 2.0) + 0.02 * noise[i];
        }
        return Tensor.of(v, shape);
    }

    private static DynamicTest gc(String name, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        return dynamicTest(name, () -> {
            GradCheck.Report r = GradCheck.check(name, f, List.of(inputs), GradCheck.Options.defaults());
            r.assertOk();
            assertThat(r.checked()).as("elements checked").isGreaterThan(0);
        });
    }

    private static Tensor x0(List<Tensor> in) {
        return in.get(0);
    }

    // ------------------------------------------------------------------ element-wise unary

    @TestFactory
    Stream<DynamicTest> unaryOps() {
        int[] s = {3, 4, 5};
        Tensor pos = uniform(11, 0.3, 2.5, s);
        return Stream.of(
                gc("neg", in -> x0(in).neg(), randn(1, s)),
                gc("abs away from 0", in -> x0(in).abs(), away(2, 0.05, new double[] {0}, s)),
                gc("sign (zero gradient)", in -> x0(in).sign().mul(x0(in)), away(3, 0.05, new double[] {0}, s)),
                gc("exp", in -> x0(in).exp(), randn(4, s)),
                gc("log", in -> x0(in).log(), pos),
                gc("sqrt", in -> x0(in).sqrt(), pos),
                gc("rsqrt", in -> x0(in).rsqrt(), pos),
                gc("pow 2", in -> x0(in).pow(2), randn(5, s)),
                gc("pow 3", in -> x0(in).pow(3), randn(6, s)),
                gc("pow 0.5", in -> x0(in).pow(0.5), pos),
                gc("pow 2.7", in -> x0(in).pow(2.7), pos),
                gc("pow -1", in -> x0(in).pow(-1), pos),
                gc("pow -1.5", in -> x0(in).pow(-1.5), pos),
                gc("pow 1/3", in -> x0(in).pow(1.0 / 3), pos),
                gc("tanh", in -> x0(in).tanh(), randn(7, s)),
                gc("sigmoid", in -> x0(in).sigmoid(), randn(8, s)),
                gc("relu away from 0", in -> x0(in).relu(), away(9, 0.05, new double[] {0}, s)),
                gc("gelu (erf)", in -> x0(in).gelu(), randn(10, s)),
                gc("gelu (tanh)", in -> x0(in).geluTanh(), randn(12, s)),
                gc("clamp away from bounds", in -> x0(in).clamp(-0.5, 0.7),
                        away(13, 0.05, new double[] {-0.5, 0.7}, s)),
                gc("clamp one-sided", in -> x0(in).clamp(0.2, Double.POSITIVE_INFINITY),
                        away(14, 0.05, new double[] {0.2}, s)),
                gc("add/sub/mul/div scalar", in -> x0(in).add(1.5).mul(-2.5).sub(0.25).div(3.0), randn(15, s)),
                gc("non-contiguous input (transposed)", in -> x0(in).transpose(0, 2).tanh(), randn(16, s)));
    }

    @Test
    void signHasExactlyZeroGradient() {
        Tensor x = away(3, 0.05, new double[] {0}, 2, 3).requiresGrad(true);
        x.sign().mul(randn(4, 2, 3)).sum().backward();
        for (double g : x.grad().toDoubleArray()) {
            assertThat(g == 0.0).as("sign'(x) = 0, got " + g).isTrue();
        }
    }

    // ------------------------------------------------------------------ element-wise binary with broadcasting

    @TestFactory
    Stream<DynamicTest> binaryOps() {
        int[][][] shapes = {
            {{3, 4}, {3, 4}},            // same shape
            {{4, 1, 5}, {3, 1}},         // both broadcast, rank difference
            {{2, 3, 4}, {4}},            // bias-style
            {{1, 3, 1}, {2, 1, 4}},      // size-1 dims on both sides
            {{3, 4}, {}},                // 0-d operand
            {{5}, {2, 3, 1}},            // lhs has lower rank
        };
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 100;
        for (int[][] p : shapes) {
            String tag = Arrays.toString(p[0]) + " " + Arrays.toString(p[1]);
            Tensor a = randn(seed++, p[0]);
            Tensor b = randn(seed++, p[1]);
            Tensor bNonZero = away(seed++, 0.4, new double[] {0}, p[1]);
            tests.add(gc("add " + tag, in -> in.get(0).add(in.get(1)), a, b));
            tests.add(gc("sub " + tag, in -> in.get(0).sub(in.get(1)), a, b));
            tests.add(gc("mul " + tag, in -> in.get(0).mul(in.get(1)), a, b));
            tests.add(gc("div " + tag, in -> in.get(0).div(in.get(1)), a, bNonZero));
            tests.add(gc("maximum " + tag, in -> in.get(0).maximum(in.get(1)), a, b));
            tests.add(gc("minimum " + tag, in -> in.get(0).minimum(in.get(1)), a, b));
        }
        Tensor x = randn(150, 3, 4);
        tests.add(gc("mul by itself (same tensor twice)", in -> in.get(0).mul(in.get(0)), x));
        tests.add(gc("div by itself shifted", in -> in.get(0).div(in.get(0).mul(in.get(0)).add(1.0)), x));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> whereOp() {
        Tensor cond = randn(160, 3, 1).gt(0.0);           // F64 0/1 mask, not differentiated
        Tensor condI = Tensor.ofLongs(new long[] {1, 0, 0, 1}, 4);
        return Stream.of(
                dynamicTest("where broadcast [3,1] [3,4] [4]", () -> GradCheck.check("where",
                        in -> Tensor.where(cond, in.get(0), in.get(1)),
                        List.of(randn(161, 3, 4).requiresGrad(true), randn(162, 4).requiresGrad(true)),
                        GradCheck.Options.defaults()).assertOk()),
                gc("where I64 condition", in -> Tensor.where(condI, in.get(0), in.get(1).exp()),
                        randn(163, 2, 4), randn(164, 2, 1)));
    }

    // ------------------------------------------------------------------ reductions

    @TestFactory
    Stream<DynamicTest> reductions() {
        Tensor x = randn(200, 3, 4, 5);
        Tensor d = distinct(201, 3, 4, 5);
        return Stream.of(
                gc("sum all", in -> x0(in).sum(), x),
                gc("sum dim 1", in -> x0(in).sum(1, false), x),
                gc("sum dim 1 keepdim", in -> x0(in).sum(1, true), x),
                gc("sum dim -1", in -> x0(in).sum(-1, false), x),
                gc("sum dims {0,2}", in -> x0(in).sum(new int[] {0, 2}, false), x),
                gc("sum dims {2,0} keepdim", in -> x0(in).sum(new int[] {2, 0}, true), x),
                gc("sum of a broadcast view", in -> x0(in).expand(2, 3, 4, 5).sum(new int[] {0, 1}, false), x),
                gc("mean all", in -> x0(in).mean(), x),
                gc("mean dim 0", in -> x0(in).mean(0, false), x),
                gc("mean dim 2 keepdim", in -> x0(in).mean(2, true), x),
                gc("mean dims {0,1}", in -> x0(in).mean(new int[] {0, 1}, false), x),
                gc("mean dims {1,2} keepdim", in -> x0(in).mean(new int[] {1, 2}, true), x),
                gc("max all", in -> x0(in).max(), d),
                gc("min all", in -> x0(in).min(), d),
                gc("max dim 1", in -> x0(in).max(1, false).values(), d),
                gc("max dim -1 keepdim", in -> x0(in).max(-1, true).values(), d),
                gc("min dim 0", in -> x0(in).min(0, false).values(), d),
                gc("min dim 2 keepdim", in -> x0(in).min(2, true).values(), d),
                gc("var dim 1 correction 1", in -> x0(in).var(1, false, 1), x),
                gc("var dim -1 keepdim correction 0", in -> x0(in).var(-1, true, 0), x),
                gc("var dims {0,2} correction 1", in -> x0(in).var(new int[] {0, 2}, false, 1), x),
                gc("var dims {0,1} keepdim correction 0", in -> x0(in).var(new int[] {0, 1}, true, 0), x),
                gc("var all", in -> x0(in).var(), x));
    }

    // ------------------------------------------------------------------ matmul

    @TestFactory
    Stream<DynamicTest> matmul() {
        Function<List<Tensor>, Tensor> mm = in -> in.get(0).matmul(in.get(1));
        return Stream.of(
                gc("1-D . 1-D", mm, randn(300, 5), randn(301, 5)),
                gc("1-D @ 2-D", mm, randn(302, 5), randn(303, 5, 3)),
                gc("2-D @ 1-D", mm, randn(304, 4, 5), randn(305, 5)),
                gc("2-D @ 2-D", mm, randn(306, 4, 5), randn(307, 5, 3)),
                gc("3-D batched", mm, randn(308, 2, 4, 5), randn(309, 2, 5, 3)),
                gc("4-D batched", mm, randn(310, 2, 3, 4, 5), randn(311, 2, 3, 5, 2)),
                gc("3-D @ 2-D broadcast", mm, randn(312, 3, 4, 5), randn(313, 5, 2)),
                gc("2-D @ 3-D broadcast", mm, randn(314, 4, 5), randn(315, 3, 5, 2)),
                gc("batch broadcast [2,1,..] @ [3,..]", mm, randn(316, 2, 1, 4, 5), randn(317, 3, 5, 2)),
                gc("3-D @ 1-D", mm, randn(318, 2, 4, 5), randn(319, 5)),
                gc("1-D @ 3-D", mm, randn(320, 5), randn(321, 2, 5, 3)),
                gc("a^T @ b (2-D view)", in -> in.get(0).t().matmul(in.get(1)), randn(322, 5, 4), randn(323, 5, 3)),
                gc("a @ b^T (2-D view)", in -> in.get(0).matmul(in.get(1).t()), randn(324, 4, 5), randn(325, 3, 5)),
                gc("a^T @ b^T (2-D views)", in -> in.get(0).t().matmul(in.get(1).t()),
                        randn(326, 5, 4), randn(327, 3, 5)),
                gc("batched a @ b^T (transpose view)", in -> in.get(0).matmul(in.get(1).transpose(-1, -2)),
                        randn(328, 2, 4, 5), randn(329, 2, 3, 5)),
                gc("batched a^T @ b (transpose view)", in -> in.get(0).transpose(1, 2).matmul(in.get(1)),
                        randn(330, 2, 5, 4), randn(331, 2, 5, 3)),
                gc("4-D heads via permute", in -> in.get(0).permute(0, 2, 1, 3)
                                .matmul(in.get(1).permute(0, 2, 3, 1)),
                        randn(332, 2, 4, 3, 5), randn(333, 2, 4, 3, 5)),
                gc("3-D @ 2-D with transposed 2-D", in -> in.get(0).matmul(in.get(1).t()),
                        randn(334, 3, 4, 5), randn(335, 2, 5)),
                gc("same tensor both sides (x @ x^T)", in -> in.get(0).matmul(in.get(0).t()), randn(336, 4, 5)));
    }

    // ------------------------------------------------------------------ softmax, layer norm

    @TestFactory
    Stream<DynamicTest> softmaxAndLayerNorm() {
        Tensor x = randn(400, 3, 4, 5);
        Tensor big = randn(401, 2, 6).mul(20.0).add(50.0);
        return Stream.of(
                gc("softmax dim -1", in -> x0(in).softmax(-1), x),
                gc("softmax dim 0", in -> x0(in).softmax(0), x),
                gc("softmax dim 1", in -> x0(in).softmax(1), x),
                gc("softmax large logits", in -> x0(in).softmax(-1), big),
                gc("logSoftmax dim -1", in -> x0(in).logSoftmax(-1), x),
                gc("logSoftmax dim 1", in -> x0(in).logSoftmax(1), x),
                gc("logSoftmax dim 0", in -> x0(in).logSoftmax(0), x),
                gc("logSoftmax large logits", in -> x0(in).logSoftmax(-1), big),
                gc("softmax of a 1-D tensor", in -> x0(in).softmax(0), randn(402, 7)),
                gc("layerNorm affine, last dim", in -> in.get(0).layerNorm(in.get(1), in.get(2), 1e-5),
                        randn(403, 2, 3, 5), randn(404, 5), randn(405, 5)),
                gc("layerNorm no affine, last dim", in -> in.get(0).layerNorm(1, null, null, 1e-5),
                        randn(406, 2, 3, 5)),
                gc("layerNorm affine, 2 trailing dims", in -> in.get(0).layerNorm(in.get(1), in.get(2), 1e-5),
                        randn(407, 2, 3, 4), randn(408, 3, 4), randn(409, 3, 4)),
                gc("layerNorm no affine, 2 trailing dims", in -> in.get(0).layerNorm(2, null, null, 1e-5),
                        randn(410, 2, 3, 4)),
                gc("layerNorm weight only", in -> in.get(0).layerNorm(in.get(1), null, 1e-5),
                        randn(411, 3, 6), randn(412, 6)),
                gc("layerNorm bias only", in -> in.get(0).layerNorm(1, null, in.get(1), 1e-5),
                        randn(413, 3, 6), randn(414, 6)),
                gc("layerNorm eps 1e-12 on a transposed input",
                        in -> in.get(0).transpose(0, 1).layerNorm(in.get(1), in.get(2), 1e-12),
                        randn(415, 5, 3), randn(416, 5), randn(417, 5)));
    }

    // ------------------------------------------------------------------ joining, splitting, indexing

    @TestFactory
    Stream<DynamicTest> joinSplitIndex() {
        Tensor idx = Tensor.ofLongs(new long[] {2, 0, 2, 3, 2}, 5);             // repeated indices
        Tensor gidx = Tensor.ofLongs(new long[] {0, 3, 3, 1, 2, 2, 0, 0, 1}, 3, 3);
        Tensor sidx = Tensor.ofLongs(new long[] {1, 1, 0, 2, 0, 1}, 2, 3);
        return Stream.of(
                gc("cat dim 0", in -> Tensor.cat(List.of(in.get(0), in.get(1).exp(), in.get(0)), 0),
                        randn(500, 2, 3), randn(501, 4, 3)),
                gc("cat dim -1", in -> Tensor.cat(List.of(in.get(0), in.get(1)), -1),
                        randn(502, 2, 3), randn(503, 2, 1)),
                gc("stack dim 0", in -> Tensor.stack(List.of(in.get(0), in.get(1).tanh()), 0),
                        randn(504, 2, 3), randn(505, 2, 3)),
                gc("stack dim -1", in -> Tensor.stack(List.of(in.get(0), in.get(1), in.get(0)), -1),
                        randn(506, 2, 3), randn(507, 2, 3)),
                gc("split by size", in -> {
                    List<Tensor> p = in.get(0).split(2, 1);
                    return Tensor.cat(List.of(p.get(0).mul(p.get(0)), p.get(1).exp(), p.get(2).mul(-3.0)), 1);
                }, randn(508, 3, 5)),
                gc("split by sizes", in -> {
                    List<Tensor> p = in.get(0).split(new int[] {1, 3, 0, 2}, 0);
                    return p.get(1).sum(0, false).mul(p.get(3).sum(0, false)).add(p.get(0).squeeze(0));
                }, randn(509, 6, 4)),
                gc("indexSelect dim 0, repeated", in -> in.get(0).indexSelect(0, idx), randn(510, 4, 3)),
                gc("indexSelect dim 1, repeated", in -> in.get(0).indexSelect(1, idx), randn(511, 2, 4, 3)),
                gc("gather dim 1", in -> in.get(0).gather(1, gidx), randn(512, 3, 4)),
                gc("gather dim 0 on a smaller index", in -> in.get(0).gather(0, sidx), randn(513, 3, 4)),
                gc("scatterAdd both inputs", in -> in.get(0).scatterAdd(1, sidx, in.get(1)),
                        randn(514, 2, 4), randn(515, 2, 3)),
                gc("scatterAdd src larger than index", in -> in.get(0).scatterAdd(0, sidx, in.get(1)),
                        randn(516, 3, 5), randn(517, 3, 4)));
    }

    // ------------------------------------------------------------------ views and dtype

    @TestFactory
    Stream<DynamicTest> views() {
        Tensor x = randn(600, 2, 3, 4);
        return Stream.of(
                gc("reshape", in -> x0(in).reshape(4, -1).exp(), x),
                gc("reshape of a non-contiguous view", in -> x0(in).transpose(0, 2).reshape(-1), x),
                gc("view", in -> x0(in).view(6, 4), x),
                gc("flatten", in -> x0(in).flatten(), x),
                gc("permute", in -> x0(in).permute(2, 0, 1), x),
                gc("transpose", in -> x0(in).transpose(-1, 0), x),
                gc("t", in -> x0(in).t(), randn(601, 3, 5)),
                gc("expand", in -> x0(in).expand(3, 2, 4).mul(x0(in).expand(3, 2, 4)), randn(602, 2, 1)),
                gc("expand -1 keeps a dim", in -> x0(in).expand(-1, 5), randn(603, 3, 1)),
                gc("narrow", in -> x0(in).narrow(2, 1, 2), x),
                gc("slice negative bounds", in -> x0(in).slice(-1, -3, -1), x),
                gc("select negative index", in -> x0(in).select(1, -1), x),
                gc("unsqueeze", in -> x0(in).unsqueeze(1).unsqueeze(-1), x),
                gc("squeeze all", in -> x0(in).squeeze(), randn(604, 1, 3, 1, 2)),
                gc("squeeze dim", in -> x0(in).squeeze(2), randn(605, 1, 3, 1, 2)),
                gc("contiguous of a transposed view", in -> x0(in).transpose(0, 1).contiguous(), x),
                gc("cloneTensor", in -> x0(in).cloneTensor().mul(x0(in)), x),
                gc("to(F64) is a no-op", in -> x0(in).to(DType.F64), x),
                gc("chain of views", in -> x0(in).permute(1, 0, 2).narrow(0, 1, 2).reshape(2, 2, 4)
                        .select(2, 3).unsqueeze(0).expand(3, 2, 2), x),
                gc("dropout p=0.3 fixed seed", in -> x0(in).dropout(0.3, true, 42L), randn(606, 5, 6)),
                gc("dropout not training is the identity", in -> x0(in).dropout(0.3, false, 42L), x));
    }

    /** The same ops on strided, offset and broadcast (stride-0) views instead of fresh contiguous tensors. */
    @TestFactory
    Stream<DynamicTest> nonContiguousOperands() {
        Tensor gidx = Tensor.ofLongs(new long[] {0, 3, 3, 1, 2, 2}, 2, 3);
        Tensor sidx = Tensor.ofLongs(new long[] {1, 1, 0, 2, 0, 1}, 2, 3);
        Tensor rows = Tensor.ofLongs(new long[] {1, 1, 0}, 3);
        return Stream.of(
                gc("unary on an offset narrow", in -> x0(in).narrow(1, 1, 3).exp(), randn(650, 3, 5)),
                gc("binary on two transposed views", in -> in.get(0).t().mul(in.get(1).narrow(1, 1, 3)),
                        randn(651, 3, 4), randn(652, 4, 5)),
                gc("div with a stride-0 divisor", in -> in.get(0).div(in.get(1).exp().expand(4, 3)),
                        randn(653, 4, 3), randn(654, 1, 3)),
                gc("where on transposed operands", in -> Tensor.where(in.get(2).gt(0.0).detach(), in.get(0).t(),
                        in.get(1).transpose(0, 1)), randn(655, 3, 4).requiresGrad(true),
                        randn(656, 3, 4).requiresGrad(true), randn(657, 4, 3)),
                gc("sum dims of a permuted view", in -> x0(in).permute(2, 0, 1).sum(new int[] {0, 2}, true),
                        randn(658, 2, 3, 4)),
                gc("max dim of a transposed view", in -> x0(in).t().max(0, false).values(), distinct(659, 4, 5)),
                gc("softmax of a permuted view", in -> x0(in).permute(1, 2, 0).softmax(1), randn(660, 2, 3, 4)),
                gc("matmul with an expanded (stride-0) lhs", in -> in.get(0).expand(3, 4, 5).matmul(in.get(1)),
                        randn(661, 4, 5), randn(662, 3, 5, 2)),
                gc("matmul of narrowed operands", in -> in.get(0).narrow(1, 1, 5).matmul(in.get(1).narrow(0, 2, 5)),
                        randn(663, 4, 7), randn(664, 8, 3)),
                gc("layerNorm with an offset weight and a broadcast bias",
                        in -> in.get(0).layerNorm(in.get(1).narrow(0, 2, 5), in.get(2).expand(5), 1e-5),
                        randn(665, 3, 5), randn(666, 9), randn(667, 1)),
                gc("cat of transposed views", in -> Tensor.cat(List.of(in.get(0).t(), in.get(1).t()), 1),
                        randn(668, 2, 3), randn(669, 4, 3)),
                gc("indexSelect on a permuted view", in -> x0(in).permute(1, 0, 2).indexSelect(0, rows),
                        randn(670, 2, 3, 4)),
                gc("gather on a transposed view", in -> x0(in).t().gather(1, gidx), randn(671, 4, 2)),
                gc("scatterAdd into a transposed view from a transposed src",
                        in -> in.get(0).t().scatterAdd(1, sidx, in.get(1).t()), randn(672, 4, 2), randn(673, 3, 2)),
                gc("split of a transposed view", in -> {
                    List<Tensor> p = x0(in).t().split(2, 0);
                    return p.get(0).mul(p.get(1)).sum(0, false).add(p.get(2).squeeze(0));
                }, randn(674, 3, 5)));
    }

    /** Each op followed by a transpose, so its backward rule receives a non-contiguous upstream gradient. */
    @TestFactory
    Stream<DynamicTest> nonContiguousUpstreamGradients() {
        Tensor idx = Tensor.ofLongs(new long[] {2, 0, 2}, 3);
        Tensor gidx = Tensor.ofLongs(new long[] {0, 3, 3, 1, 2, 2}, 2, 3);
        Tensor x = randn(680, 3, 4);
        return Stream.of(
                gc("unary <- t", in -> x0(in).sigmoid().t(), x),
                gc("mul with broadcast <- t", in -> in.get(0).mul(in.get(1)).t(), x, randn(681, 4)),
                gc("div <- t", in -> in.get(0).div(in.get(1).exp()).t(), x, randn(682, 3, 1)),
                gc("sum dim keepdim <- t", in -> x0(in).sum(0, true).t(), x),
                gc("mean dims <- t", in -> x0(in).mean(new int[] {1}, true).t(), x),
                gc("max dim keepdim <- t", in -> x0(in).max(1, true).values().t(), distinct(683, 3, 4)),
                gc("matmul <- t", in -> in.get(0).matmul(in.get(1)).t(), x, randn(684, 4, 2)),
                gc("batched matmul <- permute", in -> in.get(0).matmul(in.get(1)).permute(2, 0, 1),
                        randn(685, 2, 3, 4), randn(686, 2, 4, 5)),
                gc("softmax <- t", in -> x0(in).softmax(-1).t(), x),
                gc("logSoftmax <- t", in -> x0(in).logSoftmax(0).t(), x),
                gc("layerNorm <- t", in -> in.get(0).layerNorm(in.get(1), in.get(2), 1e-5).t(),
                        x, randn(687, 4), randn(688, 4)),
                gc("cat <- t", in -> Tensor.cat(List.of(in.get(0), in.get(1)), 0).t(), x, randn(689, 2, 4)),
                gc("indexSelect <- t", in -> x0(in).indexSelect(0, idx).t(), x),
                gc("gather <- t", in -> x0(in).gather(1, gidx).t(), randn(690, 2, 4)),
                gc("scatterAdd <- t", in -> in.get(0).scatterAdd(1, gidx, in.get(1)).t(), x, randn(691, 2, 3)),
                gc("narrow <- t", in -> x0(in).narrow(1, 1, 2).t(), x),
                gc("reshape <- t", in -> x0(in).reshape(2, 6).t(), x),
                gc("expand <- t", in -> x0(in).expand(3, 4).t(), randn(692, 3, 1)),
                gc("where <- t", in -> Tensor.where(in.get(1).gt(0.0).detach(), in.get(0), in.get(0).neg()).t(),
                        randn(696, 3, 4).requiresGrad(true), randn(693, 3, 4)),
                gc("contiguous + clone <- t", in -> x0(in).contiguous().cloneTensor().t(), x));
    }

    @Test
    void nonContiguousUserSeed() {
        Tensor x = randn(694, 3, 4).requiresGrad(true);
        Tensor seedT = randn(695, 4, 3);
        x.tanh().backward(seedT.t());
        double[] xv = x.toDoubleArray();
        double[] s = seedT.t().contiguous().toDoubleArray();
        double[] g = x.grad().toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            double t = Math.tanh(xv[i]);
            assertThat(g[i]).isCloseTo(s[i] * (1 - t * t), org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void dtypeRoundTripCarriesGradientBack() {
        Tensor x = randn(610, 3, 4).requiresGrad(true);
        Tensor y = x.to(DType.F32).mul(2.0).to(DType.F64);
        assertThat(y.dtype()).isEqualTo(DType.F64);
        Tensor seed = randn(611, 3, 4);
        y.backward(seed);
        assertThat(x.grad().dtype()).isEqualTo(DType.F64);
        double[] expected = seed.mul(2.0).toDoubleArray();
        double[] got = x.grad().toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(expected[i]))));
        }
        Tensor f = Tensor.randn(612, DType.F32, 2, 2).requiresGrad(true);
        f.to(DType.F64).mul(3.0).sum().backward();
        assertThat(f.grad().dtype()).isEqualTo(DType.F32);
        assertThat(f.grad().toFloatArray()).containsOnly(3.0f);
    }

    @Test
    void dropoutMaskIsRepeatableAndScaled() {
        Tensor x = Tensor.ones(DType.F64, 40, 50).requiresGrad(true);
        Tensor a = x.dropout(0.3, true, 7L);
        Tensor b = x.dropout(0.3, true, 7L);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        double keep = 1.0 / 0.7;
        long zeros = Arrays.stream(a.toDoubleArray()).filter(v -> v == 0.0).count();
        assertThat(Arrays.stream(a.toDoubleArray())).allMatch(v -> v == 0.0 || Math.abs(v - keep) < 1e-12);
        assertThat(zeros).isBetween(450L, 750L);   // 2000 * 0.3 = 600 expected
        a.sum().backward();
        assertArrayEquals(a.toDoubleArray(), x.grad().toDoubleArray());
    }

    @Test
    void gradCheckReportsTheFailingElement() {
        // a deliberately wrong "gradient": detach hides the x dependence of one factor
        GradCheck.Report r = GradCheck.check("wrong", in -> in.get(0).mul(in.get(0).detach()),
                List.of(randn(700, 2, 3)), GradCheck.Options.defaults());
        assertThat(r.ok()).isFalse();
        assertThat(r.mismatches()).isNotEmpty();
        GradCheck.Mismatch m = r.mismatches().get(0);
        assertThat(m.input()).isEqualTo(0);
        assertThat(m.element()).isEqualTo(0);
        assertThat(m.numeric()).isCloseTo(2 * m.analytic(), org.assertj.core.data.Offset.offset(1e-6));
        assertThatThrownBy(r::assertOk).isInstanceOf(AssertionError.class)
                .hasMessageContaining("input 0 element 0")
                .hasMessageContaining("analytic").hasMessageContaining("numeric");
        assertThatThrownBy(() -> GradCheck.check(in -> in.get(0),
                List.of(Tensor.randn(1, DType.F32, 2)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("F64");
        // the scalar-reference helper converts F32 inputs to F64
        GradCheck.checkScalar("tanh via checkScalar", in -> in.get(0).tanh(),
                List.of(Tensor.randn(3, DType.F32, 2, 3)), GradCheck.Options.defaults()).assertOk();
        assertThat(GradCheck.referenceBackend()).isEqualTo("scalar");
    }

    // ------------------------------------------------------------------ autograd engine

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = randn(800, 3).requiresGrad(true);
        x.mul(x).sum().backward();
        x.mul(3.0).sum().backward();
        double[] xv = x.toDoubleArray();
        double[] g = x.grad().toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertThat(g[i]).isCloseTo(2 * xv[i] + 3, org.assertj.core.data.Offset.offset(1e-12));
        }
        x.zeroGrad();
        assertThat(x.grad()).isNull();
        x.sum().backward();
        assertThat(x.grad().toDoubleArray()).containsOnly(1.0);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        // y used twice: z = y*y + exp(y), y = 2x  =>  dz/dx = 2*(2y + exp(y))
        Tensor x = randn(801, 4).requiresGrad(true);
        Tensor y = x.mul(2.0);
        y.mul(y).add(y.exp()).sum().backward();
        double[] xv = x.toDoubleArray();
        double[] g = x.grad().toDoubleArray();
        for (int i = 0; i < 4; i++) {
            double yi = 2 * xv[i];
            assertThat(g[i]).isCloseTo(2 * (2 * yi + Math.exp(yi)), org.assertj.core.data.Offset.offset(1e-9));
        }
        GradCheck.check("diamond", in -> {
            Tensor yy = in.get(0).mul(2.0);
            return yy.mul(yy).add(yy.exp()).add(in.get(0));
        }, List.of(randn(802, 4)), GradCheck.Options.defaults()).assertOk();
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = randn(803, 3).requiresGrad(true);
        Tensor z = x.exp().mul(x).sum();
        z.backward(Tensor.scalar(1.0, DType.F64), true);
        double[] once = x.grad().toDoubleArray();
        z.backward(Tensor.scalar(1.0, DType.F64), false);
        double[] twice = x.grad().toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertThat(twice[i]).isCloseTo(2 * once[i], org.assertj.core.data.Offset.offset(1e-12));
        }
        assertThatThrownBy(z::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time").hasMessageContaining("retain");
    }

    @Test
    void backwardTwiceWithoutRetainGraphFails() {
        Tensor x = randn(804, 3).requiresGrad(true);
        Tensor z = x.tanh().sum();
        z.backward();
        assertThatThrownBy(z::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time").hasMessageContaining("'sum'");
    }

    @Test
    void detachStopsTheGradient() {
        Tensor x = randn(805, 3).requiresGrad(true);
        Tensor d = x.detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.isLeaf()).isTrue();
        x.mul(d).sum().backward();   // d(x * const)/dx = const
        assertArrayEquals(x.toDoubleArray(), x.grad().toDoubleArray(), 0.0);
        Tensor y = x.exp().detach();
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.mul(2.0).requiresGrad()).isFalse();
    }

    @Test
    void noGradRecordsNothingAndNests() {
        Tensor x = randn(806, 3).requiresGrad(true);
        assertThat(GradMode.isEnabled()).isTrue();
        try (GradMode.Scope outer = GradMode.noGrad()) {
            Tensor y = x.mul(2.0).exp();
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.gradFn()).isNull();
            try (GradMode.Scope inner = GradMode.noGrad()) {
                assertThat(GradMode.isEnabled()).isFalse();
            }
            assertThat(GradMode.isEnabled()).as("closing an inner scope keeps the outer one").isFalse();
            try (GradMode.Scope on = GradMode.enableGrad()) {
                Tensor z = x.mul(3.0);
                assertThat(z.requiresGrad()).isTrue();
                assertThat(z.gradFn()).isNotNull();
            }
            assertThat(GradMode.isEnabled()).isFalse();
            assertThat(x.add(x).requiresGrad()).isFalse();
        }
        assertThat(GradMode.isEnabled()).isTrue();
        assertThat(x.mul(2.0).gradFn()).isNotNull();
    }

    @Test
    void retainGradKeepsANonLeafGradient() {
        Tensor x = randn(807, 4).requiresGrad(true);
        Tensor y = x.mul(3.0).retainGrad();
        Tensor w = y.exp();
        y.mul(y).add(w).sum().backward();
        double[] yv = y.toDoubleArray();
        double[] gy = y.grad().toDoubleArray();
        for (int i = 0; i < 4; i++) {
            assertThat(gy[i]).isCloseTo(2 * yv[i] + Math.exp(yv[i]), org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(w.grad()).as("non-leaf without retainGrad").isNull();
        assertThat(x.grad()).isNotNull();
    }

    @Test
    void inPlaceChangeOfASavedTensorFailsNamingTheOp() {
        Tensor x = randn(808, 3).requiresGrad(true);
        Tensor y = x.mul(2.0);
        Tensor z = y.mul(y);        // 'mul' saves y
        y.mul_(3.0);                // bumps y's version
        assertThatThrownBy(() -> z.sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'mul'").hasMessageContaining("modified in place");

        Tensor a = randn(809, 3).requiresGrad(true);
        Tensor e = a.exp();         // 'exp' saves its output
        Tensor loss = e.sum();
        e.add_(Tensor.ones(DType.F64, 3));
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'exp'");
    }

    @Test
    void inPlaceOnALeafThatRequiresGradFails() {
        Tensor x = randn(810, 3).requiresGrad(true);
        assertThatThrownBy(() -> x.add_(Tensor.ones(DType.F64, 3))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("add_").hasMessageContaining("leaf");
        assertThatThrownBy(() -> x.mul_(2.0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("mul_");
        assertThatThrownBy(() -> x.fill_(0.0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("fill_");
        assertThatThrownBy(() -> x.copy_(Tensor.zeros(DType.F64, 3))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("copy_");
        double before = x.get(0);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            x.mul_(2.0);   // an optimiser step: allowed without recording
        }
        assertThat(x.get(0)).isEqualTo(2 * before);
    }

    @Test
    void longChainBackpropagatesWithoutStackOverflow() {
        int n = 20_000;
        Tensor x = Tensor.of(new double[] {0.5, -0.25}, 2).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < n; i++) {
            y = y.mul(1.0001).add(0.001);
        }
        y.sum().backward();
        double expected = Math.pow(1.0001, n);
        for (double g : x.grad().toDoubleArray()) {
            assertThat(g).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9 * expected));
        }
    }

    @Test
    void leafBackwardUsesTheSeed() {
        Tensor x = randn(811, 2, 2).requiresGrad(true);
        Tensor seed = randn(812, 2, 2);
        x.backward(seed);
        assertArrayEquals(seed.toDoubleArray(), x.grad().toDoubleArray(), 0.0);
    }
}
