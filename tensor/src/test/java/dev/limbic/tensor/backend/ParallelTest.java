package dev.limbic.tensor.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void everyIndexIsVisitedExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 64, 1001}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            Parallel.forRange(n, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertThat(hits.get(i)).as("index %d of %d", i, n).isEqualTo(1);
            }
        }
    }

    @Test
    void aFailingChunkRethrowsInTheCaller() {
        assertThatThrownBy(() -> Parallel.forRange(100, 1, (from, to) -> {
            if (from == 0) {
                throw new IllegalStateException("chunk starting at 0 failed");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("chunk starting at 0");
    }

    @Test
    void nestedCallsRunInlineAndComplete() {
        AtomicIntegerArray hits = new AtomicIntegerArray(40);
        Parallel.forRange(4, 1, (f0, t0) -> {
            for (int o = f0; o < t0; o++) {
                int base = o * 10;
                Parallel.forRange(10, 1, (f1, t1) -> {
                    for (int i = f1; i < t1; i++) {
                        hits.incrementAndGet(base + i);
                    }
                });
            }
        });
        for (int i = 0; i < 40; i++) {
            assertThat(hits.get(i)).isEqualTo(1);
        }
    }

    /**
     * Workers spin, then park: alternate bursts of back-to-back loops (spinning workers) with pauses longer than
     * the spin window (parked workers), so a lost wake-up would hang here instead of in a user's training run.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void noLostWakeUpsBetweenSpinningAndParkedWorkers() throws InterruptedException {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 500; i++) {
                int n = 2 + (i % 7);
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, 1, (from, to) -> {
                    threads.add(Thread.currentThread().getName());
                    for (int k = from; k < to; k++) {
                        hits.incrementAndGet(k);
                    }
                });
                for (int k = 0; k < n; k++) {
                    assertThat(hits.get(k)).isEqualTo(1);
                }
            }
            Thread.sleep(round % 2 == 0 ? 1 : 0);   // 1 ms: past the default 200 µs spin, workers park
        }
        if (Parallel.threads() > 1) {
            assertThat(threads).anyMatch(name -> name.startsWith("limbic-worker-"));
            assertThat(Parallel.isWorkerThread()).isFalse();
        }
    }

    @Test
    void emptyRangeDoesNothing() {
        Parallel.forRange(0, 1, (from, to) -> {
            throw new AssertionError("must not run");
        });
    }
}
