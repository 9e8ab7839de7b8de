package dev.limbic.data.dataset;

/** One dair-ai "emotion" tweet (lower-cased, punctuation removed) and its label id ({@link DairAiEmotion#LABELS}). */
public record DairAiExample(String text, int label) {}
