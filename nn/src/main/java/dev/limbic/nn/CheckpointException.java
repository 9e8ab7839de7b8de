package dev.limbic.nn;

import java.nio.file.Path;

/**
 * A training checkpoint cannot be read or does not fit what it is restored into. The message starts with the file
 * and names the section and field at fault ({@code optim.type}, {@code counters.epoch}, ...).
 */
public final class CheckpointException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;

    CheckpointException(Path file, String field, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
        this.field = field;
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }

    /** The field or section at fault ({@code optim.type}, {@code model.*}, ...). */
    public String field() {
        return field;
    }
}
