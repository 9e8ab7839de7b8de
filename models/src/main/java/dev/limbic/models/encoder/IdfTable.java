package dev.limbic.models.encoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Inverse document frequencies of sub-word tokens for the {@code wmean_idf} pooling (MODELS.md §3.3). A token is
 * looked up in its cleaned form: the byte-level BPE word marker {@code Ġ} removed, then lower-cased; a token not in
 * the table has idf 0.
 *
 * <p>The seed's table ({@code src/features/idf.csv}) is not in its repository. {@link #fit} builds one as
 * MODELS.md proposes: {@code idf = ln(N / (1 + df))} over N documents (the task's training utterances), df = the
 * number of documents containing the cleaned token.
 */
public final class IdfTable {
  private final Map<String, Double> idf;

  private IdfTable(Map<String, Double> idf) {
    this.idf = Map.copyOf(idf);
  }

  public static IdfTable of(Map<String, Double> idf) {
    Map<String, Double> cleaned = new HashMap<>();
    idf.forEach((k, v) -> cleaned.put(clean(k), v));
    return new IdfTable(cleaned);
  }

  /** {@code ln(N / (1 + df))} over the documents' tokens (each document: its token strings, specials included). */
  public static IdfTable fit(Collection<String[]> documents) {
    Map<String, Integer> df = new HashMap<>();
    for (String[] doc : documents) {
      Set<String> seen = new HashSet<>();
      for (String tok : doc) {
        if (seen.add(clean(tok))) {
          df.merge(clean(tok), 1, Integer::sum);
        }
      }
    }
    double n = documents.size();
    Map<String, Double> idf = new HashMap<>();
    df.forEach((tok, count) -> idf.put(tok, Math.log(n / (1.0 + count))));
    return new IdfTable(idf);
  }

  /** The cleaned form a token is looked up by: "Ġ" removed, lower-cased. */
  public static String clean(String token) {
    return token.replace("\u0120", "").toLowerCase(Locale.ROOT);
  }

  /** The idf of a token (raw, as the tokenizer wrote it), 0 when unknown. */
  public double idf(String token) {
    return idf.getOrDefault(clean(token), 0.0);
  }

  public int size() {
    return idf.size();
  }

  /**
   * Reads a CSV with header {@code token,idf} (the seed's idf.csv layout). The token is everything before the
   * line's last comma, so tokens that are themselves commas read correctly. Errors name the file and line.
   */
  public static IdfTable readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).strip().equals("token,idf")) {
      throw new IOException(file + " line 1: expected the header 'token,idf', found "
          + (lines.isEmpty() ? "an empty file" : "'" + lines.get(0) + "'"));
    }
    Map<String, Double> idf = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      int comma = line.lastIndexOf(',');
      if (comma < 0) {
        throw new IOException(file + " line " + (i + 1) + ": expected 'token,idf', found '" + line + "'");
      }
      String token = line.substring(0, comma);
      if (token.length() >= 2 && token.startsWith("\"") && token.endsWith("\"")) {
        token = token.substring(1, token.length() - 1).replace("\"\"", "\"");
      }
      double v;
      try {
        v = Double.parseDouble(line.substring(comma + 1).strip());
      } catch (NumberFormatException e) {
        throw new IOException(file + " line " + (i + 1) + ": idf '" + line.substring(comma + 1) + "' is not a number");
      }
      if (!Double.isFinite(v)) {
        throw new IOException(file + " line " + (i + 1) + ": idf " + v + " is not finite");
      }
      idf.put(clean(token), v);
    }
    return new IdfTable(idf);
  }

  /** Writes {@code token,idf} sorted by token, atomically (temp file, fsync, rename). */
  public void writeCsv(Path file) throws IOException {
    StringBuilder sb = new StringBuilder("token,idf\n");
    for (Map.Entry<String, Double> e : new TreeMap<>(idf).entrySet()) {
      String t = e.getKey();
      boolean quote = t.contains("\"") || t.contains("\n") || t.contains("\r");
      sb.append(quote ? "\"" + t.replace("\"", "\"\"") + "\"" : t).append(',').append(e.getValue()).append('\n');
    }
    AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
