package dev.limbic.data.tokenize;

import dev.limbic.data.json.Json;
import dev.limbic.data.json.JsonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE as in GPT-2 and RoBERTa: the text is cut by {@link Gpt2PreTokenizer}, each piece is UTF-8
 * encoded and every byte replaced by its printable stand-in ({@link #byteToUnicode()}), then adjacent symbols
 * are merged by rank (the line of the pair in the merges file) until no ranked pair is left, and each symbol
 * is looked up in the vocabulary. Any string encodes without an unknown token.
 *
 * <p>Two flavours: {@link #gpt2} adds no special tokens; {@link #roberta} wraps a text as
 * {@code <s> text </s>} and a pair as {@code <s> a </s></s> b </s>} (all type ids 0, as RoBERTa has one
 * token type), pads with {@code <pad>}, and recognises the special-token strings ({@code <mask>} …) in the input
 * text, where {@code <mask>} also takes the spaces before it (Hugging Face's lstrip).
 *
 * <p>Offsets are UTF-16 spans into the original text; the leading space that a piece carries is left out of
 * its token's span (Hugging Face's trim_offsets), and a token holding part of a multi-byte character spans
 * that whole character. Immutable and thread-safe; the per-piece BPE result cache is a bounded concurrent map.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {

  /** RoBERTa's special tokens; {@code mask} may be null. */
  public record SpecialTokens(String bos, String eos, String pad, String unk, String mask) {
    public static SpecialTokens roberta() {
      return new SpecialTokens("<s>", "</s>", "<pad>", "<unk>", "<mask>");
    }
  }

  private static final int CACHE_LIMIT = 20_000;
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[512];

  static {
    // GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other 68 bytes take the
    // characters from U+0100 on, in byte order (space 0x20 becomes U+0120 'Ġ', newline U+010A 'Ċ').
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char c = printable ? (char) b : (char) (256 + n++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private final Map<String, Integer> vocab;
  private final String[] idToToken;
  private final Map<String, Integer> mergeRanks; // "left right" → rank
  private final SpecialTokens specials; // null: GPT-2, no special tokens
  private final boolean addPrefixSpace;
  private final int padId;
  private final int unkId; // -1 when the vocabulary has no unknown token
  private final Pieces.Special bos;
  private final Pieces.Special eos;
  private final SpecialTokenSplitter specialsInText;
  private final ConcurrentHashMap<String, String[]> cache = new ConcurrentHashMap<>();

  private ByteLevelBpeTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks,
      SpecialTokens specials, boolean addPrefixSpace, String source) {
    this.vocab = Map.copyOf(vocab);
    this.mergeRanks = Map.copyOf(mergeRanks);
    this.specials = specials;
    this.addPrefixSpace = addPrefixSpace;
    int maxId = -1;
    for (int id : vocab.values()) {
      maxId = Math.max(maxId, id);
    }
    idToToken = new String[maxId + 1];
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      idToToken[e.getValue()] = e.getKey();
    }
    List<String> inText = new ArrayList<>();
    if (specials != null) {
      bos = new Pieces.Special(require(specials.bos(), "begin-of-sequence", source), specials.bos());
      eos = new Pieces.Special(require(specials.eos(), "end-of-sequence", source), specials.eos());
      padId = require(specials.pad(), "padding", source);
      unkId = require(specials.unk(), "unknown", source);
      for (String s : new String[] {specials.bos(), specials.eos(), specials.pad(), specials.unk(),
          specials.mask()}) {
        if (s != null && vocab.containsKey(s) && !inText.contains(s)) {
          inText.add(s);
        }
      }
    } else {
      bos = null;
      eos = null;
      Integer endOfText = vocab.get("<|endoftext|>");
      padId = endOfText == null ? 0 : endOfText; // GPT-2 has no pad token; HF pads with <|endoftext|>
      unkId = -1;
    }
    // <mask> absorbs the whitespace before it (RoBERTa's lstrip)
    specialsInText = new SpecialTokenSplitter(inText, vocab, specials == null ? null : specials.mask());
  }

  private int require(String token, String role, String source) {
    return SpecialTokenSplitter.require(vocab, token, role, source);
  }

  // ---------------------------------------------------------------------------------------------------------
  // loading

  /** GPT-2: {@code encoder.json} (or vocab.json) and {@code vocab.bpe} (or merges.txt); no special tokens. */
  public static ByteLevelBpeTokenizer gpt2(Path vocabJson, Path merges) throws IOException {
    return load(vocabJson, merges, null, false);
  }

  /** RoBERTa: {@code vocab.json} and {@code merges.txt} with {@code <s> </s> <pad> <unk> <mask>}. */
  public static ByteLevelBpeTokenizer roberta(Path vocabJson, Path merges, boolean addPrefixSpace)
      throws IOException {
    return load(vocabJson, merges, SpecialTokens.roberta(), addPrefixSpace);
  }

  /** Loads any vocab/merges pair; {@code specials} null means none are added (GPT-2 style). */
  public static ByteLevelBpeTokenizer load(Path vocabJson, Path merges, SpecialTokens specials,
      boolean addPrefixSpace) throws IOException {
    Map<String, Integer> vocab = readVocab(
        WordPieceTokenizer.decodeUtf8(Files.readAllBytes(vocabJson), vocabJson.toString()), vocabJson.toString());
    Map<String, Integer> ranks = readMerges(
        WordPieceTokenizer.decodeUtf8(Files.readAllBytes(merges), merges.toString()), merges.toString(), vocab);
    return new ByteLevelBpeTokenizer(vocab, ranks, specials, addPrefixSpace, vocabJson.toString());
  }

  /** From texts already in memory; {@code vocabSource}, {@code mergesSource} name them in errors. */
  public static ByteLevelBpeTokenizer of(String vocabJson, String vocabSource, String merges, String mergesSource,
      SpecialTokens specials, boolean addPrefixSpace) {
    Map<String, Integer> vocab = readVocab(vocabJson, vocabSource);
    return new ByteLevelBpeTokenizer(vocab, readMerges(merges, mergesSource, vocab), specials, addPrefixSpace,
        vocabSource);
  }

  /** A JSON object token → id with distinct non-negative ids. */
  static Map<String, Integer> readVocab(String json, String source) {
    Map<String, Object> obj;
    try {
      obj = Json.parseObject(json, source);
    } catch (JsonException e) {
      throw new TokenizerFileException(e.getMessage(), e);
    }
    return vocabFrom(obj, source);
  }

  private static Map<String, Integer> vocabFrom(Map<String, Object> obj, String source) {
    if (obj.isEmpty()) {
      throw new TokenizerFileException(source + ": the vocabulary is empty");
    }
    Map<String, Integer> vocab = new HashMap<>(obj.size() * 2);
    Map<Integer, String> byId = new HashMap<>(obj.size() * 2);
    for (Map.Entry<String, Object> e : obj.entrySet()) {
      if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE - 8) {
        throw new TokenizerFileException(source + ": token \"" + e.getKey()
            + "\" must map to a non-negative integer id, found " + e.getValue());
      }
      String other = byId.put(id.intValue(), e.getKey());
      if (other != null) {
        throw new TokenizerFileException(source + ": tokens \"" + other + "\" and \"" + e.getKey()
            + "\" share id " + id);
      }
      vocab.put(e.getKey(), id.intValue());
    }
    return vocab;
  }

  /**
   * Merges, one {@code left right} pair per line in rank order; an optional {@code #version} first line and
   * blank lines are skipped. A line without exactly two space-separated symbols, a repeated pair, or a pair
   * whose merged symbol is not in the vocabulary is an error naming the file and line.
   */
  static Map<String, Integer> readMerges(String text, String source, Map<String, Integer> vocab) {
    String[] lines = text.split("\n", -1);
    List<String> entries = new ArrayList<>(lines.length);
    List<String> labels = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
        continue;
      }
      entries.add(line);
      labels.add(source + " line " + (i + 1));
    }
    if (entries.isEmpty()) {
      throw new TokenizerFileException(source + ": no merges found");
    }
    return rankMerges(entries, labels, vocab);
  }

  /** Ranks {@code "left right"} entries in order; {@code labels.get(i)} names entry i in errors. */
  private static Map<String, Integer> rankMerges(List<String> entries, List<String> labels,
      Map<String, Integer> vocab) {
    Map<String, Integer> ranks = new HashMap<>(entries.size() * 2);
    for (int i = 0; i < entries.size(); i++) {
      String line = entries.get(i);
      int space = line.indexOf(' ');
      if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
        throw new TokenizerFileException(labels.get(i) + ": expected two symbols separated by one space, found \""
            + line + "\"");
      }
      String merged = line.substring(0, space) + line.substring(space + 1);
      if (!vocab.containsKey(merged)) {
        throw new TokenizerFileException(labels.get(i) + ": the merge \"" + line + "\" makes \"" + merged
            + "\", which is not in the vocabulary");
      }
      Integer previous = ranks.putIfAbsent(line, i);
      if (previous != null) {
        throw new TokenizerFileException(labels.get(i) + ": the merge \"" + line + "\" repeats "
            + labels.get(previous));
      }
    }
    return ranks;
  }

  /**
   * Reads a Hugging Face {@code tokenizer.json} whose model is byte-level BPE: {@code model.vocab},
   * {@code model.merges} ("a b" strings or [a, b] pairs), the ByteLevel pre-tokenizer's add_prefix_space,
   * added tokens, and a RobertaProcessing post-processor (then {@code <s>}/{@code </s>} wrap the text; a
   * ByteLevel or absent post-processor means GPT-2 style, no special tokens).
   */
  public static ByteLevelBpeTokenizer fromTokenizerJson(Path file) throws IOException {
    return fromTokenizerJson(WordPieceTokenizer.decodeUtf8(Files.readAllBytes(file), file.toString()),
        file.toString());
  }

  /** Parses the text of a BPE {@code tokenizer.json}; {@code source} names it in errors. */
  @SuppressWarnings("unchecked")
  public static ByteLevelBpeTokenizer fromTokenizerJson(String json, String source) {
    try {
      Map<String, Object> root = Json.parseObject(json, source);
      Map<String, Object> model = Json.object(root, "model", source);
      String type = Json.string(model, "type", source + " model");
      if (!type.equals("BPE")) {
        throw new TokenizerFileException(source + ": model.type is \"" + type
            + "\", expected BPE for a byte-level BPE tokenizer");
      }
      Map<String, Object> vocabJson = Json.object(model, "vocab", source + " model");
      Map<String, Integer> vocab = vocabFrom(vocabJson, source + " model.vocab");
      Object added = root.get("added_tokens");
      if (added instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          String where = source + " added_tokens[" + i + "]";
          if (!(list.get(i) instanceof Map<?, ?> entryRaw)) {
            throw new TokenizerFileException(where + " must be an object");
          }
          Map<String, Object> entry = (Map<String, Object>) entryRaw;
          String content = Json.string(entry, "content", where);
          long id = Json.integer(entry, "id", where);
          Integer existing = vocab.putIfAbsent(content, (int) id);
          if (existing != null && existing != id) {
            throw new TokenizerFileException(where + ": \"" + content + "\" has id " + id
                + " but the vocabulary gives it " + existing);
          }
        }
      }
      List<Object> mergesJson = Json.array(model, "merges", source + " model");
      List<String> entries = new ArrayList<>(mergesJson.size());
      List<String> labels = new ArrayList<>(mergesJson.size());
      for (int i = 0; i < mergesJson.size(); i++) {
        Object m = mergesJson.get(i);
        String label = source + " model.merges[" + i + "]";
        if (m instanceof String str) {
          entries.add(str);
        } else if (m instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String l
            && pair.get(1) instanceof String r) {
          entries.add(l + " " + r);
        } else {
          throw new TokenizerFileException(label + ": expected \"left right\" or [left, right], found "
              + Json.typeName(m));
        }
        labels.add(label);
      }
      if (entries.isEmpty()) {
        throw new TokenizerFileException(source + ": model.merges is empty");
      }
      Map<String, Integer> ranks = rankMerges(entries, labels, vocab);

      boolean addPrefixSpace = false;
      Object pre = root.get("pre_tokenizer");
      if (pre instanceof Map<?, ?> preRaw) {
        Map<String, Object> preMap = (Map<String, Object>) preRaw;
        String preType = Json.string(preMap, "type", source + " pre_tokenizer");
        if (!preType.equals("ByteLevel")) {
          throw new TokenizerFileException(source + ": pre_tokenizer.type \"" + preType
              + "\" is not supported (only ByteLevel)");
        }
        if (preMap.containsKey("use_regex") && !Json.bool(preMap, "use_regex", source + " pre_tokenizer")) {
          throw new TokenizerFileException(source + ": pre_tokenizer.use_regex false is not supported");
        }
        addPrefixSpace = preMap.containsKey("add_prefix_space")
            && Json.bool(preMap, "add_prefix_space", source + " pre_tokenizer");
      }
      SpecialTokens specials = null;
      Object post = root.get("post_processor");
      if (post instanceof Map<?, ?> postRaw) {
        Map<String, Object> postMap = (Map<String, Object>) postRaw;
        String postType = Json.string(postMap, "type", source + " post_processor");
        if (postType.equals("RobertaProcessing")) {
          String cls = WordPieceTokenizer.tokenOfPair(postMap, "cls", source + " post_processor");
          String sep = WordPieceTokenizer.tokenOfPair(postMap, "sep", source + " post_processor");
          String pad = "<pad>";
          if (root.get("padding") instanceof Map<?, ?> padRaw && padRaw.get("pad_token") instanceof String p) {
            pad = p;
          }
          String unk = model.get("unk_token") instanceof String u ? u : "<unk>";
          specials = new SpecialTokens(cls, sep, pad, unk, vocab.containsKey("<mask>") ? "<mask>" : null);
        } else if (!postType.equals("ByteLevel")) {
          throw new TokenizerFileException(source + ": post_processor.type \"" + postType
              + "\" is not supported (RobertaProcessing or ByteLevel)");
        }
      }
      return new ByteLevelBpeTokenizer(vocab, ranks, specials, addPrefixSpace, source);
    } catch (JsonException e) {
      throw new TokenizerFileException(e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // encoding

  @Override
  public Encoding encode(String text) {
    Pieces content = tokenize(text);
    return Pieces.single(prefix(), content, content.size, suffix());
  }

  @Override
  public Encoding encode(String text, int maxLength) {
    Pieces content = tokenize(text);
    int keep = Pieces.singleBudget(content.size, maxLength, prefix().length + suffix().length, "BPE encode");
    return Pieces.single(prefix(), content, keep, suffix());
  }

  @Override
  public Encoding encodePair(String first, String second, int maxLength) {
    Pieces a = tokenize(first);
    Pieces b = tokenize(second);
    Pieces.Special[] middle = specials == null ? new Pieces.Special[0] : new Pieces.Special[] {eos, eos};
    int added = prefix().length + middle.length + suffix().length;
    int[] keep = Pieces.pairBudget(a.size, b.size, maxLength, added, "BPE encodePair");
    return Pieces.pair(prefix(), a, keep[0], middle, b, keep[1], suffix(), specials == null ? 1 : 0);
  }

  /** The BPE tokens of {@code text} alone: no special tokens, no truncation. */
  public Encoding encodeWithoutSpecialTokens(String text) {
    Pieces content = tokenize(text);
    return Pieces.single(new Pieces.Special[0], content, content.size, new Pieces.Special[0]);
  }

  private Pieces.Special[] prefix() {
    return specials == null ? new Pieces.Special[0] : new Pieces.Special[] {bos};
  }

  private Pieces.Special[] suffix() {
    return specials == null ? new Pieces.Special[0] : new Pieces.Special[] {eos};
  }

  private Pieces tokenize(String text) {
    return specialsInText.split(text, this::tokenizeSegment);
  }

  private void tokenizeSegment(String text, int from, int to, Pieces out) {
    if (from >= to) {
      return;
    }
    // With add_prefix_space the segment is tokenised as " " + text; the added space maps to position `from`.
    boolean prefixed = addPrefixSpace && text.charAt(from) != ' ';
    String work = prefixed ? " " + text.substring(from, to) : text.substring(from, to);
    int shift = prefixed ? from - 1 : from; // work index + shift = text index
    int[] ends = Gpt2PreTokenizer.split(work, 0, work.length());
    int pieceStart = 0;
    for (int end : ends) {
      encodePiece(work, pieceStart, end, shift, prefixed ? from : -1, out);
      pieceStart = end;
    }
  }

  /**
   * BPE-encodes {@code work[from, to)}. Byte b of the piece's UTF-8 comes from the UTF-16 span
   * {@code [charStart[b], charEnd[b])} of {@code work}; spans are shifted into the original text.
   */
  private void encodePiece(String work, int from, int to, int shift, int prefixPos, Pieces out) {
    byte[] utf8 = work.substring(from, to).getBytes(StandardCharsets.UTF_8);
    int[] charStart = new int[utf8.length]; // (bytes)
    int[] charEnd = new int[utf8.length]; // (bytes)
    char[] mapped = new char[utf8.length];
    int b = 0;
    for (int i = from; i < to; ) {
      int cp = work.codePointAt(i);
      int next = i + Character.charCount(cp);
      int bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (int k = 0; k < bytes; k++) {
        charStart[b] = i;
        charEnd[b] = next;
        b++;
      }
      i = next;
    }
    for (int k = 0; k < utf8.length; k++) {
      mapped[k] = BYTE_TO_CHAR[utf8[k] & 0xFF];
    }
    String[] symbols = bpe(new String(mapped));
    int byteIndex = 0;
    for (String symbol : symbols) {
      int first = byteIndex;
      int last = byteIndex + symbol.length() - 1; // one stand-in character per byte
      byteIndex += symbol.length();
      Integer id = vocab.get(symbol);
      if (id == null) {
        if (unkId < 0) {
          throw new IllegalStateException("BPE: symbol \"" + symbol + "\" is not in the vocabulary and there is "
              + "no unknown token (the vocabulary lacks single-byte entries?)");
        }
        id = unkId;
      }
      // trim_offsets: the leading space of " word" is not part of the word's span
      while (first < last && utf8[first] == ' ') {
        first++;
      }
      while (last > first && utf8[last] == ' ') {
        last--;
      }
      int start = charStart[first] + shift;
      int end = charEnd[last] + shift;
      if (prefixPos >= 0) { // the added prefix space has no place in the text: clamp it onto the segment
        start = Math.max(start, prefixPos);
        end = Math.max(end, prefixPos);
      }
      out.add(id, symbol, start, end);
    }
  }

  /** Merges the symbols of one mapped piece; results are cached by piece. */
  String[] bpe(String piece) {
    String[] cached = cache.get(piece);
    if (cached != null) {
      return cached;
    }
    List<String> symbols = new ArrayList<>(piece.length());
    for (int i = 0; i < piece.length(); i++) {
      symbols.add(String.valueOf(piece.charAt(i)));
    }
    while (symbols.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      String bestLeft = null;
      String bestRight = null;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        Integer rank = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          bestLeft = symbols.get(i);
          bestRight = symbols.get(i + 1);
        }
      }
      if (bestLeft == null) {
        break;
      }
      // merge every non-overlapping occurrence of the best pair, left to right
      List<String> merged = new ArrayList<>(symbols.size());
      for (int i = 0; i < symbols.size(); i++) {
        if (i + 1 < symbols.size() && symbols.get(i).equals(bestLeft) && symbols.get(i + 1).equals(bestRight)) {
          merged.add(bestLeft + bestRight);
          i++;
        } else {
          merged.add(symbols.get(i));
        }
      }
      symbols = merged;
    }
    String[] result = symbols.toArray(String[]::new);
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear(); // crude bound: a long-running server must not grow without limit
    }
    cache.put(piece, result);
    return result;
  }

  // ---------------------------------------------------------------------------------------------------------
  // decoding and accessors

  /**
   * The text of {@code ids}: symbols concatenated, every stand-in character mapped back to its byte, bytes
   * decoded as UTF-8 (an incomplete sequence, as from a truncated emoji, becomes U+FFFD). Special tokens are
   * dropped.
   */
  public String decode(int[] ids) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int id : ids) {
      String token = idToToken(id);
      if (isSpecialId(id)) {
        continue;
      }
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
        if (b < 0) {
          throw new IllegalArgumentException("token id " + id + " (\"" + token + "\") holds '" + c
              + "', which is not a byte-level character");
        }
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private boolean isSpecialId(int id) {
    return specialsInText.isSpecialId(id);
  }

  /** The token string of {@code id}. */
  public String idToToken(int id) {
    if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
      throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size " + vocabSize() + ")");
    }
    return idToToken[id];
  }

  /** The id of {@code token}, or -1. */
  public int tokenToId(String token) {
    Integer id = vocab.get(token);
    return id == null ? -1 : id;
  }

  /** GPT-2's byte → stand-in character table (a copy). */
  public static char[] byteToUnicode() {
    return BYTE_TO_CHAR.clone();
  }

  /** The special tokens, or null for GPT-2 style (none). */
  public SpecialTokens specialTokens() {
    return specials;
  }

  public boolean addPrefixSpace() {
    return addPrefixSpace;
  }

  /** The {@code <mask>} id, or -1. */
  public int maskId() {
    return specials == null || specials.mask() == null ? -1 : tokenToId(specials.mask());
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
    return "ByteLevelBpeTokenizer[vocab=" + vocab.size() + ", merges=" + mergeRanks.size()
        + (specials == null ? ", gpt2" : ", roberta") + (addPrefixSpace ? ", addPrefixSpace" : "") + "]";
  }
}
