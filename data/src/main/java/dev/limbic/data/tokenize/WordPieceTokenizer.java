package dev.limbic.data.tokenize;

import dev.limbic.data.json.Json;
import dev.limbic.data.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer, matching Hugging Face {@code tokenizers} (BertNormalizer, BertPreTokenizer,
 * WordPiece, BERT post-processing): ids, tokens and offsets agree with the reference on every MiniLM test
 * sentence.
 *
 * <p>Pipeline: special-token strings in the raw text ({@code [MASK]}, {@code [SEP]}, …) are matched first, as
 * Hugging Face does for its added tokens; the rest is normalised ({@link BertNormalizer}), split on whitespace
 * and around every punctuation character, and each word is split greedily into the longest vocabulary
 * entries, continuations carrying the {@code ##} prefix. A word longer than {@code maxInputCharsPerWord}
 * code points, or one that cannot be split, becomes a single {@code [UNK]}. Offsets are UTF-16 spans into the
 * original text.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer implements Tokenizer {

  /**
   * Normaliser switches, special-token strings and the defaults a tokenizer.json may carry.
   *
   * @param truncationMaxLength the file's truncation max_length, 0 when it has none (informational: the
   *     {@code encode} methods truncate only when given a maxLength)
   * @param paddingLength the file's fixed padding length, 0 when it has none or pads to the batch's longest
   * @param matchSpecialTokensInText whether special-token strings in the input text become their ids
   */
  public record Config(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase,
      String unkToken, String clsToken, String sepToken, String padToken, String maskToken,
      String continuingSubwordPrefix, int maxInputCharsPerWord, int truncationMaxLength, int paddingLength,
      boolean matchSpecialTokensInText) {

    public Config {
      if (maxInputCharsPerWord < 1) {
        throw new IllegalArgumentException("maxInputCharsPerWord must be positive, got " + maxInputCharsPerWord);
      }
      if (continuingSubwordPrefix == null) {
        throw new IllegalArgumentException("continuingSubwordPrefix must not be null");
      }
    }

    /** bert-base-uncased / MiniLM: lower-case and strip accents. */
    public static Config uncased() {
      return new Config(true, true, true, true, "[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]", "##", 100, 0, 0,
          true);
    }

    /** bert-base-cased: keep case and accents. */
    public static Config cased() {
      return new Config(true, true, false, false, "[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]", "##", 100, 0, 0,
          true);
    }
  }

  private final Map<String, Integer> vocab;
  private final String[] idToToken; // null where an id has no token
  private final Config config;
  private final BertNormalizer normalizer;
  private final Pieces.Special cls;
  private final Pieces.Special sep;
  private final int unkId;
  private final int padId;
  private final SpecialTokenSplitter specialsInText; // special and added tokens matched in the raw text

  private WordPieceTokenizer(Map<String, Integer> vocab, Config config, List<String> addedTokens, String source) {
    this.vocab = Map.copyOf(vocab);
    this.config = config;
    int maxId = -1;
    for (int id : vocab.values()) {
      maxId = Math.max(maxId, id);
    }
    idToToken = new String[maxId + 1];
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      idToToken[e.getValue()] = e.getKey();
    }
    normalizer = new BertNormalizer(config.cleanText(), config.handleChineseChars(), config.stripAccents(),
        config.lowercase());
    unkId = requireToken(config.unkToken(), "unknown", source);
    cls = new Pieces.Special(requireToken(config.clsToken(), "classifier", source), config.clsToken());
    sep = new Pieces.Special(requireToken(config.sepToken(), "separator", source), config.sepToken());
    padId = requireToken(config.padToken(), "padding", source);
    List<String> specials = new ArrayList<>();
    for (String s : new String[] {config.unkToken(), config.clsToken(), config.sepToken(), config.padToken(),
        config.maskToken()}) {
      if (config.matchSpecialTokensInText() && s != null && !s.isEmpty() && vocab.containsKey(s)
          && !specials.contains(s)) {
        specials.add(s);
      }
    }
    for (String s : addedTokens) { // added tokens are matched whatever matchSpecialTokensInText says
      if (!s.isEmpty() && !specials.contains(s)) {
        specials.add(s);
      }
    }
    specialsInText = new SpecialTokenSplitter(specials, vocab, null);
  }

  private int requireToken(String token, String role, String source) {
    return SpecialTokenSplitter.require(vocab, token, role, source);
  }

  // ---------------------------------------------------------------------------------------------------------
  // loading

  /** A tokenizer over an in-memory vocabulary (token → id); {@code source} names it in errors. */
  public static WordPieceTokenizer of(Map<String, Integer> vocab, Config config, String source) {
    Map<Integer, String> seen = new HashMap<>();
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      int id = e.getValue();
      if (id < 0) {
        throw new TokenizerFileException(source + ": token \"" + e.getKey() + "\" has negative id " + id);
      }
      String other = seen.put(id, e.getKey());
      if (other != null) {
        throw new TokenizerFileException(source + ": tokens \"" + other + "\" and \"" + e.getKey()
            + "\" share id " + id);
      }
    }
    return new WordPieceTokenizer(vocab, config, List.of(), source);
  }

  /**
   * Reads a BERT {@code vocab.txt}: one token per line, the id is the 0-based line number. Empty lines and
   * repeated tokens are errors naming the file and line.
   */
  public static WordPieceTokenizer fromVocabTxt(Path file, Config config) throws IOException {
    String text = decodeUtf8(Files.readAllBytes(file), file.toString());
    return fromVocabTxt(text, config, file.toString());
  }

  /** Parses the text of a {@code vocab.txt}; {@code source} names it in errors. */
  public static WordPieceTokenizer fromVocabTxt(String text, Config config, String source) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    Map<String, Integer> vocab = new HashMap<>();
    int lineStart = 0;
    int line = 0;
    while (lineStart < text.length()) {
      int nl = text.indexOf('\n', lineStart);
      int lineEnd = nl < 0 ? text.length() : nl;
      line++;
      String token = text.substring(lineStart, lineEnd);
      if (token.endsWith("\r")) {
        token = token.substring(0, token.length() - 1);
      }
      if (token.isEmpty()) {
        throw new TokenizerFileException(source + " line " + line + ": empty token (a vocabulary has one token "
            + "per line, blank lines are not allowed)");
      }
      Integer previous = vocab.putIfAbsent(token, line - 1);
      if (previous != null) {
        throw new TokenizerFileException(source + " line " + line + ": token \"" + token
            + "\" repeats line " + (previous + 1));
      }
      lineStart = nl < 0 ? text.length() : nl + 1;
    }
    if (vocab.isEmpty()) {
      throw new TokenizerFileException(source + ": the vocabulary is empty");
    }
    return new WordPieceTokenizer(vocab, config, List.of(), source);
  }

  /** Reads a Hugging Face {@code tokenizer.json} whose model is WordPiece. */
  public static WordPieceTokenizer fromTokenizerJson(Path file) throws IOException {
    return fromTokenizerJson(decodeUtf8(Files.readAllBytes(file), file.toString()), file.toString());
  }

  /** Reads a Hugging Face {@code tokenizer.json} from a stream (e.g. a class-path resource). */
  public static WordPieceTokenizer fromTokenizerJson(InputStream in, String source) throws IOException {
    return fromTokenizerJson(decodeUtf8(in.readAllBytes(), source), source);
  }

  /**
   * Parses a Hugging Face {@code tokenizer.json}: {@code model} (type WordPiece, vocab, unk_token,
   * continuing_subword_prefix, max_input_chars_per_word), {@code normalizer} (BertNormalizer: clean_text,
   * handle_chinese_chars, strip_accents — null means "same as lowercase" — and lowercase), the [CLS]/[SEP]
   * tokens of a BertProcessing or TemplateProcessing post-processor, added tokens, and the truncation and
   * padding settings. Unsupported components are errors naming the field.
   */
  public static WordPieceTokenizer fromTokenizerJson(String json, String source) {
    try {
      Map<String, Object> root = Json.parseObject(json, source);
      Map<String, Object> model = Json.object(root, "model", source);
      String modelType = model.containsKey("type") ? Json.string(model, "type", source + " model") : "WordPiece";
      if (!modelType.equals("WordPiece")) {
        throw new TokenizerFileException(source + ": model.type is \"" + modelType
            + "\", this tokenizer reads WordPiece models only");
      }
      Map<String, Object> vocabJson = Json.object(model, "vocab", source + " model");
      Map<String, Integer> vocab = new HashMap<>(vocabJson.size() * 2);
      for (String token : vocabJson.keySet()) {
        vocab.put(token, (int) checkedId(vocabJson, token, source + " model.vocab"));
      }
      String unk = model.containsKey("unk_token") ? Json.string(model, "unk_token", source + " model") : "[UNK]";
      String prefix = model.containsKey("continuing_subword_prefix")
          ? Json.string(model, "continuing_subword_prefix", source + " model") : "##";
      int maxChars = model.containsKey("max_input_chars_per_word")
          ? (int) Json.integer(model, "max_input_chars_per_word", source + " model") : 100;

      boolean cleanText = true;
      boolean chinese = true;
      boolean lowercase = true;
      Boolean strip = null;
      Object normalizerValue = root.get("normalizer");
      if (normalizerValue != null) {
        if (!(normalizerValue instanceof Map<?, ?>)) {
          throw new TokenizerFileException(source + ": field \"normalizer\" must be an object or null");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> n = (Map<String, Object>) normalizerValue;
        String where = source + " normalizer";
        String type = Json.string(n, "type", where);
        if (!type.equals("BertNormalizer")) {
          throw new TokenizerFileException(source + ": normalizer.type \"" + type
              + "\" is not supported (only BertNormalizer)");
        }
        cleanText = !n.containsKey("clean_text") || Json.bool(n, "clean_text", where);
        chinese = !n.containsKey("handle_chinese_chars") || Json.bool(n, "handle_chinese_chars", where);
        lowercase = !n.containsKey("lowercase") || Json.bool(n, "lowercase", where);
        if (n.get("strip_accents") != null) {
          strip = Json.bool(n, "strip_accents", where);
        }
      } else {
        cleanText = false;
        chinese = false;
        lowercase = false;
      }
      boolean stripAccents = strip != null ? strip : lowercase;

      Object pre = root.get("pre_tokenizer");
      if (pre instanceof Map<?, ?> preMap && !"BertPreTokenizer".equals(preMap.get("type"))) {
        throw new TokenizerFileException(source + ": pre_tokenizer.type \"" + preMap.get("type")
            + "\" is not supported (only BertPreTokenizer)");
      }

      String clsToken = "[CLS]";
      String sepToken = "[SEP]";
      Object post = root.get("post_processor");
      if (post instanceof Map<?, ?> postMapRaw) {
        @SuppressWarnings("unchecked")
        Map<String, Object> postMap = (Map<String, Object>) postMapRaw;
        String where = source + " post_processor";
        String type = Json.string(postMap, "type", where);
        if (type.equals("BertProcessing")) {
          clsToken = WordPieceTokenizer.tokenOfPair(postMap, "cls", where);
          sepToken = WordPieceTokenizer.tokenOfPair(postMap, "sep", where);
        } else if (type.equals("TemplateProcessing")) {
          List<Object> single = Json.array(postMap, "single", where);
          clsToken = templateSpecial(single.get(0), where + ".single[0]");
          sepToken = templateSpecial(single.get(single.size() - 1), where + ".single[" + (single.size() - 1)
              + "]");
        } else {
          throw new TokenizerFileException(source + ": post_processor.type \"" + type
              + "\" is not supported (BertProcessing or TemplateProcessing)");
        }
      }

      String padToken = "[PAD]";
      int paddingLength = 0;
      Object padding = root.get("padding");
      if (padding instanceof Map<?, ?> padRaw) {
        @SuppressWarnings("unchecked")
        Map<String, Object> pad = (Map<String, Object>) padRaw;
        String where = source + " padding";
        if (pad.containsKey("pad_token")) {
          padToken = Json.string(pad, "pad_token", where);
        }
        Object strategy = pad.get("strategy");
        if (strategy instanceof Map<?, ?> s && s.get("Fixed") instanceof Number fixed) {
          paddingLength = fixed.intValue();
        }
      }
      int truncation = 0;
      Object trunc = root.get("truncation");
      if (trunc instanceof Map<?, ?> truncRaw) {
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) truncRaw;
        truncation = (int) Json.integer(t, "max_length", source + " truncation");
      }

      List<String> addedRaw = new ArrayList<>(); // added tokens matched on the raw text (normalized: false)
      Object added = root.get("added_tokens");
      if (added instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          if (!(list.get(i) instanceof Map<?, ?> entryRaw)) {
            throw new TokenizerFileException(source + ": added_tokens[" + i + "] must be an object");
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> entry = (Map<String, Object>) entryRaw;
          String where = source + " added_tokens[" + i + "]";
          String content = Json.string(entry, "content", where);
          int id = (int) checkedId(entry, "id", where);
          Integer existing = vocab.putIfAbsent(content, id);
          if (existing != null && existing != id) {
            throw new TokenizerFileException(where + ": \"" + content + "\" has id " + id
                + " but the vocabulary gives it " + existing);
          }
          if (Boolean.FALSE.equals(entry.get("normalized"))) {
            addedRaw.add(content);
          }
        }
      }
      String mask = vocab.containsKey("[MASK]") ? "[MASK]" : null;
      Config config = new Config(cleanText, chinese, stripAccents, lowercase, unk, clsToken, sepToken, padToken,
          mask, prefix, maxChars, truncation, paddingLength, true);
      of(vocab, config, source); // checks ids
      return new WordPieceTokenizer(vocab, config, addedRaw, source);
    } catch (JsonException e) {
      throw new TokenizerFileException(e.getMessage(), e);
    }
  }

  /** The token of a post-processor's {@code ["[CLS]", 101]} field. */
  static String tokenOfPair(Map<String, Object> obj, String key, String where) {
    List<Object> pair = Json.array(obj, key, where);
    if (pair.isEmpty() || !(pair.get(0) instanceof String token)) {
      throw new TokenizerFileException(where + ": field \"" + key + "\" must be [token, id]");
    }
    return token;
  }

  private static String templateSpecial(Object piece, String where) {
    if (piece instanceof Map<?, ?> m && m.get("SpecialToken") instanceof Map<?, ?> st
        && st.get("id") instanceof String id) {
      return id;
    }
    throw new TokenizerFileException(where + ": expected a {\"SpecialToken\": {\"id\": …}} entry");
  }

  private static long checkedId(Map<String, Object> obj, String key, String where) {
    long id = Json.integer(obj, key, where);
    if (id < 0 || id > Integer.MAX_VALUE - 8) {
      throw new TokenizerFileException(where + ": id of \"" + key + "\" out of range: " + id);
    }
    return id;
  }

  static String decodeUtf8(byte[] bytes, String source) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new TokenizerFileException(source + ": not valid UTF-8 (" + e.getMessage() + ")", e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // encoding

  @Override
  public Encoding encode(String text) {
    Pieces content = tokenize(text);
    return Pieces.single(new Pieces.Special[] {cls}, content, content.size, new Pieces.Special[] {sep});
  }

  @Override
  public Encoding encode(String text, int maxLength) {
    Pieces content = tokenize(text);
    int keep = Pieces.singleBudget(content.size, maxLength, 2, "WordPiece encode");
    return Pieces.single(new Pieces.Special[] {cls}, content, keep, new Pieces.Special[] {sep});
  }

  @Override
  public Encoding encodePair(String first, String second, int maxLength) {
    Pieces a = tokenize(first);
    Pieces b = tokenize(second);
    int[] keep = Pieces.pairBudget(a.size, b.size, maxLength, 3, "WordPiece encodePair");
    return Pieces.pair(new Pieces.Special[] {cls}, a, keep[0], new Pieces.Special[] {sep}, b, keep[1],
        new Pieces.Special[] {sep}, 1);
  }

  /** The content tokens of {@code text}, without [CLS]/[SEP] and without truncation. */
  public Encoding encodeWithoutSpecialTokens(String text) {
    Pieces content = tokenize(text);
    return Pieces.single(new Pieces.Special[0], content, content.size, new Pieces.Special[0]);
  }

  private Pieces tokenize(String text) {
    return specialsInText.split(text, this::tokenizeSegment);
  }

  private void tokenizeSegment(String text, int from, int to, Pieces out) {
    if (from >= to) {
      return;
    }
    BertNormalizer.Normalized n = normalizer.normalize(text, from, to);
    int[] cps = n.codePoints();
    int i = 0;
    while (i < n.length()) {
      int cp = cps[i];
      if (UnicodeClasses.isWhiteSpace(cp)) {
        i++;
      } else if (UnicodeClasses.isBertPunctuation(cp)) {
        wordPiece(n, i, i + 1, out);
        i++;
      } else {
        int j = i + 1;
        while (j < n.length() && !UnicodeClasses.isWhiteSpace(cps[j]) && !UnicodeClasses.isBertPunctuation(cps[j])) {
          j++;
        }
        wordPiece(n, i, j, out);
        i = j;
      }
    }
  }

  /** Greedy longest-match-first split of the word {@code cps[from, to)}; [UNK] for the whole word on failure. */
  private void wordPiece(BertNormalizer.Normalized n, int from, int to, Pieces out) {
    int[] cps = n.codePoints();
    int[] start = n.start();
    int[] end = n.end();
    if (to - from > config.maxInputCharsPerWord()) {
      out.add(unkId, config.unkToken(), start[from], end[to - 1]);
      return;
    }
    int mark = out.size;
    int s = from;
    while (s < to) {
      String prefix = s > from ? config.continuingSubwordPrefix() : "";
      int e = to;
      Integer id = null;
      String piece = null;
      while (e > s) {
        piece = prefix + new String(cps, s, e - s);
        id = vocab.get(piece);
        if (id != null) {
          break;
        }
        e--;
      }
      if (id == null) {
        out.size = mark; // drop the partial split: the whole word is unknown
        out.add(unkId, config.unkToken(), start[from], end[to - 1]);
        return;
      }
      out.add(id, piece, start[s], end[e - 1]);
      s = e;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // decoding and accessors

  /**
   * Joins the tokens of {@code ids} back into text: special tokens dropped, {@code ##} continuations glued to
   * the previous token, and Hugging Face's clean-up of spaces before punctuation and English contractions.
   * Lower-casing and stripped accents are not undone.
   */
  public String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    String prefix = config.continuingSubwordPrefix();
    for (int id : ids) {
      String token = idToToken(id);
      if (isSpecial(token)) {
        continue;
      }
      if (!prefix.isEmpty() && token.startsWith(prefix)) {
        sb.append(token, prefix.length(), token.length());
      } else {
        if (!sb.isEmpty()) {
          sb.append(' ');
        }
        sb.append(token);
      }
    }
    return sb.toString().replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
        .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
        .replace(" 've", "'ve").replace(" 're", "'re");
  }

  /** [CLS], [SEP], [PAD] and [MASK], which decoding drops ([UNK] stays visible). */
  private boolean isSpecial(String token) {
    return token.equals(config.clsToken()) || token.equals(config.sepToken()) || token.equals(config.padToken())
        || token.equals(config.maskToken());
  }

  /** The token string of {@code id}. */
  public String idToToken(int id) {
    if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
      throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size " + vocabSize() + ")");
    }
    return idToToken[id];
  }

  /** The id of {@code token}, or -1 when it is not in the vocabulary. */
  public int tokenToId(String token) {
    Integer id = vocab.get(token);
    return id == null ? -1 : id;
  }

  public Config config() {
    return config;
  }

  public int unkId() {
    return unkId;
  }

  public int clsId() {
    return cls.id();
  }

  public int sepId() {
    return sep.id();
  }

  /** The [MASK] id, or -1 when the vocabulary has no mask token. */
  public int maskId() {
    return config.maskToken() == null ? -1 : tokenToId(config.maskToken());
  }

  @Override
  public int padId() {
    return padId;
  }

  @Override
  public int vocabSize() {
    return vocab.size();
  }

  @Override
  public String toString() {
    return "WordPieceTokenizer[vocab=" + vocab.size() + ", lowercase=" + config.lowercase() + ", stripAccents="
        + config.stripAccents() + "]";
  }
}
