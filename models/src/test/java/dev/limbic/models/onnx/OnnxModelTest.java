package dev.limbic.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.models.encoder.MiniLm;
import dev.limbic.models.encoder.OnnxBertImport;
import dev.limbic.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX reader on small graphs written here field by field (raw_data, packed and unpacked float_data, int64_data,
 * a MatMul → Add chain), on the real MiniLM file, and on broken inputs, whose errors must name the file and field.
 */
class OnnxModelTest {

  /** Protobuf wire-format writer for building test models. */
  static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long v) {
      tag(field, 0);
      raw(v);
      return this;
    }

    Proto bytes(int field, byte[] b) {
      tag(field, 2);
      raw(b.length);
      out.writeBytes(b);
      return this;
    }

    Proto string(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto m) {
      return bytes(field, m.toByteArray());
    }

    Proto fixed32(int field, float f) {
      tag(field, 5);
      int bits = Float.floatToIntBits(f);
      for (int i = 0; i < 4; i++) {
        out.write(bits >>> (8 * i));
      }
      return this;
    }

    private void tag(int field, int wire) {
      raw(((long) field << 3) | wire);
    }

    private void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  static byte[] floatsLe(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  static Proto rawTensor(String name, float[] data, long... dims) {
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);   // unpacked dims
    }
    return t.varint(2, OnnxTensor.FLOAT).string(8, name).bytes(9, floatsLe(data));
  }

  static Proto node(String op, String name, String[] in, String out) {
    Proto n = new Proto();
    for (String i : in) {
      n.string(1, i);
    }
    return n.string(2, out).string(3, name).string(4, op);
  }

  /** y = x · W + b with W stored [in=2, out=3] under an anonymous name, as torch.onnx writes Linear layers. */
  static byte[] linearModel(boolean namedBias) {
    Proto graph = new Proto()
        .message(1, node("MatMul", "mm", new String[] {"x", "onnx::MatMul_7"}, "prod"))
        .message(1, node("Add", "add", new String[] {namedBias ? "dense.bias" : "c", "prod"}, "y"))
        .message(5, rawTensor("onnx::MatMul_7", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
        .message(5, rawTensor("dense.bias", new float[] {0.5f, 0.25f, 0.125f}, 3))
        .message(11, new Proto().string(1, "x"))
        .message(12, new Proto().string(1, "y"));
    return new Proto().varint(1, 8).string(2, "test").message(7, graph).toByteArray();
  }

  @Test
  void readsInitializersNodesAndIo() throws IOException {
    OnnxModel m = OnnxModel.parse(linearModel(true), "linear.onnx");
    assertThat(m.irVersion()).isEqualTo(8);
    assertThat(m.inputs()).containsExactly("x");
    assertThat(m.outputs()).containsExactly("y");
    assertThat(m.nodes()).extracting(OnnxNode::opType).containsExactly("MatMul", "Add");
    OnnxTensor w = m.initializer("onnx::MatMul_7");
    assertThat(w.dims()).containsExactly(2, 3);
    assertThat(w.floats()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(m.consumers("prod")).extracting(OnnxNode::name).containsExactly("add");
  }

  @Test
  void readsTypedDataFieldsPackedAndUnpacked() throws IOException {
    Proto packedDims = new Proto().bytes(1, new byte[] {2, 2});   // dims [2, 2] packed
    Proto packed = packedDims.varint(2, OnnxTensor.FLOAT).string(8, "packed").bytes(4, floatsLe(1, 2, 3, 4));
    Proto unpacked = new Proto().varint(1, 2).varint(2, OnnxTensor.FLOAT).string(8, "unpacked")
        .fixed32(4, 7f).fixed32(4, -1f);
    Proto longs = new Proto().varint(1, 3).varint(2, OnnxTensor.INT64).string(8, "ids")
        .varint(7, 5).varint(7, -2L).varint(7, 1L << 40);
    Proto graph = new Proto().message(5, packed).message(5, unpacked).message(5, longs);
    OnnxModel m = OnnxModel.parse(new Proto().message(7, graph).toByteArray(), "typed.onnx");
    assertThat(m.initializer("packed").floats()).containsExactly(1, 2, 3, 4);
    assertThat(m.initializer("unpacked").floats()).containsExactly(7, -1);
    assertThat(m.initializer("ids").longs()).containsExactly(5, -2, 1L << 40);
    assertThatThrownBy(() -> m.initializer("ids").floats()).hasMessageContaining("'ids' has data_type 7 (INT64)");
    assertThatThrownBy(() -> m.initializer("nope")).hasMessageContaining("typed.onnx: the graph has no initializer "
        + "'nope'");
  }

  @Test
  void bertImportNamesAnonymousWeightsThroughTheirBiasAdd() throws IOException {
    Map<String, Tensor> state = OnnxBertImport.stateDict(OnnxModel.parse(linearModel(true), "linear.onnx"));
    assertThat(state.keySet()).containsExactlyInAnyOrder("dense.weight", "dense.bias");
    Tensor w = state.get("dense.weight");   // transposed to [out, in]
    assertThat(w.shape()).containsExactly(3, 2);
    assertThat(w.toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
    assertThatThrownBy(() -> OnnxBertImport.stateDict(OnnxModel.parse(linearModel(false), "nobias.onnx")))
        .hasMessageContaining("nobias.onnx: the Add after MatMul 'mm' (weight 'onnx::MatMul_7') has no named bias");
  }

  @Test
  void truncatedFilesNameFileAndField() {
    byte[] full = linearModel(true);
    for (int cut : new int[] {1, 7, full.length / 2, full.length - 3}) {
      byte[] part = java.util.Arrays.copyOf(full, cut);
      assertThatThrownBy(() -> OnnxModel.parse(part, "cut.onnx"))
          .isInstanceOf(OnnxFormatException.class)
          .hasMessageStartingWith("cut.onnx: ")
          .hasMessageContaining("ModelProto")
          .hasMessageContaining("byte offset");
    }
  }

  @Test
  void inconsistentTensorsAreReported() {
    Proto bad = new Proto().varint(1, 2).varint(1, 3).varint(2, OnnxTensor.FLOAT).string(8, "w")
        .bytes(9, floatsLe(1, 2, 3));
    byte[] file = new Proto().message(7, new Proto().message(5, bad)).toByteArray();
    assertThatThrownBy(() -> OnnxModel.parse(file, "bad.onnx"))
        .hasMessageContaining("bad.onnx: ModelProto.graph.initializer[0]: initializer 'w': raw_data holds 12 bytes "
            + "but dims [2, 3] of FLOAT need 24");
    Proto external = new Proto().varint(1, 1).varint(2, OnnxTensor.FLOAT).string(8, "e").varint(14, 1);
    byte[] ext = new Proto().message(7, new Proto().message(5, external)).toByteArray();
    assertThatThrownBy(() -> OnnxModel.parse(ext, "ext.onnx")).hasMessageContaining("data_location EXTERNAL");
    assertThatThrownBy(() -> OnnxModel.parse("not a model at all".getBytes(StandardCharsets.UTF_8), "text.onnx"))
        .isInstanceOf(OnnxFormatException.class).hasMessageStartingWith("text.onnx: ");
    assertThatThrownBy(() -> OnnxModel.parse(new Proto().varint(1, 8).toByteArray(), "empty.onnx"))
        .hasMessageContaining("empty.onnx: ModelProto.graph is missing");
  }

  @Test
  void realMiniLmFileTruncatedIsAnErrorNamingTheFile(@TempDir Path tmp) throws IOException {
    byte[] full;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(MiniLm.ONNX_RESOURCE)) {
      org.junit.jupiter.api.Assumptions.assumeTrue(in != null, "needs the MiniLM jar " + MiniLm.ARTIFACT);
      full = in.readAllBytes();
    }
    OnnxModel m = OnnxModel.parse(full, "minilm");
    assertThat(m.initializers()).hasSize(102);
    assertThat(m.initializers().keySet().stream().filter(k -> k.startsWith("onnx::MatMul_"))).hasSize(36);
    assertThat(OnnxBertImport.stateDict(m).keySet().stream().filter(k -> k.endsWith(".weight")
        && k.startsWith("encoder.") && !k.contains("LayerNorm"))).hasSize(36);
    Path cut = tmp.resolve("cut.onnx");
    Files.write(cut, java.util.Arrays.copyOf(full, full.length / 2));
    assertThatThrownBy(() -> OnnxModel.read(cut))
        .isInstanceOf(OnnxFormatException.class)
        .hasMessageStartingWith(cut.toString())
        .hasMessageContaining("ModelProto");
  }
}
