package dev.limbic.models.liminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class TinyRecursiveModelTest {

  @Test
  void parameterCountsMatchModelsMd() {
    assertThat(new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V1), 1).coreParameterCount()).isEqualTo(232_449);
    assertThat(new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V2), 1).coreParameterCount()).isEqualTo(298_497);
    assertThat(new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V3), 1).coreParameterCount()).isEqualTo(306_948);
    assertThat(new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V4), 1).coreParameterCount()).isEqualTo(317_540);
    assertThat(new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V6), 1).coreParameterCount()).isEqualTo(306_948);
    // the projection adds 384·128 + 128
    assertThat(new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V1), 1).parameterCount())
        .isEqualTo(232_449 + 384 * 128 + 128);
  }

  @Test
  void parameterNamesAreTheReferenceContract() {
    TinyRecursiveModel v4 = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V4), 1);
    assertThat(v4.namedParameters().keySet()).containsExactly(
        "proj.weight", "proj.bias", "ln3.weight", "ln3.bias", "fz.0.weight", "fz.0.bias", "fz.2.weight", "fz.2.bias",
        "ln2.weight", "ln2.bias", "fy.0.weight", "fy.0.bias", "fy.2.weight", "fy.2.bias", "lnz.weight", "lnz.bias",
        "affect_proj.weight", "affect_proj.bias", "affect_gate.weight", "affect_gate.bias",
        "attn.q.weight", "attn.q.bias", "attn.k.weight", "attn.k.bias", "attn.v.weight", "attn.v.bias",
        "attn.o.weight", "attn.o.bias", "pad_head.0.weight", "pad_head.0.bias", "pad_head.2.weight",
        "pad_head.2.bias", "rinse_head.0.weight", "rinse_head.0.bias", "rinse_head.2.weight", "rinse_head.2.bias");
    assertThat(new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V1), 1).namedParameters().keySet())
        .noneMatch(n -> n.startsWith("attn") || n.startsWith("pad_head") || n.startsWith("rinse_head"));
  }

  @Test
  void outputsHaveTheDocumentedShapes() {
    Tensor e = Tensor.randn(3, dev.limbic.tensor.DType.F32, 4, 384);
    Tensor a = Tensor.randn(4, dev.limbic.tensor.DType.F32, 4, 3).tanh();
    LiminalOutput v4 = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V4), 7).forward(e, a);
    assertThat(v4.y().shape()).containsExactly(4, 128);
    assertThat(v4.pad().shape()).containsExactly(4, 3);
    assertThat(v4.rinse().shape()).containsExactly(32);
    assertThat(v4.attention().shape()).containsExactly(4, 5, 5);
    assertThat(v4.confidence()).hasSize(5);
    for (double c : v4.confidence()) {
      assertThat(c).isStrictlyBetween(0.0, 1.0);
    }
    // the attention rows are probability distributions
    double[] att = v4.attention().toDoubleArray();
    for (int row = 0; row < 4 * 5; row++) {
      double s = 0;
      for (int j = 0; j < 5; j++) {
        s += att[row * 5 + j];
      }
      assertThat(s).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
    LiminalOutput v1 = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V1), 7).forward(e);
    assertThat(v1.confidence()).containsOnly(0.0);
    assertThat(v1.rinse()).isNull();
    assertThat(v1.attention()).isNull();
    for (double p : v1.pad().toDoubleArray()) {
      assertThat(Math.abs(p)).isLessThan(1.0);
    }
  }

  @Test
  void oneOuterIterationGivesATrivialAttentionMap() {
    TinyRecursiveModel m = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V4).withOuterIterations(1), 7);
    LiminalOutput o = m.forward(Tensor.randn(3, dev.limbic.tensor.DType.F32, 2, 384));
    assertThat(o.attention().shape()).containsExactly(2, 1, 1);
    assertThat(o.attention().toDoubleArray()).containsOnly(1.0);
  }

  @Test
  void everyParameterUsedByTheLossGetsAGradient() {
    Tensor e = Tensor.randn(3, dev.limbic.tensor.DType.F32, 4, 384);
    Tensor a = Tensor.randn(4, dev.limbic.tensor.DType.F32, 4, 3).tanh();
    TinyRecursiveModel m = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V4), 7);
    LiminalOutput o = m.forward(e, a);
    o.pad().sum().add(o.rinse().sum()).backward();
    m.namedParameters().forEach((name, p) -> {
      assertThat(p.grad()).as(name).isNotNull();
      assertThat(p.grad().abs().sum().item()).as(name).isGreaterThan(0.0);
    });
  }

  @Test
  void originalReadoutMapsSigmoidToTheScaledUnit() {
    Tensor e = Tensor.randn(3, dev.limbic.tensor.DType.F32, 2, 384);
    LiminalConfig cfg = LiminalConfig.of(LiminalVersion.V1);
    LiminalOutput plain = new TinyRecursiveModel(cfg, 9).forward(e);
    LiminalOutput orig = new TinyRecursiveModel(cfg.withOriginalReadout(true), 9).forward(e);
    double[] y = plain.y().toDoubleArray();
    double[] p = orig.pad().toDoubleArray();
    for (int b = 0; b < 2; b++) {
      assertThat(p[b * 3]).isCloseTo(Math.tanh(y[b * 128]), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(p[b * 3 + 1]).isCloseTo(2 / (1 + Math.exp(-y[b * 128 + 1])) - 1,
          org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void v6StoresOneMemoryEntryPerOuterIterationAndResetForgets() {
    TinyRecursiveModel m = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V6), 5);
    Tensor e = Tensor.randn(3, dev.limbic.tensor.DType.F32, 3, 384);
    LiminalOutput first = m.forward(e);
    assertThat(first.soul()).hasSize(5);
    assertThat(m.soulKernel().memory().size()).isEqualTo(5);
    // without affect every confidence is 0, so Faith is 0
    assertThat(first.soul()).allSatisfy(r -> assertThat(r.faith()).isZero());
    // the memory changes the next call: same input, different output
    LiminalOutput second = m.forward(e);
    assertThat(second.pad().toDoubleArray()).isNotEqualTo(first.pad().toDoubleArray());
    m.soulKernel().reset();
    assertThat(m.soulKernel().memory().size()).isZero();
    TinyRecursiveModel fresh = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V6), 5);
    assertThat(m.forward(e).pad().toDoubleArray()).isEqualTo(fresh.forward(e).pad().toDoubleArray());
  }

  @Test
  void badShapesAreClearErrors() {
    TinyRecursiveModel m = new TinyRecursiveModel(LiminalConfig.of(LiminalVersion.V1), 1);
    assertThatThrownBy(() -> m.forward(Tensor.zeros(2, 100))).hasMessageContaining("(B, 384)");
    assertThatThrownBy(() -> m.forward(Tensor.zeros(2, 384), Tensor.zeros(2, 4))).hasMessageContaining("(2, 3)");
    assertThatThrownBy(() -> LiminalVersion.parse("v5")).hasMessageContaining("v1, v2, v3, v4 or v6");
  }

  @Test
  void charCodeEncoderIsTheNotebooksEncoder() {
    CharCodeEncoder enc = new CharCodeEncoder(8);
    double[] v = enc.embed(List.of("Hi!", "abcdefghijk")).toDoubleArray();
    assertThat(v[0]).isEqualTo(72 / 128.0);
    assertThat(v[1]).isEqualTo(105 / 128.0);
    assertThat(v[2]).isEqualTo(33 / 128.0);
    assertThat(v[3]).isZero();
    assertThat(v[8 + 7]).isEqualTo(104 / 128.0);   // only the first 8 characters count
    assertThat(enc.fingerprint()).matches("[0-9a-f]{64}");
  }
}
