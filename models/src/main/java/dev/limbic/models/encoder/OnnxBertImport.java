package dev.limbic.models.encoder;

import dev.limbic.models.onnx.OnnxFormatException;
import dev.limbic.models.onnx.OnnxModel;
import dev.limbic.models.onnx.OnnxNode;
import dev.limbic.models.onnx.OnnxTensor;
import dev.limbic.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes the weights of a BERT encoder exported to ONNX by {@code torch.onnx} (all-MiniLM-L6-v2 and the like) and
 * names them as Hugging Face does.
 *
 * <p>Biases, LayerNorm parameters and embedding tables keep their names in the export. The Linear weights do not:
 * the exporter stores each as an anonymous initializer {@code onnx::MatMul_N} of shape {@code [in, out]} that
 * feeds a {@code MatMul}. Each is therefore identified by following the data flow: its MatMul's output must be read
 * by exactly one {@code Add} whose other input is a named bias {@code X.bias}; the weight becomes {@code X.weight},
 * transposed to PyTorch's {@code [out, in]}. Query, key and value are separate MatMuls in this export.
 */
public final class OnnxBertImport {
  private OnnxBertImport() {
  }

  /** The Hugging Face state dict (no {@code bert.} prefix) of an exported BERT graph. */
  public static Map<String, Tensor> stateDict(OnnxModel onnx) throws OnnxFormatException {
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (OnnxTensor t : onnx.initializers().values()) {
      String name = t.name();
      if (name.startsWith("onnx::") || name.equals("embeddings.position_ids")) {
        continue;   // anonymous weights are named below; position ids are 0..T-1 and computed
      }
      if (t.dataType() != OnnxTensor.FLOAT) {
        continue;
      }
      state.put(stripPrefix(name), t.toTensor());
    }
    int mapped = 0;
    for (OnnxNode node : onnx.nodes()) {
      if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
        continue;
      }
      OnnxTensor weight = onnx.initializers().get(node.inputs().get(1));
      if (weight == null) {
        continue;   // activation × activation (attention scores, context)
      }
      String weightName = weightNameFor(onnx, node, weight);
      if (state.containsKey(weightName)) {
        throw new OnnxFormatException(onnx.source() + ": two MatMuls map to '" + weightName + "' (second: "
            + weight.name() + ")");
      }
      Tensor w = weight.toTensor();   // (in, out)
      Tensor bias = state.get(weightName.substring(0, weightName.length() - ".weight".length()) + ".bias");
      if (w.dim() != 2 || bias == null || bias.size(0) != w.size(1)) {
        throw new OnnxFormatException(onnx.source() + ": initializer '" + weight.name() + "' of shape "
            + Arrays.toString(w.shape()) + " does not fit its bias for '" + weightName + "'");
      }
      state.put(weightName, w.t().contiguous());   // (out, in)
      mapped++;
    }
    if (mapped == 0) {
      throw new OnnxFormatException(onnx.source() + ": no MatMul with a weight initializer followed by a bias Add; "
          + "not a BERT export this importer understands");
    }
    return state;
  }

  private static String weightNameFor(OnnxModel onnx, OnnxNode matmul, OnnxTensor weight)
      throws OnnxFormatException {
    String product = matmul.outputs().get(0);
    List<OnnxNode> users = onnx.consumers(product);
    if (users.size() != 1 || !users.get(0).opType().equals("Add")) {
      throw new OnnxFormatException(onnx.source() + ": MatMul '" + matmul.name() + "' with weight '"
          + weight.name() + "' is not followed by exactly one Add (found " + users.stream().map(OnnxNode::opType)
          .toList() + "); cannot tell which Linear it belongs to");
    }
    OnnxNode add = users.get(0);
    for (String in : add.inputs()) {
      if (!in.equals(product) && in.endsWith(".bias") && onnx.initializers().containsKey(in)) {
        return stripPrefix(in.substring(0, in.length() - ".bias".length())) + ".weight";
      }
    }
    throw new OnnxFormatException(onnx.source() + ": the Add after MatMul '" + matmul.name() + "' (weight '"
        + weight.name() + "') has no named bias input: " + add.inputs());
  }

  private static String stripPrefix(String name) {
    for (String p : List.of("bert.", "roberta.")) {
      if (name.startsWith(p)) {
        return name.substring(p.length());
      }
    }
    return name;
  }
}
