package dev.limbic.data.dataset;

/** An utterance inside a conversation: who said it and what. */
public interface DialogueTurn {
  String speaker();

  String text();
}
