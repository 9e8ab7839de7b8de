package dev.limbic.tensor;

/**
 * Thread-local switch for graph recording, as in PyTorch. {@code try (var scope = GradMode.noGrad()) { ... }}
 * runs a block without recording; scopes nest and restore the previous mode on close.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** A scope with recording switched off. */
    public static Scope noGrad() {
        return set(false);
    }

    /** A scope with recording switched on (e.g. inside a no-grad region). */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        Scope scope = new Scope(flag, flag[0]);
        flag[0] = enabled;
        return scope;
    }

    /** Restores the previous mode when closed. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] flag;
        private final boolean previous;
        private boolean closed;

        private Scope(boolean[] flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                flag[0] = previous;
                closed = true;
            }
        }
    }
}
