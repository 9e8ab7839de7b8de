package dev.limbic.app;

import dev.limbic.data.json.Json;
import dev.limbic.data.tokenize.Tokenizers;
import dev.limbic.models.encoder.EmbeddingCache;
import dev.limbic.models.encoder.HuggingFaceCheckpoint;
import dev.limbic.models.encoder.IdfTable;
import dev.limbic.models.encoder.LayerCombination;
import dev.limbic.models.encoder.MiniLm;
import dev.limbic.models.encoder.SentenceEncoder;
import dev.limbic.models.encoder.TokenPooling;
import dev.limbic.models.encoder.TransformerSentenceEncoder;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.io.TensorFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Texts in, sentence vectors out (safetensors, CSV or JSON lines), with a progress bar. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed texts with a pretrained encoder (default all-MiniLM-L6-v2: last layer, mean pooling, "
                + "L2-normalised, exactly as sentence-transformers).",
            "Texts come from the arguments or from --file (one text per line; '-' reads standard input). Vectors go "
                + "to --out (format from --format or the file extension: .safetensors, .csv, .jsonl) or, without "
                + "--out, to standard output as JSON lines."})
final class EmbedCommand implements Callable<Integer> {

    enum Format { SAFETENSORS, CSV, JSONL }

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "texts to embed")
    List<String> texts;

    @Option(names = {"-f", "--file"}, description = "read texts from this file, one per line ('-' = stdin)")
    Path file;

    @Option(names = {"-o", "--out"}, description = "output file (written atomically)")
    Path out;

    @Option(names = "--format", description = "safetensors, csv or jsonl (default: from --out's extension, else jsonl)")
    String format;

    @Option(names = "--model", defaultValue = "minilm",
            description = "'minilm' (bundled all-MiniLM-L6-v2) or a Hugging Face folder (config.json, "
                + "model.safetensors, tokenizer.json or vocab.txt or vocab.json+merges.txt) (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--layers", defaultValue = "last",
            description = "layer combination: last, avg_last4, last4_scalar, last4_scalar_up, last4_scalar_down, "
                + "last4_scalar_top2, concat_all (every layer side by side, each block L2-normalised), "
                + "concat:i,j,... (0 = embeddings output) (default: ${DEFAULT-VALUE})")
    String layers;

    @Option(names = "--pooling", defaultValue = "mean",
            description = "cls, mean, attn, wmean_pos, wmean_pos_rev, wmean_pos_rev_seq, wmean_exp_fast|med|slow, "
                + "wmean_idf (default: ${DEFAULT-VALUE})")
    String pooling;

    @Option(names = "--idf", description = "IDF table (CSV token,idf) for --pooling wmean_idf")
    Path idf;

    @Option(names = "--no-normalize", description = "skip the L2 normalisation")
    boolean noNormalize;

    @Option(names = "--max-length", description = "tokens per text including specials (default: 256 for MiniLM, "
            + "512 or the model's positions otherwise)")
    Integer maxLength;

    @Option(names = "--batch-size", defaultValue = "32", description = "texts per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--cache", description = "on-disk embedding cache folder (keyed by model fingerprint and text)")
    Path cache;

    @Option(names = "--no-text", description = "leave the texts out of CSV/JSON lines output")
    boolean noText;

    @Override
    public Integer call() throws Exception {
        List<String> input = readTexts();
        if (input.isEmpty()) {
            throw new IllegalArgumentException("no texts: give them as arguments or with --file FILE");
        }
        Format fmt = resolveFormat();
        SentenceEncoder encoder = buildEncoder();
        if (cache != null) {
            encoder = EmbeddingCache.open(encoder, cache, EmbeddingCache.OnCorrupt.FAIL);
        }
        System.err.println("limbic embed: " + input.size() + " text(s) with " + encoder.modelId() + " ("
                + encoder.dimension() + " dimensions)");
        Tensor vectors = embedWithProgress(encoder, input);   // (N, D)
        write(vectors, input, encoder, fmt);
        return 0;
    }

    private List<String> readTexts() throws IOException {
        List<String> all = new ArrayList<>();
        if (texts != null) {
            all.addAll(texts);
        }
        if (file != null) {
            List<String> lines;
            if (file.toString().equals("-")) {
                lines = new java.io.BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines()
                        .toList();
            } else {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("--file " + file + ": no such file");
                }
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;   // blank lines carry no text; say how many were skipped below
                }
                all.add(lines.get(i));
            }
            long blank = lines.stream().filter(String::isBlank).count();
            if (blank > 0) {
                System.err.println("limbic embed: skipped " + blank + " blank line(s) of " + file);
            }
        }
        return all;
    }

    private Format resolveFormat() {
        if (format != null) {
            try {
                return Format.valueOf(format.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--format must be safetensors, csv or jsonl, got '" + format + "'");
            }
        }
        if (out == null) {
            return Format.JSONL;
        }
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return Format.SAFETENSORS;
        } else if (name.endsWith(".csv")) {
            return Format.CSV;
        } else if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return Format.JSONL;
        }
        throw new IllegalArgumentException("cannot tell the format of --out " + out
                + " from its extension: use .safetensors, .csv or .jsonl, or pass --format");
    }

    private SentenceEncoder buildEncoder() throws IOException {
        if (pooling.equals("wmean_idf") && idf == null) {
            throw new IllegalArgumentException("--pooling wmean_idf needs --idf FILE (CSV token,idf)");
        }
        TokenPooling pool = TokenPooling.byName(pooling, idf == null ? null : IdfTable.readCsv(idf));
        LayerCombination combination = LayerCombination.byName(layers);
        if (model.equals("minilm")) {
            TransformerSentenceEncoder base = MiniLm.fromClasspath();
            int len = maxLength != null ? maxLength : MiniLm.MAX_LENGTH;
            return new TransformerSentenceEncoder(MiniLm.NAME, base.model(), base.tokenizer(), combination, pool,
                    !noNormalize, len, batchSize);
        }
        Path dir = Path.of(model);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--model " + model + ": neither 'minilm' nor a folder");
        }
        HuggingFaceCheckpoint.Loaded loaded = HuggingFaceCheckpoint.load(dir);
        int positions = loaded.config().maxPositions();
        int len = maxLength != null ? maxLength : Math.min(512, positions
                - (loaded.config().positions() == dev.limbic.models.encoder.BertConfig.PositionScheme.ROBERTA
                    ? loaded.config().padTokenId() + 1 : 0));
        return new TransformerSentenceEncoder(dir.getFileName().toString(), loaded.model(),
                Tokenizers.fromDirectory(dir), combination, pool, !noNormalize, len, batchSize);
    }

    /** Embeds in chunks so the progress bar moves; rows come back in input order. */
    private Tensor embedWithProgress(SentenceEncoder encoder, List<String> input) {
        int n = input.size();
        int d = encoder.dimension();
        float[] all = new float[n * d];   // (N, D)
        int chunk = Math.max(batchSize * 4, 64);
        ItemProgress progress = ItemProgress.toStandardError("embed", n);
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            float[] rows = encoder.embed(input.subList(start, end)).toFloatArray();   // (chunk, D)
            System.arraycopy(rows, 0, all, start * d, rows.length);
            progress.update(end, "texts");
        }
        return Tensor.of(all, n, d);
    }

    private void write(Tensor vectors, List<String> input, SentenceEncoder encoder, Format fmt) throws IOException {
        if (fmt == Format.SAFETENSORS) {
            if (out == null) {
                throw new IllegalArgumentException("safetensors output needs --out FILE");
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("model", encoder.modelId());
            metadata.put("fingerprint", encoder.fingerprint());
            metadata.put("texts", Integer.toString(input.size()));
            TensorFiles.save(Map.of("embeddings", vectors), metadata, out);
            System.err.println("limbic embed: wrote " + out + " (tensor 'embeddings' " + input.size() + "x"
                    + encoder.dimension() + ")");
            return;
        }
        if (out == null) {
            PrintStream stdout = System.out;
            writeText(vectors, input, fmt, new java.io.PrintWriter(
                    new java.io.OutputStreamWriter(stdout, StandardCharsets.UTF_8), false));
            return;
        }
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                writeText(vectors, input, fmt, new java.io.PrintWriter(w, false));
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        System.err.println("limbic embed: wrote " + out + " (" + input.size() + " rows, " + fmt.name().toLowerCase(
                Locale.ROOT) + ")");
    }

    private void writeText(Tensor vectors, List<String> input, Format fmt, java.io.PrintWriter w) {
        float[] v = vectors.toFloatArray();
        int d = vectors.shape()[1];
        if (fmt == Format.CSV) {
            StringBuilder header = new StringBuilder("index");
            if (!noText) {
                header.append(",text");
            }
            for (int c = 0; c < d; c++) {
                header.append(",e").append(c);
            }
            w.println(header);
        }
        for (int i = 0; i < input.size(); i++) {
            StringBuilder sb = new StringBuilder();
            if (fmt == Format.CSV) {
                sb.append(i);
                if (!noText) {
                    sb.append(',').append(csvQuote(input.get(i)));
                }
                for (int c = 0; c < d; c++) {
                    sb.append(',').append(v[i * d + c]);
                }
            } else {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("index", i);
                if (!noText) {
                    row.put("text", input.get(i));
                }
                float[] e = new float[d];
                System.arraycopy(v, i * d, e, 0, d);
                row.put("embedding", e);
                sb.append(Json.write(row));
            }
            w.println(sb);
        }
        w.flush();
    }

    private static String csvQuote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
