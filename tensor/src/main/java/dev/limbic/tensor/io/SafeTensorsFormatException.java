package dev.limbic.tensor.io;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A safetensors file is malformed or inconsistent. The message always starts with the file's path
 * and names the tensor or header field at fault (and, for JSON syntax errors, the byte position).
 */
public final class SafeTensorsFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    SafeTensorsFormatException(Path file, String detail) {
        this(file, detail, null);
    }

    SafeTensorsFormatException(Path file, String detail, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + detail, cause);
        this.file = file;
    }

    /** The file that failed validation. */
    public Path file() {
        return file;
    }
}
