package dev.limbic.tensor.backend;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Selects the host backend once per JVM: {@code -Dlimbic.backend=scalar|vector} forces one; otherwise the Vector
 * API backend when the {@code jdk.incubator.vector} module is present, else the scalar backend with one log line
 * naming the flag that enables the fast path. The Vector implementation is loaded reflectively, so this class and
 * everything that uses it run on JVMs without the incubator module.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("dev.limbic.tensor");
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "dev.limbic.tensor.vector.VectorBackend";

    private static final ScalarBackend SCALAR = new ScalarBackend();
    private static volatile Backend host;

    private Backends() {
    }

    /** The reference backend. */
    public static ScalarBackend scalar() {
        return SCALAR;
    }

    /** The host backend selected for this JVM. */
    public static Backend host() {
        Backend b = host;
        if (b == null) {
            synchronized (Backends.class) {
                b = host;
                if (b == null) {
                    b = select();
                    host = b;
                }
            }
        }
        return b;
    }

    /** Whether the incubating Vector API module is resolvable in this JVM. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * A Vector API backend of the given species width (128, 256 or 512 bits; 0 = the CPU's preferred width).
     * @throws IllegalStateException if the incubator module is absent
     */
    public static Backend vector(int bits) {
        if (!vectorModulePresent()) {
            throw new IllegalStateException("the Vector API backend needs the JVM flag --add-modules "
                    + VECTOR_MODULE + " (the ./limbic launcher adds it)");
        }
        try {
            Class<?> c = Class.forName(VECTOR_CLASS);
            return (Backend) c.getConstructor(int.class).newInstance(bits);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("could not load the Vector API backend: " + e, e);
        }
    }

    private static Backend select() {
        String forced = System.getProperty("limbic.backend", "").trim().toLowerCase(Locale.ROOT);
        int bits = vectorBitsProperty();
        switch (forced) {
            case "scalar" -> {
                LOG.log(Level.INFO, "limbic: scalar backend (forced by -Dlimbic.backend=scalar)");
                return SCALAR;
            }
            case "vector" -> {
                return vector(bits);
            }
            case "" -> {
                if (!vectorModulePresent()) {
                    LOG.log(Level.INFO, "limbic: scalar backend; add the JVM flag --add-modules " + VECTOR_MODULE
                            + " for the Vector API kernels");
                    return SCALAR;
                }
                try {
                    return vector(bits);
                } catch (IllegalStateException e) {
                    LOG.log(Level.WARNING, "limbic: scalar backend; " + e.getMessage());
                    return SCALAR;
                }
            }
            default -> throw new IllegalArgumentException(
                    "-Dlimbic.backend must be 'scalar' or 'vector', got '" + forced + "'");
        }
    }

    private static int vectorBitsProperty() {
        String v = System.getProperty("limbic.vectorBits", "").trim();
        if (v.isEmpty()) {
            return 0;
        }
        return switch (v) {
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException("-Dlimbic.vectorBits must be 128, 256 or 512, got '" + v + "'");
        };
    }
}
