package dev.limbic.tensor.backend;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * Limbic's one dedicated thread pool. Sized by {@code -Dlimbic.threads} (default: available processors);
 * {@code 1} runs every kernel on the caller's thread, for hosts that forbid creating threads.
 * The pool is created lazily on first parallel use, so a single-threaded host never starts a thread.
 */
public final class Parallel {

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final int THREADS = parseThreads();
    private static volatile ForkJoinPool pool;

    private Parallel() {
    }

    /** Number of worker threads kernels may use (1 = caller thread only). */
    public static int threads() {
        return THREADS;
    }

    private static int parseThreads() {
        String value = System.getProperty("limbic.threads");
        if (value == null || value.isBlank()) {
            return Math.max(1, Runtime.getRuntime().availableProcessors());
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new IllegalArgumentException("-Dlimbic.threads must be >= 1, got " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dlimbic.threads must be an integer, got '" + value + "'", e);
        }
    }

    /** The dedicated pool; never the common pool, so Limbic does not compete with a host's own tasks. */
    public static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(THREADS, Parallel::newWorker, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    private static ForkJoinWorkerThread newWorker(ForkJoinPool p) {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
        t.setName("limbic-worker-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous chunks of at least
     * {@code minChunk} items. Runs inline when one chunk suffices, when limbic.threads=1, or when already on a
     * Limbic worker (nested parallelism would only add overhead).
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks <= 1 || isWorkerThread()) {
            body.run(0, n);
            return;
        }
        pool().invoke(new RangeTask(body, n, chunks, 0, chunks));
    }

    private static boolean isWorkerThread() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    private static final class RangeTask extends RecursiveAction {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final int firstChunk;
        private final int endChunk;

        RangeTask(RangeBody body, int n, int chunks, int firstChunk, int endChunk) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.firstChunk = firstChunk;
            this.endChunk = endChunk;
        }

        @Override
        protected void compute() {
            if (endChunk - firstChunk == 1) {
                int from = (int) ((long) n * firstChunk / chunks);
                int to = (int) ((long) n * endChunk / chunks);
                body.run(from, to);
                return;
            }
            int mid = (firstChunk + endChunk) >>> 1;
            RangeTask right = new RangeTask(body, n, chunks, mid, endChunk);
            right.fork();
            new RangeTask(body, n, chunks, firstChunk, mid).compute();
            right.join();
        }
    }
}
