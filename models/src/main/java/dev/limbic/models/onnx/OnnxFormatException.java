package dev.limbic.models.onnx;

import java.io.IOException;

/**
 * An ONNX file that cannot be read: truncated, not protobuf, or holding a tensor whose declared shape, type and
 * data disagree. The message names the file, the field path ({@code ModelProto.graph.initializer[12].raw_data})
 * and the byte offset where reading stopped.
 */
public final class OnnxFormatException extends IOException {
  public OnnxFormatException(String message) {
    super(message);
  }
}
