package dev.limbic.app;

import dev.limbic.data.DataLocator;
import dev.limbic.models.encoder.EmbeddingCache;
import dev.limbic.models.encoder.LayerCombination;
import dev.limbic.models.encoder.MiniLm;
import dev.limbic.models.encoder.SentenceEncoder;
import dev.limbic.models.encoder.TransformerSentenceEncoder;
import dev.limbic.models.liminal.CharCodeEncoder;
import dev.limbic.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What the LIMINAL commands share: encoders, the embedding cache, the emoji read-out. */
final class LiminalSupport {
    private LiminalSupport() {
    }

    /**
     * LIMINAL's default MiniLM features: every layer's mean-pooled tokens, each block L2-normalised, side by side
     * (6 × 384). On EmoBank (v6, seed 42, same session) they lift test r V/A/D from 0.655/0.354/0.270 (the last
     * layer's sentence embedding) to 0.710/0.501/0.381; other seeds gain less. docs/liminal.md has the table.
     */
    static final String DEFAULT_LAYERS = "concat_all";

    /**
     * The frozen encoder by name: "minilm" (bundled all-MiniLM-L6-v2, mean pooling, L2-normalised, with the given
     * {@link LayerCombination} name) or "charcode" (the notebook's encoder; {@code layers} does not apply).
     */
    static SentenceEncoder encoder(String name, String layers) throws IOException {
        return switch (name) {
            case "minilm" -> miniLm(layers);
            case "charcode" -> new CharCodeEncoder();
            default -> throw new IllegalArgumentException("--encoder '" + name + "': expected minilm or charcode");
        };
    }

    /** The frozen encoder a run recorded by its model id ("all-MiniLM-L6-v2/concat_all/mean/l2/max256", "charcode…"). */
    static SentenceEncoder encoderFor(String modelId) throws IOException {
        return modelId.startsWith("charcode") ? new CharCodeEncoder() : miniLm(layersOf(modelId));
    }

    /** The layer combination in a MiniLM model id (its second '/' field); "last" for ids without one. */
    static String layersOf(String modelId) {
        String[] parts = modelId.split("/");
        return parts.length > 1 ? parts[1] : "last";
    }

    /** The bundled MiniLM with the named layer combination (frozen, or fine-tuned by the trainer). */
    static TransformerSentenceEncoder miniLm(String layers) throws IOException {
        TransformerSentenceEncoder base = MiniLm.fromClasspath();
        try {
            LayerCombination combination = LayerCombination.byName(layers);
            return combination.equals(base.layers()) ? base
                    : base.with(combination, base.pooling(), base.normalize());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--layers: " + e.getMessage(), e);
        }
    }

    /** Wraps the encoder in the on-disk cache (user cache folder unless given), so each text is embedded once. */
    static SentenceEncoder cached(SentenceEncoder encoder, Path cacheDir) throws IOException {
        if (encoder instanceof CharCodeEncoder) {
            return encoder;   // cheaper to compute than to look up
        }
        Path dir = cacheDir != null ? cacheDir
                : DataLocator.standard(null).cacheRoot().getParent().resolve("embeddings");
        return EmbeddingCache.open(encoder, dir, EmbeddingCache.OnCorrupt.REBUILD);
    }

    /** A decorator that embeds in chunks and draws a progress bar on standard error. */
    static SentenceEncoder withProgress(SentenceEncoder inner, String label) {
        return new SentenceEncoder() {
            @Override
            public Tensor embed(List<String> texts) {
                int n = texts.size();
                int d = inner.dimension();
                if (n <= 256) {
                    return inner.embed(texts);
                }
                ItemProgress bar = ItemProgress.toStandardError(label, n);
                float[] out = new float[n * d];   // (N, D)
                for (int start = 0; start < n; start += 512) {
                    int end = Math.min(n, start + 512);
                    float[] part = inner.embed(texts.subList(start, end)).toFloatArray();
                    System.arraycopy(part, 0, out, start * d, part.length);
                    bar.update(end, "texts");
                }
                return Tensor.of(out, n, d);
            }

            @Override
            public int dimension() {
                return inner.dimension();
            }

            @Override
            public String modelId() {
                return inner.modelId();
            }

            @Override
            public String fingerprint() {
                return inner.fingerprint();
            }
        };
    }


    /** Scaled values |t| below this count as neutral for the emoji grid (0.1 on the 1–5 scale). */
    static final double NEUTRAL_BAND = 0.05;

    private static final String[][] EMOJI = {
        // arousal:  low         neutral      high
        {"\uD83D\uDE22", "\uD83D\uDE41", "\uD83D\uDE20"},   // valence negative: sad, unhappy, angry
        {"\uD83D\uDE36", "\uD83D\uDE10", "\uD83D\uDE2E"},   // valence neutral: blank, neutral, surprised
        {"\uD83D\uDE0C", "\uD83D\uDE42", "\uD83D\uDE04"},   // valence positive: relieved/calm, content, joyful
    };
    private static final String[][] WORDS = {
        {"sad", "unhappy", "angry"}, {"flat", "neutral", "alert"}, {"calm", "content", "excited"}};

    /**
     * The notebook's emoji read-out (MODELS.md §1.9): sign(V) × sign(A − neutral) picks a cell of a 3×3 grid. In the
     * scaled units neutral is 0 for both; values within {@link #NEUTRAL_BAND} of it count as 0.
     */
    static String emoji(double valenceScaled, double arousalScaled) {
        return EMOJI[sign(valenceScaled) + 1][sign(arousalScaled) + 1];
    }

    static String mood(double valenceScaled, double arousalScaled) {
        return WORDS[sign(valenceScaled) + 1][sign(arousalScaled) + 1];
    }

    static int sign(double scaled) {
        return Math.abs(scaled) < NEUTRAL_BAND ? 0 : scaled > 0 ? 1 : -1;
    }
}
