import java.awt.image.BufferedImage;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Checks that a screenshot shows something: more than one colour, and at least 1% of the pixels differ from the most
 * common (background) colour. Used by bin/check-pictures.sh through Java's single-file launcher:
 * {@code java bin/PngNotBlank.java shot.png}. Exit 0 when drawn, 1 when blank, 2 when unreadable.
 */
public final class PngNotBlank {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java PngNotBlank.java SCREENSHOT.png");
      System.exit(2);
    }
    BufferedImage image = ImageIO.read(new File(args[0]));
    if (image == null) {
      System.out.println(args[0] + ": not a readable PNG");
      System.exit(2);
    }
    Map<Integer, Integer> counts = new HashMap<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        counts.merge(image.getRGB(x, y) & 0xffffff, 1, Integer::sum);
      }
    }
    int background = 0;
    for (int c : counts.values()) {
      background = Math.max(background, c);
    }
    long pixels = (long) image.getWidth() * image.getHeight();
    double drawn = 100.0 * (pixels - background) / pixels;
    String summary = String.format(java.util.Locale.ROOT, "%dx%d, %d colours, %.1f%% drawn",
        image.getWidth(), image.getHeight(), counts.size(), drawn);
    if (counts.size() < 2 || drawn < 1.0) {
      System.out.println("blank (" + summary + ")");
      System.exit(1);
    }
    System.out.println(summary);
  }
}
