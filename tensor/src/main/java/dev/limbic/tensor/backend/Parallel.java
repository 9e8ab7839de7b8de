package dev.limbic.tensor.backend;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Limbic's one dedicated thread pool. Sized by {@code -Dlimbic.threads} (default: available processors);
 * {@code 1} runs every kernel on the caller's thread, for hosts that forbid creating threads.
 * The pool is created lazily on first parallel use, so a single-threaded host never starts a thread.
 *
 * <p>Workers spin for a short while after each task before they park ({@code -Dlimbic.spinMicros}, default 200;
 * 0 parks at once), as OpenMP runtimes do. A training step issues thousands of kernels of 10-100 µs each, and
 * waking a parked thread costs about as much on a VM, so with parking alone the second core arrived after the
 * caller had done most of the work. Spinning costs CPU only in the gaps between kernels, at most the window.
 */
public final class Parallel {

    /** Body of a parallel loop over {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final int THREADS = parseThreads();
    private static final long SPIN_NANOS = Math.max(0, Long.getLong("limbic.spinMicros", 200)) * 1000L;
    private static volatile WorkerPool pool;

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

    /** Queues {@code task} for a pool worker (the pool starts on first use). Tasks must not throw. */
    public static void execute(Runnable task) {
        WorkerPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new WorkerPool(THREADS - 1);
                    pool = p;
                }
            }
        }
        p.submit(task);
    }

    /** Whether the current thread is one of Limbic's pool workers (nested parallel loops then run inline). */
    public static boolean isWorkerThread() {
        return Thread.currentThread() instanceof Worker;
    }

    /**
     * {@code threads - 1} daemon workers sharing one queue; the caller is always the last participant. Never
     * the common ForkJoinPool, so Limbic does not compete with a host's own tasks.
     */
    private static final class WorkerPool {
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        private final Worker[] workers;
        private final AtomicInteger parked = new AtomicInteger();

        WorkerPool(int n) {
            workers = new Worker[Math.max(1, n)];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i);
                workers[i].start();
            }
        }

        void submit(Runnable task) {
            queue.offer(task);
            // Dekker pairing with Worker.run: a worker announces itself in `parked` before its last poll
            if (parked.get() > 0) {
                for (Worker w : workers) {
                    if (w.parked) {
                        LockSupport.unpark(w);
                    }
                }
            }
        }
    }

    private static final class Worker extends Thread {
        private final WorkerPool pool;
        volatile boolean parked;

        Worker(WorkerPool pool, int index) {
            super("limbic-worker-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Runnable task = pool.queue.poll();
                if (task != null) {
                    runQuietly(task);
                    idleSince = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                pool.parked.incrementAndGet();
                task = pool.queue.poll();   // re-check after announcing: a submit in between sees `parked`
                if (task == null) {
                    LockSupport.park(this);
                }
                pool.parked.decrementAndGet();
                parked = false;
                if (task != null) {
                    runQuietly(task);
                }
                idleSince = System.nanoTime();
            }
        }

        private static void runQuietly(Runnable task) {
            try {
                task.run();
            } catch (Throwable t) {
                // tasks report their own failures to the caller; never let one kill the worker
                System.getLogger(Parallel.class.getName()).log(System.Logger.Level.ERROR,
                        "uncaught failure in a Limbic pool task", t);
            }
        }
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
        for (int i = 1; i < chunks; i++) {
            execute(job::claimChunks);
        }
        job.claimChunks();
        job.awaitAndRethrow();
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
            // the chunks still running are short: spin first, so the caller is not parked and woken again
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (finished.getCount() > 0 && System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
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
