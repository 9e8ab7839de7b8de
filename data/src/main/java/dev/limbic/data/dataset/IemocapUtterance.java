package dev.limbic.data.dataset;

import java.util.Optional;

/**
 * One IEMOCAP turn from a transcription file, joined with its EmoEvaluation entry when it has one.
 *
 * @param turnId e.g. {@code Ses01F_impro05_F019}
 * @param session 1–5, the session folder (the natural cross-validation fold)
 * @param dialogId the transcription file name without {@code .txt}, e.g. {@code Ses01F_impro05}
 * @param speaker the actor: session plus the turn's gender letter, e.g. {@code Ses01F}
 * @param improvised true for {@code impro} dialogues, false for {@code script}
 * @param index position of the turn in its transcription file (0-based, transcript order)
 * @param evaluation the consensus annotation; empty for turns the EmoEvaluation file does not list
 */
public record IemocapUtterance(String turnId, int session, String dialogId, String speaker, boolean improvised,
    int index, double start, double end, String text, Optional<IemocapEvaluation> evaluation)
    implements DialogueTurn {

  /** The raw consensus code, or "" for an unannotated turn. */
  public String code() {
    return evaluation.map(IemocapEvaluation::code).orElse("");
  }
}
