package dev.limbic.tensor.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.backend.Backends;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorGemmTest {

    @BeforeAll
    static void needsVectorModule() {
        // without the incubator module VectorGemm cannot even be initialised (the scalar-only CI pass)
        Assumptions.assumeTrue(Backends.vectorModulePresent(),
                "VectorGemm needs --add-modules jdk.incubator.vector (skipped in the scalar-only run)");
    }

    private static final int[] ODD = {1, 7, 13, 33, 65};

    /** A strided operand: element (r, c) at data[off + r*rs + c*cs]. */
    private record Mat(float[] data, int off, int rs, int cs) {
        float at(int r, int c) {
            return data[off + r * rs + c * cs];
        }
    }

    /** rows x cols matrix, row-major or transposed (column-major) storage, with a leading pad of {@code off}. */
    private static Mat random(Random rnd, int rows, int cols, boolean transposed, int off) {
        float[] data = new float[off + rows * cols + 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat() * 2f - 1f;
        }
        return transposed ? new Mat(data, off, 1, rows) : new Mat(data, off, cols, 1);
    }

    /**
     * Runs sgemm and checks every C element against a double-precision triple loop, with an error bound relative
     * to the magnitude of the dot-product terms; also checks that padding around C is left untouched.
     */
    private static void check(VectorGemm gemm, int m, int n, int k, boolean ta, boolean tb, int off, int ldcPad,
                              boolean accumulate, long seed) {
        Random rnd = new Random(seed);
        Mat a = random(rnd, m, k, ta, off);
        Mat b = random(rnd, k, n, tb, off + 1);
        int ldc = Math.max(1, n + ldcPad);
        int cOff = off + 2;
        float[] c = new float[cOff + m * ldc + 5];
        for (int i = 0; i < c.length; i++) {
            c[i] = rnd.nextFloat() * 2f - 1f;
        }
        float[] before = c.clone();
        gemm.sgemm(m, n, k, a.data(), a.off(), a.rs(), a.cs(), b.data(), b.off(), b.rs(), b.cs(),
                c, cOff, ldc, accumulate);
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertThat(c[idx]).as("padding at %d untouched", idx).isEqualTo(before[idx]);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double ref = accumulate ? before[cOff + i * ldc + j] : 0.0;
                double mag = accumulate ? Math.abs(ref) : 0.0;
                for (int p = 0; p < k; p++) {
                    double t = (double) a.at(i, p) * b.at(p, j);
                    ref += t;
                    mag += Math.abs(t);
                }
                float got = c[cOff + i * ldc + j];
                assertThat(Math.abs(got - ref))
                        .as("C(%d,%d) m=%d n=%d k=%d ta=%s tb=%s acc=%s", i, j, m, n, k, ta, tb, accumulate)
                        .isLessThanOrEqualTo(1e-5 * mag + 1e-6);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void oddSizesAgainstEachOther(int bits) {
        VectorGemm gemm = VectorGemm.forBits(bits);
        long seed = 1;
        for (int m : ODD) {
            for (int n : ODD) {
                for (int k : ODD) {
                    check(gemm, m, n, k, false, false, 0, 0, false, seed++);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void representativeSizesIncludingZeroAndBlockMultiples(int bits) {
        VectorGemm gemm = VectorGemm.forBits(bits);
        int[][] shapes = {
            {0, 7, 13}, {7, 0, 13}, {7, 13, 0}, {0, 0, 0}, {64, 64, 64}, {65, 64, 257}, {257, 33, 65},
            {33, 257, 13}, {1, 257, 64}, {257, 1, 33}, {1, 1, 257}, {64, 65, 1}, {13, 64, 7},
        };
        long seed = 100;
        for (int[] s : shapes) {
            for (boolean acc : new boolean[] {false, true}) {
                check(gemm, s[0], s[1], s[2], false, false, 0, 0, acc, seed++);
            }
        }
    }

    /** Few rows against a transposed B (x·Wᵀ of a small batch) take the Cᵀ = W·Aᵀ path; check it everywhere. */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void fewRowsAgainstTransposedBSwapOperands(int bits) {
        VectorGemm gemm = VectorGemm.forBits(bits);
        int[][] shapes = {{1, 4, 7}, {1, 257, 64}, {7, 33, 13}, {13, 384, 384}, {32, 128, 65}, {33, 257, 1},
            {64, 256, 129}, {64, 255, 33}, {65, 300, 17}};
        long seed = 300;
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean acc : new boolean[] {false, true}) {
                    check(gemm, s[0], s[1], s[2], ta, true, 2, 3, acc, seed++);
                }
            }
        }
    }

    /** C = A·B + bias on every path (tiny k, swapped few rows, direct A, packed A, split across the pool). */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void biasEpilogueMatchesProductPlusBias(int bits) {
        VectorGemm gemm = VectorGemm.forBits(bits);
        int[][] shapes = {{1, 7, 0}, {3, 5, 1}, {7, 33, 13}, {13, 384, 64}, {64, 300, 17}, {65, 129, 257},
            {257, 65, 33}, {300, 520, 700}};
        long seed = 400;
        for (int[] sh : shapes) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int biasStride : new int[] {1, 3}) {
                    Random rnd = new Random(seed++);
                    int m = sh[0];
                    int n = sh[1];
                    int k = sh[2];
                    Mat a = random(rnd, m, k, false, 1);
                    Mat b = random(rnd, k, n, tb, 2);
                    float[] bias = new float[5 + n * biasStride];
                    for (int i = 0; i < bias.length; i++) {
                        bias[i] = rnd.nextFloat() * 4f - 2f;
                    }
                    int ldc = n + 3;
                    float[] c = new float[4 + m * ldc];
                    Arrays.fill(c, 9f);
                    gemm.sgemmBias(m, n, k, a.data(), a.off(), a.rs(), a.cs(), b.data(), b.off(), b.rs(), b.cs(),
                            bias, 5, biasStride, c, 4, ldc);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double ref = bias[5 + j * biasStride];
                            double mag = Math.abs(ref);
                            for (int p = 0; p < k; p++) {
                                double t = (double) a.at(i, p) * b.at(p, j);
                                ref += t;
                                mag += Math.abs(t);
                            }
                            assertThat(Math.abs(c[4 + i * ldc + j] - ref)).as("C(%d,%d) %s tb=%s stride=%d", i, j,
                                    Arrays.toString(sh), tb, biasStride).isLessThanOrEqualTo(1e-5 * mag + 1e-6);
                        }
                        for (int j = n; j < ldc && 4 + i * ldc + j < c.length; j++) {
                            assertThat(c[4 + i * ldc + j]).as("padding").isEqualTo(9f);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void transposesOffsetsLdcAndAccumulate(int bits) {
        VectorGemm gemm = VectorGemm.forBits(bits);
        int[][] shapes = {{33, 65, 13}, {65, 33, 257}, {7, 64, 65}};
        long seed = 200;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                for (boolean acc : new boolean[] {false, true}) {
                    check(gemm, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 3, 5, acc, seed++);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void kZeroClearsOrKeepsC(int bits) {
        VectorGemm gemm = VectorGemm.forBits(bits);
        float[] c = {1, 2, 3, 4, 5, 6, 9};
        gemm.sgemm(2, 3, 0, new float[0], 0, 0, 1, new float[0], 0, 3, 1, c, 0, 3, true);
        assertThat(c).containsExactly(1, 2, 3, 4, 5, 6, 9);
        gemm.sgemm(2, 3, 0, new float[0], 0, 0, 1, new float[0], 0, 3, 1, c, 0, 3, false);
        assertThat(c).containsExactly(0, 0, 0, 0, 0, 0, 9);
    }

    /** Crosses every blocking edge: M and K blocks (with remainders), MR/NR remainders, all transposes. */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void largeCaseCrossingCacheBlocks(int bits) {
        VectorGemm gemm = VectorGemm.forBits(bits);
        assertThat(300).isGreaterThan(VectorGemm.MC);
        assertThat(390).isGreaterThan(Math.max(VectorGemm.KC, VectorGemm.KC_ONE_BLOCK));
        check(gemm, 300, 520, 390, false, false, 1, 3, false, 300);
        check(gemm, 300, 520, 390, true, true, 2, 0, true, 301);
        if (bits != 512 || VectorGemm.WIDE_REGS) { // emulated 512-bit is slow; one run covers its edges
            check(gemm, 300, 520, 390, true, false, 0, 1, false, 302);
            check(gemm, 300, 520, 390, false, true, 0, 0, true, 303);
        }
    }

    /** packA (vectorised 8 x 16 transposes where 512-bit vectors are native, scalar otherwise) against its definition. */
    @Test
    void packAMatchesDefinition() {
        Random rnd = new Random(500);
        int ars = 53; // row stride wider than kc, odd so rows start off any vector boundary
        float[] a = new float[3 + 21 * ars];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat();
        }
        for (int mr : new int[] {4, 8}) {
            for (int kc : new int[] {1, 16, 37, 48}) {
                int mc = 21;
                int mcPad = (mc + mr - 1) / mr * mr;
                float[] ap = new float[mcPad * kc];
                java.util.Arrays.fill(ap, Float.NaN);
                VectorGemm.packA(a, 3, ars, 1, mc, kc, mr, ap);
                for (int i = 0; i < mcPad; i++) {
                    for (int p = 0; p < kc; p++) {
                        float want = i < mc ? a[3 + i * ars + p] : 0f;
                        assertThat(ap[(i / mr * kc + p) * mr + i % mr]).as("mr=%d kc=%d A(%d,%d)", mr, kc, i, p)
                                .isEqualTo(want);
                    }
                }
            }
        }
    }

    /** packA of a transposed A (rs = 1, the k rows far apart), full panels and a partial/half-height last panel. */
    @Test
    void packATransposedMatchesDefinition() {
        Random rnd = new Random(501);
        int acs = 1157;   // k-row stride: a layer width, odd
        for (int mr : new int[] {4, 8}) {
            for (int tailMr : new int[] {0, mr / 2}) {
                for (int mc : new int[] {3, 8, 21, 24, 130}) {
                    for (int kc : new int[] {1, 16, 37}) {
                        float[] a = new float[5 + kc * acs];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = rnd.nextFloat();
                        }
                        int mcPad = (mc + mr - 1) / mr * mr;
                        float[] ap = new float[mcPad * kc];
                        java.util.Arrays.fill(ap, Float.NaN);
                        VectorGemm.packA(a, 5, 1, acs, mc, kc, mr, tailMr, ap);
                        for (int i0 = 0; i0 < mc; i0 += mr) {
                            int rows = Math.min(mr, mc - i0);
                            int width = rows <= tailMr ? tailMr : mr;
                            for (int p = 0; p < kc; p++) {
                                for (int r = 0; r < width; r++) {
                                    float want = r < rows ? a[5 + (i0 + r) + p * acs] : 0f;
                                    assertThat(ap[i0 * kc + p * width + r])
                                            .as("mr=%d tail=%d mc=%d kc=%d A(%d,%d)", mr, tailMr, mc, kc, i0 + r, p)
                                            .isEqualTo(want);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** N wider than one NC block per thread, so the jc loop runs more than once. */
    @Test
    void wideNCrossesNcBlocks() {
        int n = 2 * VectorGemm.NC + 100;
        check(VectorGemm.preferred(), 9, n, 20, false, false, 0, 0, false, 400);
        check(VectorGemm.preferred(), 9, n, 20, false, true, 0, 0, true, 401);
    }

    /** The pooled path (limbic.threads=2 in tests) gives bit-identical results to the single-thread blocks. */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void poolMatchesSingleThread(int bits) {
        VectorGemm gemm = VectorGemm.forBits(bits);
        int m = 300;
        int n = 520;
        int k = 270;
        for (boolean tallM : new boolean[] {false, true}) {
            int mm = tallM ? 2 * n : m; // m > n takes the split-along-M path, m < n the split-along-N path
            Random rnd = new Random(bits + mm);
            Mat a = random(rnd, mm, k, false, 0);
            Mat b = random(rnd, k, n, false, 0);
            float[] pooled = new float[mm * n];
            float[] serial = new float[mm * n];
            gemm.sgemm(mm, n, k, a.data(), 0, a.rs(), a.cs(), b.data(), 0, b.rs(), b.cs(), pooled, 0, n, false);
            VectorGemm.block(gemm.kernel(), 0, mm, 0, n, k, a.data(), 0, a.rs(), a.cs(), b.data(), 0, b.rs(),
                    b.cs(), null, serial, 0, n, false, null);
            assertThat(Arrays.mismatch(pooled, serial)).as("first differing element, m=%d", mm).isEqualTo(-1);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> VectorGemm.forBits(64)).isInstanceOf(IllegalArgumentException.class);
        VectorGemm gemm = VectorGemm.preferred();
        assertThatThrownBy(() -> gemm.sgemm(2, 3, 1, new float[2], 0, 1, 1, new float[3], 0, 3, 1, new float[6], 0,
                2, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gemm.sgemm(-1, 3, 1, new float[2], 0, 1, 1, new float[3], 0, 3, 1, new float[6], 0,
                3, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
