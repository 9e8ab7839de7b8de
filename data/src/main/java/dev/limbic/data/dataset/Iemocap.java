package dev.limbic.data.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The raw IEMOCAP release (licence-restricted; point it at your own {@code IEMOCAP_full_release/}). For each
 * {@code SessionN/dialog/transcriptions/<dialog>.txt} it reads the turns, joins each with the consensus line of
 * {@code SessionN/dialog/EmoEvaluation/<dialog>.txt} on the turn id, and returns them in session, dialog-name and
 * transcript order. Formats (DATA.md §6):
 *
 * <pre>
 * transcription:  Ses01F_impro01_F000 [006.2901-008.2357]: Excuse me.
 * EmoEvaluation:  [6.2901 - 8.2357]&lt;TAB&gt;Ses01F_impro01_F000&lt;TAB&gt;neu&lt;TAB&gt;[2.5000, 2.5000, 2.5000]
 * </pre>
 *
 * Transcription lines that do not have the turn form are not turns and are passed over; EmoEvaluation lines
 * other than {@code [}-lines (the {@code %} header, {@code C-}/{@code A-} votes, blank lines) are too. Bad rows:
 * a {@code [}-line that does not match the consensus format, an unknown code, a bad number, a turn id that
 * does not belong to its dialog or session, a duplicate turn, and an evaluation for a turn the transcription
 * lacks. A missing EmoEvaluation file or transcriptions folder is an {@link IOException}.
 */
public final class Iemocap {
  /** Consensus codes of the release; {@code xxx} = no majority. */
  public static final Set<String> CODES = Set.of("neu", "hap", "exc", "sad", "ang", "fru", "fea", "sur", "dis",
      "oth", "xxx");

  private static final Pattern SESSION_DIR = Pattern.compile("Session(\\d+)");
  private static final Pattern TURN_LINE = Pattern.compile("^(\\S+) \\[([\\d.]+)-([\\d.]+)\\]: (.*)$");
  private static final Pattern EVAL_LINE = Pattern.compile(
      "^\\[([\\d.]+) - ([\\d.]+)\\]\\t(\\S+)\\t(\\w+)\\t\\[([\\d.]+), ([\\d.]+), ([\\d.]+)\\]\\s*$");

  private Iemocap() {}

  public static LoadResult<IemocapUtterance> load(Path releaseDir) throws IOException {
    return load(releaseDir, BadRowPolicy.FAIL);
  }

  /** Every turn of every {@code Session<N>} folder under {@code releaseDir}. */
  public static LoadResult<IemocapUtterance> load(Path releaseDir, BadRowPolicy policy) throws IOException {
    List<Path> sessions = new ArrayList<>();
    try (Stream<Path> s = Files.list(releaseDir)) {
      s.filter(p -> SESSION_DIR.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
          .sorted(Comparator.comparingInt(Iemocap::sessionNumber))
          .forEach(sessions::add);
    }
    if (sessions.isEmpty()) {
      throw new NoSuchFileException(releaseDir.toString(), null,
          "no Session<N> folders (expected IEMOCAP_full_release)");
    }
    RowProblems problems = new RowProblems(policy);
    List<IemocapUtterance> rows = new ArrayList<>();
    for (Path session : sessions) {
      int number = sessionNumber(session);
      Path transcriptions = session.resolve("dialog").resolve("transcriptions");
      Path evaluations = session.resolve("dialog").resolve("EmoEvaluation");
      if (!Files.isDirectory(transcriptions)) {
        throw new NoSuchFileException(transcriptions.toString(), null, "IEMOCAP transcriptions folder missing");
      }
      List<Path> files;
      try (Stream<Path> s = Files.list(transcriptions)) {
        // dot files (e.g. macOS "._Ses01F…" AppleDouble copies) are not transcriptions
        files = s.filter(p -> p.getFileName().toString().endsWith(".txt")
                && !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p))
            .sorted(Comparator.comparing(p -> p.getFileName().toString()))
            .toList();
      }
      for (Path transcript : files) {
        String dialog = transcript.getFileName().toString();
        dialog = dialog.substring(0, dialog.length() - ".txt".length());
        Path evaluation = evaluations.resolve(dialog + ".txt");
        Tables.requireFile(evaluation);
        readDialog(number, dialog, transcript, evaluation, problems, rows);
      }
    }
    return problems.result(rows);
  }

  /** Dialogues in load order, turns in transcript order. */
  public static List<Dialogue<IemocapUtterance>> dialogues(List<IemocapUtterance> rows) {
    return Dialogue.group(rows, IemocapUtterance::dialogId, Comparator.comparingInt(IemocapUtterance::index));
  }

  private record Entry(IemocapEvaluation evaluation, long line) {}

  private static void readDialog(int session, String dialog, Path transcript, Path evaluation,
      RowProblems problems, List<IemocapUtterance> rows) throws IOException {
    Map<String, Entry> evaluations = readEvaluations(evaluation, problems);
    Utf8Lines lines = Utf8Lines.open(transcript);
    Map<String, Long> seen = new HashMap<>();
    String sessionPrefix = String.format("Ses%02d", session);
    boolean improvised = dialog.contains("_impro");
    int index = 0;
    while (lines.hasNext()) {
      try {
        Utf8Lines.Line line = lines.next();
        Matcher m = TURN_LINE.matcher(line.text());
        if (!m.matches()) {
          continue; // not a turn (DATA.md §6: such lines exist and are skipped)
        }
        String turnId = m.group(1);
        DatasetFormatException bad = null;
        if (!turnId.startsWith(dialog + "_") || turnId.length() <= dialog.length() + 1
            || "FM".indexOf(turnId.charAt(dialog.length() + 1)) < 0) {
          bad = error(transcript, line, "turn id '" + turnId + "' is not <" + dialog + ">_<F|M><number>");
        } else if (!turnId.startsWith(sessionPrefix)) {
          bad = error(transcript, line, "turn id '" + turnId + "' does not belong to session " + session);
        } else if (!Fields.isDecimal(m.group(2)) || !Fields.isDecimal(m.group(3))) {
          bad = error(transcript, line, "bad number in time span [" + m.group(2) + "-" + m.group(3) + "]");
        } else if (seen.containsKey(turnId)) {
          bad = error(transcript, line, "duplicate turn '" + turnId + "', first at line " + seen.get(turnId));
        }
        if (bad != null) {
          throw bad;
        }
        seen.put(turnId, line.number());
        Entry e = evaluations.remove(turnId);
        String speaker = sessionPrefix + turnId.charAt(dialog.length() + 1);
        rows.add(new IemocapUtterance(turnId, session, dialog, speaker, improvised, index++,
            Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), m.group(4),
            Optional.ofNullable(e == null ? null : e.evaluation())));
      } catch (DatasetFormatException e) {
        problems.report(e);
      }
    }
    for (Map.Entry<String, Entry> orphan : evaluations.entrySet()) {
      problems.report(new DatasetFormatException(evaluation, orphan.getValue().line(),
          "evaluation for turn '" + orphan.getKey() + "', which " + transcript.getFileName() + " does not have"));
    }
  }

  private static Map<String, Entry> readEvaluations(Path file, RowProblems problems) throws IOException {
    Map<String, Entry> out = new LinkedHashMap<>();
    Utf8Lines lines = Utf8Lines.open(file);
    while (lines.hasNext()) {
      try {
        Utf8Lines.Line line = lines.next();
        if (!line.text().startsWith("[")) {
          continue; // % header, C-/A- individual votes, blank separators
        }
        Matcher m = EVAL_LINE.matcher(line.text());
        if (!m.matches()) {
          throw error(file, line, "malformed evaluation line (expected [start - end]<TAB>turn<TAB>code<TAB>[v, a, d])");
        }
        String code = m.group(4);
        if (!CODES.contains(code)) {
          throw error(file, line, "unknown label '" + code + "' (expected one of " + CODES.stream().sorted().toList()
              + ")");
        }
        double[] vad = new double[3];
        for (int k = 0; k < 3; k++) {
          String t = m.group(5 + k);
          if (!Fields.isDecimal(t)) {
            throw error(file, line, "bad number '" + t + "' in [v, a, d]");
          }
          vad[k] = Double.parseDouble(t);
        }
        String turn = m.group(3);
        Entry prev = out.get(turn);
        if (prev != null) {
          throw error(file, line, "duplicate evaluation of turn '" + turn + "', first at line " + prev.line());
        }
        out.put(turn, new Entry(new IemocapEvaluation(code, vad[0], vad[1], vad[2]), line.number()));
      } catch (DatasetFormatException e) {
        problems.report(e);
      }
    }
    return out;
  }

  private static DatasetFormatException error(Path file, Utf8Lines.Line line, String problem) {
    return new DatasetFormatException(file, line.number(), problem);
  }

  private static int sessionNumber(Path dir) {
    Matcher m = SESSION_DIR.matcher(dir.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(dir.toString());
    }
    return Integer.parseInt(m.group(1));
  }
}
