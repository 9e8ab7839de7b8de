package dev.limbic.models.encoder;

import dev.limbic.data.json.Json;
import dev.limbic.data.tokenize.Encoding;
import dev.limbic.data.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: a {@link Tokenizer} that knows only the texts of the MiniLM reference file and returns their
 * reference ids and tokens (ONNX Runtime's tokenizer output), so the text → vector path of the encoders can be
 * tested before and independently of the WordPiece implementation. Unknown texts are an error.
 */
final class ReferenceTokenizer implements Tokenizer {
  private final Map<String, Encoding> byText = new HashMap<>();

  ReferenceTokenizer(Path sentencesJsonl) throws IOException {
    for (Object o : Json.parseLines(sentencesJsonl)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      String where = sentencesJsonl + " index " + m.get("index");
      int[] ids = MiniLmParityTest.ints(Json.array(m, "ids", where));
      List<Object> toks = Json.array(m, "tokens", where);
      String[] tokens = toks.stream().map(String.class::cast).toArray(String[]::new);
      int[][] offsets = new int[ids.length][];
      for (int i = 0; i < ids.length; i++) {
        offsets[i] = new int[] {-1, -1};
      }
      byText.put(Json.string(m, "text", where), new Encoding(ids, tokens, offsets, new int[ids.length]));
    }
  }

  @Override
  public Encoding encode(String text) {
    Encoding e = byText.get(text);
    if (e == null) {
      throw new IllegalArgumentException("ReferenceTokenizer knows only the reference sentences, not: " + text);
    }
    return e;
  }

  @Override
  public Encoding encode(String text, int maxLength) {
    Encoding e = encode(text);
    if (e.length() <= maxLength) {
      return e;
    }
    int n = maxLength;
    int[] ids = java.util.Arrays.copyOf(e.ids(), n);
    String[] tokens = java.util.Arrays.copyOf(e.tokens(), n);
    ids[n - 1] = e.ids()[e.length() - 1];   // keep [SEP]
    tokens[n - 1] = e.tokens()[e.length() - 1];
    return new Encoding(ids, tokens, java.util.Arrays.copyOf(e.offsets(), n), new int[n]);
  }

  @Override
  public Encoding encodePair(String first, String second, int maxLength) {
    throw new UnsupportedOperationException("ReferenceTokenizer encodes single reference sentences only");
  }

  @Override
  public int padId() {
    return 0;
  }

  @Override
  public int vocabSize() {
    return 30522;
  }
}
