package dev.limbic.data.dataset;

/**
 * One MELD utterance. {@code emotion} and {@code sentiment} are ids into {@link Meld#EMOTIONS} and
 * {@link Meld#SENTIMENTS}; times are kept as written ({@code hh:mm:ss,ms}).
 */
public record MeldUtterance(int srNo, String text, String speaker, int emotion, int sentiment, int dialogueId,
    int utteranceId, int season, int episode, String startTime, String endTime) implements DialogueTurn {}
