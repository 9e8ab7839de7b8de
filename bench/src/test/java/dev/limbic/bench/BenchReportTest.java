package dev.limbic.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
