package dev.limbic.data.dataset;

/** One EmoBank sentence with its valence, arousal and dominance (1–5 SAM scale, reader/writer average). */
public record EmoBankExample(String id, Split split, double valence, double arousal, double dominance,
    String text) {}
