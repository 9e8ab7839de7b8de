package dev.limbic.app.viz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** Inputs shaped like a real two-phase LIMINAL run, and an XML reader for the SVG/HTML output. */
final class PictureFixtures {
  private PictureFixtures() {
  }

  /** Validation losses whose heart rates are easy by hand: Δ = 0, −1, −0.5, 0, −1 → 60, 140, 100, 60, 140 bpm. */
  static final double[] VAL = {4.0, 3.0, 2.5, 2.5, 1.5};
  static final double[] TRAIN = {4.5, 3.2, 2.1, 1.8, 1.2};
  static final double[] BPM = {60, 140, 100, 60, 140};

  /** Five epochs, the last two in phase 2. */
  static RunHistory fiveEpochs() {
    List<RunHistory.Epoch> epochs = new ArrayList<>();
    for (int t = 0; t < VAL.length; t++) {
      int phase = t < 3 ? 1 : 2;
      epochs.add(new RunHistory.Epoch(t + 1, phase, TRAIN[t], VAL[t], 0.5 + 0.1 * t, 0.3 + 0.05 * t,
          0.2 + 0.12 * t, phase == 1 ? 3e-3 : 1e-4));
    }
    return new RunHistory(epochs);
  }

  /** A longer run (phase 1 of 20 epochs, phase 2 of 10) with a noisy, falling loss. */
  static RunHistory thirtyEpochs() {
    List<RunHistory.Epoch> epochs = new ArrayList<>();
    for (int t = 0; t < 30; t++) {
      double train = 0.9 * Math.exp(-t / 8.0) + 0.12 + 0.01 * Math.sin(t * 1.7);
      double val = 0.95 * Math.exp(-t / 10.0) + 0.2 + 0.03 * Math.cos(t * 2.3);
      epochs.add(new RunHistory.Epoch(t + 1, t < 20 ? 1 : 2, train, val, 1 - val / 2, 0.4 + 0.3 * Math.sin(t / 4.0),
          Math.exp(-val) * 0.9, t < 20 ? 3e-3 * (1 + Math.cos(Math.PI * t / 20)) / 2 : 1e-4));
    }
    return new RunHistory(epochs);
  }

  /** n sentences with predictions correlated with their targets (deterministic). */
  static Predictions predictions(int n) {
    float[][] target = new float[n][3];
    float[][] predicted = new float[n][3];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < 3; d++) {
        double t = 3 + 1.2 * Math.sin(i * (0.37 + 0.11 * d) + d);
        target[i][d] = (float) t;
        predicted[i][d] = (float) (3 + (t - 3) * (0.8 - 0.2 * d) + 0.3 * Math.cos(i * 1.3 + d));
      }
    }
    return new Predictions("test", predicted, target);
  }

  /** A row-stochastic K×K attention map. */
  static float[][] attention(int k) {
    float[][] map = new float[k][k];
    for (int i = 0; i < k; i++) {
      double sum = 0;
      for (int j = 0; j < k; j++) {
        map[i][j] = (float) Math.exp(-Math.abs(i - j) * 0.8);
        sum += map[i][j];
      }
      for (int j = 0; j < k; j++) {
        map[i][j] /= (float) sum;
      }
    }
    return map;
  }

  /** Parses a file as XML (the HTML pictures are XHTML-compatible); throws on any well-formedness error. */
  static Document parseXml(Path file) throws IOException, SAXException, ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    DocumentBuilder builder = factory.newDocumentBuilder();
    builder.setErrorHandler(null);
    return builder.parse(file.toFile());
  }

  /** Elements named {@code local} (any namespace) that carry the given class. */
  static List<Element> elements(Document doc, String local, String cssClass) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = doc.getElementsByTagNameNS("*", local);
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (cssClass == null || List.of(e.getAttribute("class").split(" ")).contains(cssClass)) {
        out.add(e);
      }
    }
    return out;
  }

  static Element byId(Document doc, String id) {
    NodeList nodes = doc.getElementsByTagNameNS("*", "*");
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (id.equals(e.getAttribute("id"))) {
        return e;
      }
    }
    throw new AssertionError("no element with id '" + id + "'");
  }
}
