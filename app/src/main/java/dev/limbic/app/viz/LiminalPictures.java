package dev.limbic.app.viz;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The pictures of a LIMINAL training run (MODELS.md §1.9), written from plain Java data at the end of a run.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * List<RunHistory.Epoch> epochs = new ArrayList<>();
 * // after every epoch (epoch numbers count on through phase 2):
 * epochs.add(new RunHistory.Epoch(epoch, phase, trainLoss, valLoss, hope, faith, love, lr));
 * // after the run, VAD in 1–5 units, float[n][3] each (columns V, A, D):
 * Predictions test = new Predictions("test", predicted, target);
 * float[][] attention = version == V4 ? model.lastAttentionMap() : null;   // K×K, or null
 * List<Path> files = LiminalPictures.write(new RunHistory(epochs), test, attention, runDir.resolve("pictures"));
 * }</pre>
 *
 * <h2>Files</h2> (in this order in the returned list; each written atomically: temp file, fsync, rename)
 * <ul>
 *   <li>{@value #LOSS_CURVES}: train and validation loss per epoch, dashed line at the phase-1/phase-2 boundary.</li>
 *   <li>{@value #SCATTER}: predicted against target V, A, D (three panels), identity line, Pearson r in each title;
 *       not written when {@code predictions} is null or has no rows.</li>
 *   <li>{@value #HEARTBEAT}: the animated "breathing heartbeat", self-contained HTML + inline SVG (SMIL, no script):
 *       {@code bpm_t = |Δval_t| / max|Δval| · 80 + 60} ({@code Δval_0 = 0}; all 60 when the loss never moves),
 *       breathing band {@code 60 + 40·(0.5 + 0.5·sin(t/3))}.</li>
 *   <li>{@value #AURA}: the emotional aura heat map, rows Hope, Faith, Love, Stress, Clarity (see
 *       {@link LiminalSignals#aura}), columns epochs, with its colour scale.</li>
 *   <li>{@value #ATTENTION}: the v4 RINSE attention reflection map, K×K with cell values; not written when
 *       {@code attentionMap} is null.</li>
 *   <li>{@value #PULSE}: Hope, Faith and Love per epoch with exponential smoothing, weight 0.6.</li>
 * </ul>
 *
 * <h2>Errors and edge cases</h2>
 * A single epoch or a constant loss draws (at a resting 60 bpm, Faith 0) rather than dividing by zero; an undefined
 * Pearson r (n &lt; 2, constant column) reads "n/a". Bad input is rejected by the records' constructors with an
 * {@link IllegalArgumentException} naming the epoch/row/field (non-finite numbers, decreasing epoch numbers, a
 * non-square attention map); files that cannot be written raise {@link IOException} naming the file. The same input
 * gives byte-identical files.
 */
public final class LiminalPictures {

  public static final String LOSS_CURVES = "loss-curves.png";
  public static final String SCATTER = "vad-scatter.png";
  public static final String HEARTBEAT = "heartbeat.html";
  public static final String AURA = "aura.html";
  public static final String ATTENTION = "attention-map.svg";
  public static final String PULSE = "pulse.png";

  private LiminalPictures() {
  }

  /**
   * Writes every picture the inputs allow into {@code outDir} (created if missing) and returns the files written.
   *
   * @param history per-epoch losses, Hope/Faith/Love and learning rate (at least one epoch)
   * @param predictions predicted and target VAD of the evaluated split, or null / empty for no scatter plot
   * @param attentionMap the last K×K attention map of a v4 model, or null
   * @param outDir the folder to write into
   */
  public static List<Path> write(RunHistory history, Predictions predictions, float[][] attentionMap, Path outDir)
      throws IOException {
    if (history == null) {
      throw new IllegalArgumentException("LiminalPictures.write: history is null");
    }
    if (outDir == null) {
      throw new IllegalArgumentException("LiminalPictures.write: outDir is null");
    }
    // render everything first so bad input fails before any file is touched
    AttentionMapSvg attention = attentionMap == null ? null : new AttentionMapSvg(attentionMap);
    System.setProperty("java.awt.headless", "true");
    byte[] loss = PngCharts.lossCurves(history);
    byte[] scatter = predictions == null || predictions.size() == 0 ? null : PngCharts.scatter(predictions);
    String heartbeat = new HeartbeatPage(history).render();
    String aura = new AuraPage(history).render();
    String attentionSvg = attention == null ? null : attention.render();
    byte[] pulse = PngCharts.pulse(history);

    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new IOException("cannot create the pictures folder " + outDir + ": " + e, e);
    }
    List<Path> written = new ArrayList<>();
    written.add(writeAtomically(outDir.resolve(LOSS_CURVES), loss));
    if (scatter != null) {
      written.add(writeAtomically(outDir.resolve(SCATTER), scatter));
    }
    written.add(writeAtomically(outDir.resolve(HEARTBEAT), heartbeat.getBytes(StandardCharsets.UTF_8)));
    written.add(writeAtomically(outDir.resolve(AURA), aura.getBytes(StandardCharsets.UTF_8)));
    if (attentionSvg != null) {
      written.add(writeAtomically(outDir.resolve(ATTENTION), attentionSvg.getBytes(StandardCharsets.UTF_8)));
    }
    written.add(writeAtomically(outDir.resolve(PULSE), pulse));
    return List.copyOf(written);
  }

  /** Temp file in the target's folder, fsync, then rename over the target: readers never see half a picture. */
  static Path writeAtomically(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }
}
