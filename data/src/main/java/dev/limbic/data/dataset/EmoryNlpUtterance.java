package dev.limbic.data.dataset;

import java.util.List;

/**
 * One EmoryNLP utterance. {@code speakers} is the parsed {@code Speaker} list (usually one name, sometimes
 * several); {@link #speaker()} joins them with ", ". {@code emotion} is an id into {@link EmoryNlp#EMOTIONS}.
 */
public record EmoryNlpUtterance(String text, List<String> speakers, int emotion, int season, int episode,
    int sceneId, int utteranceId, String startTime, String endTime) implements DialogueTurn {

  public EmoryNlpUtterance {
    speakers = List.copyOf(speakers);
  }

  @Override
  public String speaker() {
    return String.join(", ", speakers);
  }

  /** The dialogue (scene) key, {@code s<season>_e<episode>_c<scene>}. */
  public String sceneKey() {
    return "s" + season + "_e" + episode + "_c" + sceneId;
  }
}
