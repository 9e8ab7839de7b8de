package dev.limbic.data.dataset;

/**
 * The consensus annotation of one IEMOCAP turn (the {@code [start - end] id code [v, a, d]} line of an
 * EmoEvaluation file): the raw 3-letter code ({@code neu hap exc sad ang fru fea sur dis oth xxx}) and the mean
 * valence, activation (arousal) and dominance on 1–5.
 */
public record IemocapEvaluation(String code, double valence, double activation, double dominance) {}
