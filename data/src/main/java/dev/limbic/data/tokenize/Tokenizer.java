package dev.limbic.data.tokenize;

import java.util.List;

/**
 * Text to token ids, shared by every encoder. Implementations: WordPiece (BERT, MiniLM) and byte-level BPE
 * (GPT-2, RoBERTa). Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

  /** Encodes one text with the model's special tokens ([CLS] … [SEP] or &lt;s&gt; … &lt;/s&gt;), no truncation. */
  Encoding encode(String text);

  /**
   * Encodes with special tokens, truncating the content so the result has at most {@code maxLength} ids
   * (the special tokens are kept).
   */
  Encoding encode(String text, int maxLength);

  /** Encodes a text pair ([CLS] a [SEP] b [SEP] / &lt;s&gt; a &lt;/s&gt;&lt;/s&gt; b &lt;/s&gt;), longest-first truncation. */
  Encoding encodePair(String first, String second, int maxLength);

  /** The id used for padding positions. */
  int padId();

  /** Number of entries in the vocabulary. */
  int vocabSize();

  /** Encodes each text (truncated to {@code maxLength}) and pads to the longest, with an attention mask. */
  default BatchEncoding encodeBatch(List<String> texts, int maxLength) {
    Encoding[] encodings = new Encoding[texts.size()];
    for (int i = 0; i < encodings.length; i++) {
      encodings[i] = encode(texts.get(i), maxLength);
    }
    return BatchEncoding.pad(encodings, padId());
  }

  /**
   * Encodes each text truncated to {@code length} and pads every row to exactly {@code length} (Hugging Face's
   * {@code padding="max_length"}), for models trained on fixed-size inputs.
   */
  default BatchEncoding encodeBatchToLength(List<String> texts, int length) {
    Encoding[] encodings = new Encoding[texts.size()];
    for (int i = 0; i < encodings.length; i++) {
      encodings[i] = encode(texts.get(i), length);
    }
    return BatchEncoding.pad(encodings, padId(), length);
  }
}
