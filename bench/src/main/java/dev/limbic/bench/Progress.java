package dev.limbic.bench;

import java.io.PrintStream;

/** Step counter with elapsed time and an ETA from the planned step weights, printed one line per step. */
final class Progress {
    private final PrintStream out;
    private final double[] weights;
    private final long start = System.nanoTime();
    private int done = -1;

    Progress(PrintStream out, double... weights) {
        this.out = out;
        this.weights = weights;
    }

    void step(String what) {
        done++;
        double total = 0;
        double finished = 0;
        for (int i = 0; i < weights.length; i++) {
            total += weights[i];
            if (i < done) {
                finished += weights[i];
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        String eta = finished > 0 ? String.format("%.0fs", elapsed * (total - finished) / finished) : "?";
        int width = 24;
        int filled = (int) Math.round(width * finished / total);
        out.printf("[%s%s] %d/%d  elapsed %.0fs  ETA %s  %s%n", "#".repeat(filled), ".".repeat(width - filled),
                Math.min(done + 1, weights.length), weights.length, elapsed, eta, what);
        out.flush();
    }
}
