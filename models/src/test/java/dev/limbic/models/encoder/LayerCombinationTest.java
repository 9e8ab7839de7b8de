package dev.limbic.models.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MODELS.md §3.2 on six constant "layers": entry i (0 = embeddings) is filled with the value 10·i. */
class LayerCombinationTest {

  private static List<Tensor> states() {
    List<Tensor> s = new ArrayList<>();
    for (int i = 0; i <= 6; i++) {
      s.add(Tensor.full(10.0 * i, dev.limbic.tensor.DType.F64, 1, 2, 3));
    }
    return s;
  }

  private static double value(LayerCombination c) {
    double[] v = c.combine(states()).toDoubleArray();
    for (double x : v) {
      assertThat(x).isEqualTo(v[0]);
    }
    return v[0];
  }

  @Test
  void presetsWeighTheLastFourLayers() {
    // the last four entries are layers 3..6 with values 30, 40, 50, 60
    assertThat(value(LayerCombination.last())).isEqualTo(60);
    assertThat(value(LayerCombination.avgLast4())).isEqualTo(45);
    assertThat(value(LayerCombination.last4Scalar(1, 1, 1, 1))).isCloseTo(180 / (4 + 1e-8), within(1e-12));
    assertThat(value(LayerCombination.last4ScalarUp())).isCloseTo(50 / (1 + 1e-8), within(1e-12));
    assertThat(value(LayerCombination.last4ScalarDown())).isCloseTo(40 / (1 + 1e-8), within(1e-12));
    assertThat(value(LayerCombination.last4ScalarTop2())).isCloseTo(45 / (1 + 1e-8), within(1e-12));
    assertThat(value(LayerCombination.last4ScalarTop2FlatFourWay())).isCloseTo(55 / (1 + 1e-8), within(1e-12));
    assertThat(LayerCombination.byName("last4_scalar_up")).isEqualTo(LayerCombination.last4ScalarUp());
  }

  @Test
  void shallowModelsAndUnknownNamesAreErrors() {
    List<Tensor> two = states().subList(0, 3);
    assertThat(LayerCombination.last().combine(two).toDoubleArray()[0]).isEqualTo(20);
    assertThatThrownBy(() -> LayerCombination.avgLast4().combine(two))
        .hasMessageContaining("needs the outputs of 4 layers, but the model has 2");
    assertThatThrownBy(() -> LayerCombination.byName("first")).hasMessageContaining("unknown layer combination");
  }

  @Test
  void concatenationsPutLayersSideBySide() {
    // states() are (1, 2, 3): concat_all gives layers 1..6 as six blocks of 3 columns, (1, 2, 18)
    Tensor all = LayerCombination.concatAll().combine(states());
    assertThat(all.shape()).containsExactly(1, 2, 18);
    double[] v = all.toDoubleArray();
    for (int t = 0; t < 2; t++) {
      for (int c = 0; c < 18; c++) {
        assertThat(v[t * 18 + c]).as("token %d column %d", t, c).isEqualTo(10.0 * (c / 3 + 1));
      }
    }
    Tensor some = LayerCombination.byName("concat:0, 6").combine(states());
    assertThat(some.shape()).containsExactly(1, 2, 6);
    assertThat(some.toDoubleArray()).containsExactly(0, 0, 0, 60, 60, 60, 0, 0, 0, 60, 60, 60);
    assertThat(LayerCombination.concat(6).combine(states()).toDoubleArray()[0]).isEqualTo(60);
    assertThat(LayerCombination.concatAll().blocks(6)).isEqualTo(6);
    assertThat(LayerCombination.concat(0, 6).blocks(6)).isEqualTo(2);
    assertThat(LayerCombination.last().blocks(6)).isEqualTo(1);
    assertThat(LayerCombination.byName("concat_all")).isEqualTo(LayerCombination.concatAll());
    assertThat(LayerCombination.concat(0, 6)).isEqualTo(LayerCombination.byName("concat:0,6"))
        .isNotEqualTo(LayerCombination.concat(6, 0));
    assertThat(LayerCombination.concatAll().describe()).isEqualTo("concat_all");
    assertThat(LayerCombination.concat(2, 4).describe()).isEqualTo("concat:2,4");
    assertThat(LayerCombination.byName(LayerCombination.concat(2, 4).describe())).isEqualTo(LayerCombination.concat(2, 4));
  }

  @Test
  void badConcatenationsAreNamed() {
    assertThatThrownBy(() -> LayerCombination.concat(1, 7).combine(states()))
        .hasMessageContaining("layer 7 does not exist (the model has 6 layers");
    assertThatThrownBy(() -> LayerCombination.byName("concat:1,x"))
        .hasMessageContaining("'x' is not a layer index");
    assertThatThrownBy(() -> LayerCombination.concat(-1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> LayerCombination.concat()).hasMessageContaining("at least one layer index");
  }
}
