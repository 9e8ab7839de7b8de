package dev.limbic.nn;

import java.nio.file.Path;
import java.util.List;

/** A state dict or checkpoint does not fit a module; lists every missing, unexpected and mis-shaped tensor. */
public final class StateDictException extends IllegalArgumentException {
    private final List<String> missingKeys;
    private final List<String> unexpectedKeys;
    private final List<String> shapeMismatches;

    StateDictException(Path source, String module, List<String> missing, List<String> unexpected,
            List<String> misShaped, boolean strict) {
        super(message(source, module, missing, unexpected, misShaped, strict));
        this.missingKeys = List.copyOf(missing);
        this.unexpectedKeys = List.copyOf(unexpected);
        this.shapeMismatches = List.copyOf(misShaped);
    }

    private static String message(Path source, String module, List<String> missing, List<String> unexpected,
            List<String> misShaped, boolean strict) {
        StringBuilder sb = new StringBuilder("cannot load ");
        sb.append(source == null ? "state dict" : "checkpoint " + source).append(" into ").append(module);
        sb.append(strict ? " (strict)" : " (non-strict)").append(':');
        if (!misShaped.isEmpty()) {
            sb.append("\n  shape mismatch (").append(misShaped.size()).append("): ").append(String.join("; ", misShaped));
        }
        if (strict && !missing.isEmpty()) {
            sb.append("\n  missing (").append(missing.size()).append("): ").append(String.join(", ", missing));
        }
        if (strict && !unexpected.isEmpty()) {
            sb.append("\n  unexpected (").append(unexpected.size()).append("): ").append(String.join(", ", unexpected));
        }
        return sb.toString();
    }

    public List<String> missingKeys() {
        return missingKeys;
    }

    public List<String> unexpectedKeys() {
        return unexpectedKeys;
    }

    public List<String> shapeMismatches() {
        return shapeMismatches;
    }
}
