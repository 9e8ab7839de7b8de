package dev.limbic.models.encoder;

import dev.limbic.nn.Init;
import dev.limbic.nn.Linear;
import dev.limbic.nn.Module;
import dev.limbic.nn.TransformerEncoder;
import dev.limbic.tensor.DType;
import dev.limbic.tensor.Tensor;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A BERT-family encoder (Hugging Face {@code BertModel} / {@code RobertaModel} in eval semantics): {@link
 * BertEmbeddings} under {@code embeddings.}, an {@link TransformerEncoder} of post-LN layers under {@code
 * encoder.layer.N.}, and optionally {@code pooler.dense} ({@code tanh(dense(h[:, 0]))}). Parameter names are the
 * Hugging Face ones without the {@code bert.} / {@code roberta.} prefix, so {@link #loadStateDict} takes a
 * checkpoint after {@link HuggingFaceCheckpoint} has stripped it.
 *
 * <p>Fine-tuning works as for any module: run {@link #forward} with grad mode on and call {@code backward} on a
 * loss; every parameter, embeddings included, receives its gradient (checked against PyTorch on roberta-tiny).
 */
public final class BertModel extends Module {
  private final BertConfig config;
  private final BertEmbeddings embeddings;
  private final TransformerEncoder encoder;
  private final Pooler pooler;

  /**
   * @param hiddenStates {@code numLayers + 1} tensors {@code (B, T, hidden)}: the embeddings output, then each
   *                     layer's output (Hugging Face's {@code hidden_states}); the last is {@code
   *                     last_hidden_state}
   * @param pooled       {@code (B, hidden)} pooler output, or null for a model without a pooler
   */
  public record Output(List<Tensor> hiddenStates, Tensor pooled) {
    public Output {
      hiddenStates = List.copyOf(hiddenStates);
    }

    public Tensor lastHiddenState() {
      return hiddenStates.get(hiddenStates.size() - 1);
    }
  }

  /** {@code pooler.dense}: the [CLS] state through Linear and tanh. */
  private static final class Pooler extends Module {
    private final Linear dense;

    Pooler(int hidden, RandomGenerator rng) {
      this.dense = registerModule("dense", new Linear(hidden, hidden, rng));
    }

    Tensor forward(Tensor last) {   // (B, T, H) → (B, H)
      return dense.forward(last.select(1, 0)).tanh();
    }
  }

  /** A randomly initialised model (PyTorch layer defaults); load pretrained weights with {@link #loadStateDict}. */
  public BertModel(BertConfig config, boolean withPooler, RandomGenerator rng) {
    this.config = config;
    this.embeddings = registerModule("embeddings", new BertEmbeddings(config, rng));
    this.encoder = registerModule("encoder", new TransformerEncoder(config.layerConfig(), config.numLayers(), rng));
    this.pooler = withPooler ? registerModule("pooler", new Pooler(config.hidden(), rng)) : null;
  }

  public BertModel(BertConfig config, boolean withPooler, long seed) {
    this(config, withPooler, Init.rng(seed));
  }

  /**
   * Runs the encoder on a padded batch.
   *
   * @param inputIds      {@code (B, T)} row-major token ids
   * @param tokenTypeIds  {@code (B, T)} segment ids, or null for all 0
   * @param attentionMask {@code (B, T)} 1 = real token, 0 = padding, or null for none
   */
  public Output forward(int[] inputIds, int[] tokenTypeIds, int[] attentionMask, int batch, int seq) {
    Tensor h = embeddings.forward(inputIds, tokenTypeIds, batch, seq);   // (B, T, H)
    Tensor mask = null;
    if (attentionMask != null) {
      if (attentionMask.length != batch * seq) {
        throw new IllegalArgumentException("BertModel: attention_mask has " + attentionMask.length
            + " entries for batch " + batch + " × length " + seq);
      }
      boolean all = true;
      for (int m : attentionMask) {
        if (m != 0 && m != 1) {
          throw new IllegalArgumentException("BertModel: attention_mask holds " + m + "; use 1 = token, 0 = pad");
        }
        all &= m == 1;
      }
      // an all-ones mask adds nothing; skipping it keeps unpadded runs on the mask-free attention path
      mask = all ? null : Tensor.ofInts(attentionMask, batch, seq).to(h.dtype());
    }
    TransformerEncoder.Output out = encoder.forward(h, mask, false);
    Tensor pooled = pooler == null ? null : pooler.forward(out.lastHiddenState());
    return new Output(out.hiddenStates(), pooled);
  }

  public BertConfig config() {
    return config;
  }

  public BertEmbeddings embeddings() {
    return embeddings;
  }

  public TransformerEncoder encoder() {
    return encoder;
  }

  public boolean hasPooler() {
    return pooler != null;
  }

  public DType dtype() {
    return embeddings.dtype();
  }
}
