package dev.limbic.tensor.backend;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
     *
     * <p>The caller works too: it posts helpers to the pool and then claims chunks itself from a shared counter,
     * so a call never sits idle waiting for a worker to wake up (~100 µs on a busy VM); a helper that arrives
     * late finds nothing left and returns. Chunk boundaries depend only on {@code n} and the chunk count, so
     * results do not depend on which thread ran which chunk.
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
        RangeJob job = new RangeJob(body, n, chunks);
        ForkJoinPool p = pool();
        for (int i = 1; i < chunks; i++) {
            p.execute(job::claimChunks);
        }
        job.claimChunks();
        job.awaitAndRethrow();
    }

    private static boolean isWorkerThread() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    /** Chunks claimed from a counter by the caller and the helpers; the caller waits for the last one. */
    private static final class RangeJob {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch finished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        RangeJob(RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.finished = new CountDownLatch(chunks);
        }

        void claimChunks() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    if (failure.get() == null) {
                        body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.countDown();
                }
            }
        }

        void awaitAndRethrow() {
            boolean interrupted = false;
            while (true) {
                try {
                    finished.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;   // the chunks in flight still write into the caller's buffers: wait
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
