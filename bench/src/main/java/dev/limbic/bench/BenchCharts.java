package dev.limbic.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** PNG charts of a benchmark run: SGEMM GFLOP/s beside OpenBLAS, and every row's speed ratio. */
final class BenchCharts {
    private BenchCharts() {
    }

    /** Writes {@code sgemm.png} and {@code ratios.png} into {@code dir} (atomically); returns their paths. */
    static List<Path> write(List<BenchRunner.Row> rows, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> written = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        List<Double> limbic = new ArrayList<>();
        List<Double> peer = new ArrayList<>();
        for (BenchRunner.Row r : rows) {
            if (r.unit().equals("GFLOP/s")) {
                shapes.add(r.benchmark().replace("SGEMM ", ""));
                limbic.add(zeroIfNaN(r.limbic()));
                peer.add(zeroIfNaN(r.peer()));
            }
        }
        if (!shapes.isEmpty()) {
            CategoryChart gemm = new CategoryChartBuilder().width(1100).height(560)
                    .title("SGEMM fp32, 2 threads (same run)").xAxisTitle("(M x K) @ (K x N)")
                    .yAxisTitle("GFLOP/s").build();
            style(gemm);
            gemm.addSeries("Limbic", shapes, limbic).setFillColor(new Color(0x2E7D32));
            gemm.addSeries("OpenBLAS (numpy)", shapes, peer).setFillColor(new Color(0x9E9E9E));
            written.add(save(gemm, dir.resolve("sgemm.png")));
        }
        List<String> names = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (BenchRunner.Row r : rows) {
            // per-op overhead rows (µs, ratios of 8-20x) would flatten every kernel bar: they stay in the table
            if (!Double.isNaN(r.ratio()) && !r.unit().equals("us")) {
                names.add(r.benchmark().replace(" (kernel, preallocated output)", " [kernel]"));
                ratios.add(r.ratio());
            }
        }
        if (!names.isEmpty()) {
            CategoryChart ratio = new CategoryChartBuilder().width(1300).height(700)
                    .title("Kernel speed relative to the peer measured in the same run (>1: Limbic faster)")
                    .yAxisTitle("ratio").build();
            style(ratio);
            ratio.getStyler().setLegendVisible(false);
            ratio.addSeries("ratio", names, ratios).setFillColor(new Color(0x1565C0));
            written.add(save(ratio, dir.resolve("ratios.png")));
        }
        return written;
    }

    private static double zeroIfNaN(double v) {
        return Double.isNaN(v) ? 0.0 : v;
    }

    private static void style(CategoryChart chart) {
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(35);
    }

    private static Path save(CategoryChart chart, Path target) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, png);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
