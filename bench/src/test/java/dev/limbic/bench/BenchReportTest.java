package dev.limbic.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report and charts render from rows, including rows whose peer is missing. */
class BenchReportTest {

    @Test
    void ratiosFollowTheUnitsDirection() {
        assertThat(new BenchRunner.Row("g", "GFLOP/s", 200, "p", 100, true).ratio()).isEqualTo(2.0);
        assertThat(new BenchRunner.Row("t", "ms", 2, "p", 1, false).ratio()).isEqualTo(0.5);
        assertThat(new BenchRunner.Row("t", "ms", 2, "p", Double.NaN, false).ratio()).isNaN();
    }

    @Test
    void roundsFoldIntoMedianFiguresAndTheMedianOfTheirOwnRatios() {
        // round 3's Limbic figure is the fastest and its peer the slowest: a ratio of medians would mix rounds
        List<List<BenchRunner.Row>> rounds = List.of(
                List.of(new BenchRunner.Row("enc", "ms", 80, "PyTorch", 72, false),
                        new BenchRunner.Row("gemm", "GFLOP/s", 200, "OpenBLAS", Double.NaN, true)),
                List.of(new BenchRunner.Row("enc", "ms", 90, "PyTorch", 99, false),
                        new BenchRunner.Row("gemm", "GFLOP/s", 220, "OpenBLAS", 200, true)),
                List.of(new BenchRunner.Row("enc", "ms", 70, "PyTorch", 140, false),
                        new BenchRunner.Row("gemm", "GFLOP/s", 210, "OpenBLAS", 300, true)));
        List<BenchRunner.Row> combined = BenchRunner.combine(rounds);
        BenchRunner.Row enc = combined.get(0);
        assertThat(enc.limbic()).isEqualTo(80);
        assertThat(enc.peer()).isEqualTo(99);
        assertThat(enc.roundRatios()).containsExactly(0.9, 1.1, 2.0);
        assertThat(enc.ratio()).isEqualTo(1.1);
        assertThat(enc.ratioRange()).containsExactly(0.9, 2.0);
        BenchRunner.Row gemm = combined.get(1);
        assertThat(gemm.limbic()).isEqualTo(210);
        assertThat(gemm.peer()).isEqualTo(250);   // the missing round is left out, the two others averaged
        assertThat(gemm.ratio()).isCloseTo((1.1 + 0.7) / 2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(BenchRunner.median(List.of())).isNaN();
    }

    @Test
    void roundsThatListDifferentBenchmarksAreRefused() {
        assertThatThrownBy(() -> BenchRunner.combine(List.of(
                List.of(new BenchRunner.Row("a", "ms", 1, "p", 1, false)),
                List.of(new BenchRunner.Row("b", "ms", 1, "p", 1, false)))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'a' and 'b'");
    }

    @Test
    void theCombinedReportShowsEachRatioRange(@TempDir Path dir) {
        List<BenchRunner.Row> combined = BenchRunner.combine(List.of(
                List.of(new BenchRunner.Row("enc", "ms", 80, "PyTorch", 72, false)),
                List.of(new BenchRunner.Row("enc", "ms", 90, "PyTorch", 99, false))));
        BenchRunner.Config config = new BenchRunner.Config(dir, dir, true, true, 2, false, true, false, null, 2);
        String md = BenchRunner.render(combined, new PeerResults(), config);
        assertThat(md).contains("| benchmark | unit | Limbic | peer | peer figure | ratio | range |")
                .contains("| enc | ms | 85.000 | PyTorch | 85.500 | 1.00x | 0.90-1.10x |")
                .contains("2 rounds, the peers measured before Limbic in odd rounds");
        assertThatThrownBy(() -> new BenchRunner.Config(dir, dir, true, true, 2, false, true, false, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds must be >= 1");
    }

    @Test
    void reportAndChartsAreWritten(@TempDir Path dir) throws Exception {
        List<BenchRunner.Row> rows = List.of(
                new BenchRunner.Row("SGEMM (64x64)@(64x64)", "GFLOP/s", 100, "OpenBLAS (numpy)", 110, true),
                new BenchRunner.Row("SGEMM (128x128)@(128x128)", "GFLOP/s", 160, "OpenBLAS (numpy)", Double.NaN, true),
                new BenchRunner.Row("softmax 4096x512 infer", "ms", 2.0, "PyTorch", 1.0, false));
        PeerResults peers = new PeerResults();
        peers.problems.add("torch_kernels.py: exited 1");
        String md = BenchRunner.render(rows, peers, new BenchRunner.Config(dir, dir, true, true, 2));
        assertThat(md).contains("| SGEMM (64x64)@(64x64) | GFLOP/s | 100.0 | OpenBLAS (numpy) | 110.0 | 0.91x |")
                .contains("| - |").contains("torch_kernels.py: exited 1");
        List<Path> charts = BenchCharts.write(rows, dir);
        assertThat(charts).hasSize(2);
        for (Path p : charts) {
            byte[] head = Files.readAllBytes(p);
            assertThat(head.length).isGreaterThan(1000);
            assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }
}
