package dev.limbic.models.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbic.data.json.JsonException;
import dev.limbic.nn.Activation;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.io.TensorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Name handling and errors of the checkpoint loader, on copies of roberta-tiny with renamed or missing tensors. */
class HuggingFaceCheckpointTest {

  private static Path tiny() {
    Path d = Path.of(System.getProperty("limbic.refs.robertaTiny", "../shared/refs/roberta-tiny"));
    Assumptions.assumeTrue(Files.isDirectory(d), "needs ../shared/refs/roberta-tiny (set -Dlimbic.refs.robertaTiny)");
    return d;
  }

  private static Tensor last(BertModel m) {
    int[] ids = {0, 17, 42, 5, 33, 2, 1, 1};
    int[] mask = {1, 1, 1, 1, 1, 1, 0, 0};
    return m.forward(ids, null, mask, 1, 8).lastHiddenState();
  }

  @Test
  void prefixedTaskCheckpointLoadsTheSameEncoder(@TempDir Path dir) throws IOException {
    Path src = tiny();
    Map<String, Tensor> plain = TensorFiles.load(src.resolve("model.safetensors"));
    Map<String, Tensor> prefixed = new LinkedHashMap<>();
    plain.forEach((k, v) -> prefixed.put("roberta." + k, v));
    prefixed.put("lm_head.dense.weight", Tensor.zeros(32, 32));
    prefixed.put("roberta.embeddings.position_ids", Tensor.ofLongs(new long[40], 1, 40));
    Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
    TensorFiles.save(prefixed, Map.of("format", "pt"), dir.resolve("model.safetensors"));

    HuggingFaceCheckpoint.Loaded a = HuggingFaceCheckpoint.load(src);
    HuggingFaceCheckpoint.Loaded b = HuggingFaceCheckpoint.load(dir);
    assertThat(b.skipped()).containsExactlyInAnyOrder("lm_head.dense.weight", "roberta.embeddings.position_ids");
    assertThat(last(b.model()).toFloatArray()).containsExactly(last(a.model()).toFloatArray());
  }

  @Test
  void missingTensorsAndFilesAreNamed(@TempDir Path dir) throws IOException {
    Path src = tiny();
    Map<String, Tensor> t = new LinkedHashMap<>(TensorFiles.load(src.resolve("model.safetensors")));
    t.remove("encoder.layer.1.output.dense.weight");
    Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
    Path weights = dir.resolve("model.safetensors");
    TensorFiles.save(t, Map.of(), weights);
    assertThatThrownBy(() -> HuggingFaceCheckpoint.load(dir))
        .hasMessageContaining(weights.toString())
        .hasMessageContaining("encoder.layer.1.output.dense.weight");
    Files.delete(weights);
    assertThatThrownBy(() -> HuggingFaceCheckpoint.load(dir)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("model.safetensors");
  }

  @Test
  void configFieldsAreReadAndCheckedByName(@TempDir Path dir) throws IOException {
    BertConfig c = BertConfig.fromJson(tiny().resolve("config.json"));
    assertThat(c.hidden()).isEqualTo(32);
    assertThat(c.heads()).isEqualTo(4);
    assertThat(c.layerNormEps()).isEqualTo(1e-5);
    assertThat(c.activation()).isEqualTo(Activation.Kind.GELU);
    assertThat(c.padTokenId()).isEqualTo(1);
    Path bad = dir.resolve("config.json");
    Files.writeString(bad, "{\"model_type\": \"bert\", \"vocab_size\": 10, \"hidden_size\": 8}");
    assertThatThrownBy(() -> BertConfig.fromJson(bad)).isInstanceOf(JsonException.class)
        .hasMessageContaining(bad.toString()).hasMessageContaining("num_hidden_layers");
    Files.writeString(bad, "{\"model_type\": \"bert\", \"vocab_size\": 10, \"hidden_size\": 8, \"num_hidden_layers\": 1,"
        + " \"num_attention_heads\": 3, \"intermediate_size\": 16, \"max_position_embeddings\": 8}");
    assertThatThrownBy(() -> BertConfig.fromJson(bad)).hasMessageContaining(bad.toString())
        .hasMessageContaining("heads 3 must divide hidden 8");
  }

  @Test
  void robertaPositionsSkipPaddingAndLongInputsAreRejected() throws IOException {
    BertModel m = HuggingFaceCheckpoint.load(tiny()).model();
    assertThat(m.embeddings().positionIds(new int[] {0, 5, 1, 7, 1}, 1, 5)).containsExactly(2, 3, 1, 4, 1);
    int[] longIds = new int[40];
    java.util.Arrays.fill(longIds, 5);
    assertThatThrownBy(() -> m.forward(longIds, null, null, 1, 40))
        .hasMessageContaining("at most 38 fit in max_position_embeddings 40");
  }

  @Test
  void bertCheckpointWithPrefixRoundTripsWithTokenTypes(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\", \"vocab_size\": 50, "
        + "\"hidden_size\": 16, \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"intermediate_size\": 32, "
        + "\"max_position_embeddings\": 12, \"type_vocab_size\": 2, \"layer_norm_eps\": 1e-12, "
        + "\"hidden_act\": \"gelu\", \"pad_token_id\": 0}");
    BertConfig config = BertConfig.fromJson(dir.resolve("config.json"));
    assertThat(config.positions()).isEqualTo(BertConfig.PositionScheme.ABSOLUTE);
    BertModel original = new BertModel(config, true, 11L);
    original.eval();
    Map<String, Tensor> prefixed = new LinkedHashMap<>();
    original.stateDict().forEach((k, v) -> prefixed.put("bert." + k, v));
    prefixed.put("cls.predictions.bias", Tensor.zeros(50));
    TensorFiles.save(prefixed, Map.of(), dir.resolve("model.safetensors"));
    HuggingFaceCheckpoint.Loaded loaded = HuggingFaceCheckpoint.load(dir);
    assertThat(loaded.skipped()).containsExactly("cls.predictions.bias");
    int[] ids = {101 % 50, 7, 8, 9, 3, 0, 0, 12, 13, 14, 15, 16};
    int[] types = {0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1};
    int[] mask = {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
    BertModel.Output a = original.forward(ids, types, mask, 2, 6);
    BertModel.Output b = loaded.model().forward(ids, types, mask, 2, 6);
    assertThat(b.lastHiddenState().toFloatArray()).containsExactly(a.lastHiddenState().toFloatArray());
    assertThat(b.pooled().toFloatArray()).containsExactly(a.pooled().toFloatArray());
    assertThat(b.hiddenStates()).hasSize(3);
    // token types change the result: segment B reads the other token-type row
    BertModel.Output noTypes = loaded.model().forward(ids, null, mask, 2, 6);
    assertThat(noTypes.lastHiddenState().toFloatArray()).isNotEqualTo(a.lastHiddenState().toFloatArray());
    assertThat(loaded.model().embeddings().positionIds(ids, 2, 6)).containsExactly(0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5);
  }
}
