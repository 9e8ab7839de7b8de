package dev.limbic.models.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.nn.Parameter;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.io.TensorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Fine-tuning check: the tiny RoBERTa of {@code limbic.refs.robertaTiny} loaded from its Hugging Face files, run
 * forward on the reference batch (with padding), and differentiated through the whole encoder. Every hidden state,
 * the pooler output, the loss and the gradient of every parameter must match PyTorch, in F32 and in F64, within
 * the tolerances of the folder's README.
 */
class RobertaTinyParityTest {

  private static Path dir() {
    Path d = Path.of(System.getProperty("limbic.refs.robertaTiny", "../shared/refs/roberta-tiny"));
    Assumptions.assumeTrue(Files.isDirectory(d), "roberta-tiny parity needs ../shared/refs/roberta-tiny (set "
        + "-Dlimbic.refs.robertaTiny)");
    return d;
  }

  @Test
  void float32ForwardAndBackward() throws IOException {
    check(DType.F32, "reference.safetensors", 1e-5, 1e-4);
  }

  @Test
  void float64ForwardAndBackward() throws IOException {
    check(DType.F64, "reference_f64.safetensors", 1e-10, 1e-10);
  }

  private static void check(DType dtype, String referenceFile, double forwardTol, double gradTol) throws IOException {
    Path dir = dir();
    HuggingFaceCheckpoint.Loaded loaded = HuggingFaceCheckpoint.load(dir);
    BertModel model = loaded.model();
    model.to(dtype);
    assertThat(loaded.config().positions()).isEqualTo(BertConfig.PositionScheme.ROBERTA);
    assertThat(model.hasPooler()).isTrue();
    Map<String, Tensor> ref = TensorFiles.load(dir.resolve(referenceFile));
    Tensor idsT = ref.get("input_ids");
    int batch = idsT.size(0);
    int seq = idsT.size(1);
    int[] ids = idsT.to(DType.I64).toIntArray();
    int[] mask = ref.get("attention_mask").to(DType.I64).toIntArray();

    int[] positions = model.embeddings().positionIds(ids, batch, seq);
    assertThat(positions).as("RoBERTa position ids").containsExactly(ref.get("position_ids").toIntArray());

    BertModel.Output out = model.forward(ids, null, mask, batch, seq);
    double worstForward = 0;
    for (int i = 0; i < out.hiddenStates().size(); i++) {
      worstForward = Math.max(worstForward, assertClose("hidden_states." + i, out.hiddenStates().get(i),
          ref.get("hidden_states." + i), forwardTol));
    }
    worstForward = Math.max(worstForward, assertClose("last_hidden_state", out.lastHiddenState(),
        ref.get("last_hidden_state"), forwardTol));
    worstForward = Math.max(worstForward, assertClose("pooler_output", out.pooled(), ref.get("pooler_output"),
        forwardTol));
    Tensor loss = out.lastHiddenState().mul(ref.get("R").to(dtype)).sum();
    worstForward = Math.max(worstForward, assertClose("loss", loss.reshape(1), ref.get("loss"),
        forwardTol * Math.max(1, Math.abs(ref.get("loss").item()))));
    loss.backward();

    double worstGrad = 0;
    int checked = 0;
    for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
      Tensor expected = ref.get("grad." + e.getKey());
      assertThat(expected).as("reference gradient for " + e.getKey()).isNotNull();
      Tensor g = e.getValue().grad();
      Tensor actual = g != null ? g : Tensor.zeros(dtype, e.getValue().shape());   // pooler: unused by the loss
      worstGrad = Math.max(worstGrad, assertClose("grad." + e.getKey(), actual, expected, gradTol));
      checked++;
    }
    long referenceGrads = ref.keySet().stream().filter(k -> k.startsWith("grad.")).count();
    assertThat(checked).as("parameters vs reference gradients").isEqualTo((int) referenceGrads);
    System.out.printf("roberta-tiny %s: forward max abs %.3g, %d parameter gradients max abs %.3g%n", dtype,
        worstForward, checked, worstGrad);
  }

  static double assertClose(String what, Tensor actual, Tensor expected, double tol) {
    assertThat(actual).as(what).isNotNull();
    assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
    double[] a = actual.toDoubleArray();
    double[] b = expected.toDoubleArray();
    double worst = 0;
    int at = -1;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs(a[i] - b[i]);
      if (!(d <= worst)) {
        worst = d;
        at = i;
      }
    }
    assertThat(worst).as(what + " max abs difference (flat index " + at + ", shape "
        + Arrays.toString(expected.shape()) + ")").isLessThanOrEqualTo(tol);
    return worst;
  }
}
