package dev.limbic.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbic.data.json.Json;
import dev.limbic.tensor.Tensor;
import dev.limbic.tensor.io.TensorFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code limbic embed} end to end on the bundled MiniLM: every output format, and the input errors. */
class EmbedCommandTest {

  private record Result(int code, String err) {}

  private static Result run(String... args) {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      CommandLine cli = LimbicCli.commandLine();
      cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
      cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
        cmd.getErr().println("limbic " + cmd.getCommandName() + ": " + ex.getMessage());
        return 2;
      });
      return new Result(cli.execute(args), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }

  private static double norm(float[] v, int row, int d) {
    double s = 0;
    for (int c = 0; c < d; c++) {
      s += (double) v[row * d + c] * v[row * d + c];
    }
    return Math.sqrt(s);
  }

  @Test
  void writesEveryFormatWithTheSameUnitVectors(@TempDir Path dir) throws Exception {
    Path texts = dir.resolve("texts.txt");
    Files.writeString(texts, "I am so happy today!\n\nThis is terrible, \"really\".\nMeh.\n");
    Path st = dir.resolve("e.safetensors");
    Path csv = dir.resolve("e.csv");
    Path jsonl = dir.resolve("e.jsonl");
    assertThat(run("embed", "-f", texts.toString(), "-o", st.toString()).code()).isZero();
    Result r = run("embed", "-f", texts.toString(), "-o", csv.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).contains("skipped 1 blank line").contains("3/3 texts");
    assertThat(run("embed", "-f", texts.toString(), "-o", jsonl.toString()).code()).isZero();

    Tensor fromSt = TensorFiles.load(st).get("embeddings");
    assertThat(fromSt.shape()).containsExactly(3, 384);
    float[] v = fromSt.toFloatArray();
    for (int i = 0; i < 3; i++) {
      assertThat(norm(v, i, 384)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
    List<String> csvLines = Files.readAllLines(csv);
    assertThat(csvLines).hasSize(4);
    assertThat(csvLines.get(0)).startsWith("index,text,e0,e1,");
    assertThat(csvLines.get(2)).startsWith("1,\"This is terrible, \"\"really\"\".\",");
    List<Object> rows = Json.parseLines(jsonl);
    assertThat(rows).hasSize(3);
    @SuppressWarnings("unchecked")
    Map<String, Object> second = (Map<String, Object>) rows.get(1);
    assertThat(second.get("text")).isEqualTo("This is terrible, \"really\".");
    List<?> e = (List<?>) second.get("embedding");
    assertThat(e).hasSize(384);
    for (int c = 0; c < 384; c++) {
      assertThat(((Number) e.get(c)).floatValue()).isEqualTo(v[384 + c]);
    }
  }

  @Test
  void badInputGivesOneClearLine(@TempDir Path dir) {
    Result none = run("embed");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no texts");
    Result ext = run("embed", "hi", "-o", dir.resolve("x.bin").toString());
    assertThat(ext.err()).contains("cannot tell the format of --out").contains("x.bin");
    Result missing = run("embed", "-f", dir.resolve("nope.txt").toString());
    assertThat(missing.err()).contains("nope.txt").contains("no such file");
    Result pooling = run("embed", "hi", "--pooling", "max");
    assertThat(pooling.err()).contains("unknown pooling 'max'");
    Result idf = run("embed", "hi", "--pooling", "wmean_idf");
    assertThat(idf.err()).contains("--idf");
  }
}
