package dev.limbic.nn;

import dev.limbic.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A stack of {@link TransformerEncoderLayer}s named {@code layer.0 … layer.N-1} as in Hugging Face's
 * {@code BertEncoder}, so {@code encoder.layer.3.attention.self.query.weight} of a BERT checkpoint (prefix
 * {@code encoder.} stripped) loads as is. The attention mask (1 = real token, 0 = padding) is turned into the
 * additive mask once and shared by all layers.
 */
public final class TransformerEncoder extends Module implements Layer {
    private final TransformerEncoderConfig config;
    private final List<TransformerEncoderLayer> layers;

    /**
     * @param hiddenStates {@code N + 1} tensors {@code (B, T, hidden)}: the input, then each layer's output (Hugging
     *                     Face's {@code all_hidden_states}); the last one is the encoder output
     * @param attentions   each layer's attention probabilities {@code (B, heads, T, T)}, or an empty list unless
     *                     asked for
     */
    public record Output(List<Tensor> hiddenStates, List<Tensor> attentions) {
        public Output {
            hiddenStates = List.copyOf(hiddenStates);
            attentions = List.copyOf(attentions);
        }

        /** The last layer's output. */
        public Tensor lastHiddenState() {
            return hiddenStates.get(hiddenStates.size() - 1);
        }
    }

    /** Children "0", "1", … (PyTorch's ModuleList). */
    private static final class LayerList extends Module {
        void add(TransformerEncoderLayer layer, int index) {
            registerModule(Integer.toString(index), layer);
        }
    }

    /** @param rng draws every layer's initial weights in order, then the dropout masks */
    public TransformerEncoder(TransformerEncoderConfig config, int numLayers, RandomGenerator rng) {
        if (numLayers <= 0) {
            throw new IllegalArgumentException("TransformerEncoder needs at least one layer, got " + numLayers);
        }
        this.config = config;
        LayerList list = registerModule("layer", new LayerList());
        List<TransformerEncoderLayer> ls = new ArrayList<>(numLayers);
        for (int i = 0; i < numLayers; i++) {
            TransformerEncoderLayer l = new TransformerEncoderLayer(config, rng);
            list.add(l, i);
            ls.add(l);
        }
        this.layers = Collections.unmodifiableList(ls);
    }

    public TransformerEncoder(TransformerEncoderConfig config, int numLayers, long seed) {
        this(config, numLayers, Init.rng(seed));
    }

    /** No padding; returns the last layer's output. */
    @Override
    public Tensor forward(Tensor hiddenStates) {
        return forward(hiddenStates, null, false).lastHiddenState();
    }

    /**
     * @param hiddenStates     {@code (B, T, hidden)} (the embeddings output)
     * @param attentionMask    {@code (B, T)}, 1 = real token, 0 = padding; null for none
     * @param outputAttentions also collect every layer's attention probabilities
     */
    public Output forward(Tensor hiddenStates, Tensor attentionMask, boolean outputAttentions) {
        TransformerEncoderLayer first = layers.get(0);
        Tensor ext = null;
        if (attentionMask != null) {
            if (hiddenStates.dim() != 3) {
                throw new IllegalArgumentException("TransformerEncoder: hidden_states shape "
                        + java.util.Arrays.toString(hiddenStates.shape()) + " must be (batch, seq, "
                        + config.hidden() + ")");
            }
            ext = first.extendedMask(attentionMask, hiddenStates.size(0), hiddenStates.size(1), hiddenStates);
        }
        List<Tensor> states = new ArrayList<>(layers.size() + 1);
        List<Tensor> attentions = new ArrayList<>();
        Tensor h = hiddenStates;
        states.add(h);
        for (TransformerEncoderLayer layer : layers) {
            TransformerEncoderLayer.Output o = layer.forwardExtended(h, ext, outputAttentions);
            h = o.hiddenStates();
            states.add(h);
            if (outputAttentions) {
                attentions.add(o.attentionProbs());
            }
        }
        return new Output(states, attentions);
    }

    public TransformerEncoderLayer layer(int i) {
        return layers.get(i);
    }

    public List<TransformerEncoderLayer> layers() {
        return layers;
    }

    public int numLayers() {
        return layers.size();
    }

    public TransformerEncoderConfig config() {
        return config;
    }
}
