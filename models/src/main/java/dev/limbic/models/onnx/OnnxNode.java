package dev.limbic.models.onnx;

import java.util.List;

/**
 * One graph node ({@code NodeProto}): its operator and the value names it reads and writes. Attributes are not
 * kept: weight mapping only needs the data flow.
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs) {
  public OnnxNode {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
