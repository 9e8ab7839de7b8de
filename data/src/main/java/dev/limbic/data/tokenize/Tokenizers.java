package dev.limbic.data.tokenize;

import dev.limbic.data.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Picks and loads the tokenizer of a Hugging Face model directory. */
public final class Tokenizers {

  private Tokenizers() {
  }

  /**
   * Loads the tokenizer in {@code dir}, trying in order: {@code tokenizer.json} (WordPiece or byte-level BPE,
   * by its model.type); {@code vocab.txt} (WordPiece, lower-cased unless {@code tokenizer_config.json} says
   * {@code "do_lower_case": false}); {@code vocab.json} + {@code merges.txt} (RoBERTa when the vocabulary has
   * {@code <s>}, else GPT-2; {@code add_prefix_space} from {@code tokenizer_config.json}). A directory with none
   * of these is an error listing what was looked for.
   */
  public static Tokenizer fromDirectory(Path dir) throws IOException {
    Path json = dir.resolve("tokenizer.json");
    if (Files.isRegularFile(json)) {
      String text = WordPieceTokenizer.decodeUtf8(Files.readAllBytes(json), json.toString());
      Map<String, Object> model = Json.object(Json.parseObject(text, json.toString()), "model", json.toString());
      Object type = model.getOrDefault("type", "WordPiece");
      if ("WordPiece".equals(type)) {
        return WordPieceTokenizer.fromTokenizerJson(text, json.toString());
      } else if ("BPE".equals(type)) {
        return ByteLevelBpeTokenizer.fromTokenizerJson(text, json.toString());
      }
      throw new TokenizerFileException(json + ": model.type \"" + type + "\" is not supported (WordPiece or BPE)");
    }
    Map<String, Object> tokenizerConfig = Map.of();
    Path configFile = dir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(configFile)) {
      tokenizerConfig = Json.parseObject(configFile);
    }
    Path vocabTxt = dir.resolve("vocab.txt");
    if (Files.isRegularFile(vocabTxt)) {
      boolean lower = !Boolean.FALSE.equals(tokenizerConfig.get("do_lower_case"));
      return WordPieceTokenizer.fromVocabTxt(vocabTxt,
          lower ? WordPieceTokenizer.Config.uncased() : WordPieceTokenizer.Config.cased());
    }
    Path vocabJson = dir.resolve("vocab.json");
    Path merges = dir.resolve("merges.txt");
    if (Files.isRegularFile(vocabJson) && Files.isRegularFile(merges)) {
      boolean prefix = Boolean.TRUE.equals(tokenizerConfig.get("add_prefix_space"));
      String vocabText = WordPieceTokenizer.decodeUtf8(Files.readAllBytes(vocabJson), vocabJson.toString());
      boolean roberta = ByteLevelBpeTokenizer.readVocab(vocabText, vocabJson.toString()).containsKey("<s>");
      return ByteLevelBpeTokenizer.load(vocabJson, merges,
          roberta ? ByteLevelBpeTokenizer.SpecialTokens.roberta() : null, prefix);
    }
    throw new TokenizerFileException(dir + ": no tokenizer found (looked for tokenizer.json, vocab.txt, "
        + "vocab.json with merges.txt)");
  }
}
