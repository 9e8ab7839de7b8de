package dev.limbic.models.liminal;

import java.util.Locale;

/**
 * The five LIMINAL versions of MODELS.md §1 as one model family: each later version adds parts to the one before.
 * v1 is the recursive core; v2 adds self-attention over the iteration history; v3 a PAD regression head; v4 the
 * RINSE introspection head and the last attention map; v6 (v3 + SoulKernel) the per-iteration Hope/Faith/Memory/Love
 * update.
 */
public enum LiminalVersion {
  V1(false, false, false, false),
  V2(true, false, false, false),
  V3(true, true, false, false),
  V4(true, true, true, false),
  V6(true, true, false, true);

  private final boolean attention;
  private final boolean padHead;
  private final boolean rinseHead;
  private final boolean soulKernel;

  LiminalVersion(boolean attention, boolean padHead, boolean rinseHead, boolean soulKernel) {
    this.attention = attention;
    this.padHead = padHead;
    this.rinseHead = rinseHead;
    this.soulKernel = soulKernel;
  }

  /** Self-attention over the history of z across outer iterations (v2+). */
  public boolean hasAttention() {
    return attention;
  }

  /** The PAD regression head on the final z (v3, v4, v6). */
  public boolean hasPadHead() {
    return padHead;
  }

  /** The RINSE introspection head (v4). */
  public boolean hasRinseHead() {
    return rinseHead;
  }

  /** The SoulKernel (v6). */
  public boolean hasSoulKernel() {
    return soulKernel;
  }

  /** "v1" … "v6". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "v1", "V4", "6" …; an unknown version is an error listing the valid ones. */
  public static LiminalVersion parse(String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    if (!t.startsWith("V")) {
      t = "V" + t;
    }
    for (LiminalVersion v : values()) {
      if (v.name().equals(t)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown LIMINAL version '" + text + "' (expected v1, v2, v3, v4 or v6)");
  }
}
