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

    @Test
    void emptyRangeDoesNothing() {
        Parallel.forRange(0, 1, (from, to) -> {
            throw new AssertionError("must not run");
        });
    }
}
