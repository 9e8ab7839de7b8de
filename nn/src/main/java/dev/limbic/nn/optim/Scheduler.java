package dev.limbic.nn.optim;

import java.util.Map;

/**
 * A learning-rate schedule attached to an {@link Optimizer}, with its state as strings for checkpoints. Epoch
 * schedules ({@link LRScheduler}) advance with {@code step()}; {@link ReduceLROnPlateau} with
 * {@code step(metric)}.
 */
public interface Scheduler {

    /** Short type name stored in checkpoints; a state of another type is refused. */
    String type();

    /** The learning rate of each parameter group after the last step. */
    double[] lastLr();

    /** Counters, base learning rates and hyper-parameters ({@link Double#toString}: exact round trip). */
    Map<String, String> state();

    /**
     * Restores {@link #state()} of a scheduler of the same type over the same number of groups (PyTorch's
     * {@code load_state_dict}: the saved hyper-parameters replace the current ones). Does not touch the
     * optimiser's learning rates, which the optimiser's own state restores. Problems throw
     * {@link IllegalArgumentException} naming the field; nothing changes then.
     */
    void loadState(Map<String, String> state);
}
