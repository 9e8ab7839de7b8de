package dev.limbic.data.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesEveryValueType() {
    Map<String, Object> m = Json.parseObject(
        "{\"a\": 1, \"b\": -2.5e1, \"c\": \"x\\u00e9\\n\\\"\", \"d\": [true, false, null], \"e\": {}}", "t");
    assertThat(m.get("a")).isEqualTo(1L);
    assertThat(m.get("b")).isEqualTo(-25.0);
    assertThat(m.get("c")).isEqualTo("x\u00e9\n\"");
    assertThat(m.get("d")).isEqualTo(java.util.Arrays.asList(true, false, null));
    assertThat((Map<?, ?>) m.get("e")).isEmpty();
    assertThat(List.copyOf(m.keySet())).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void surrogatePairEscapesRecombine() {
    assertThat(Json.parse("\"\\ud83d\\ude00\"", "t")).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void errorsNameSourceLineAndColumn() {
    assertThatThrownBy(() -> Json.parse("{\n  \"a\": 1,\n  \"b\" 2}", "cfg.json"))
        .isInstanceOf(JsonException.class).hasMessageContaining("cfg.json:3:7").hasMessageContaining("':'");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}", "x")).hasMessageContaining("duplicate key \"a\"");
    assertThatThrownBy(() -> Json.parse("[1,2", "x")).hasMessageContaining("expected ',' or ']'");
    assertThatThrownBy(() -> Json.parse("\"abc", "x")).hasMessageContaining("unterminated string");
    assertThatThrownBy(() -> Json.parse("01", "x")).hasMessageContaining("after the JSON value");
    assertThatThrownBy(() -> Json.parse("1.", "x")).hasMessageContaining("digits expected");
    assertThatThrownBy(() -> Json.parse("[1] x", "x")).hasMessageContaining("after the JSON value");
    assertThatThrownBy(() -> Json.parse("\"a\tb\"", "x")).hasMessageContaining("control character");
    assertThatThrownBy(() -> Json.parse("[".repeat(Json.MAX_DEPTH + 1), "x")).hasMessageContaining("nesting");
  }

  @Test
  void typedAccessorsNameTheField() {
    Map<String, Object> m = Json.parseObject("{\"n\": \"x\", \"k\": 2.5}", "config.json");
    assertThatThrownBy(() -> Json.integer(m, "n", "config.json"))
        .hasMessage("config.json: field \"n\" must be an integer, found a string");
    assertThatThrownBy(() -> Json.integer(m, "k", "config.json")).hasMessageContaining("must be an integer");
    assertThatThrownBy(() -> Json.string(m, "missing", "config.json"))
        .hasMessage("config.json: missing field \"missing\"");
  }

  @Test
  void writeRoundTrips() {
    Object v = Json.parse("{\"a\":[1,2.5,\"q\\\"\\n\",null,true],\"b\":{\"c\":-3}}", "t");
    assertThat(Json.parse(Json.write(v), "w")).isEqualTo(v);
    assertThat(Json.parse(Json.writePretty(v), "w")).isEqualTo(v);
    assertThat(Json.write(new float[] {0.1f, 2f})).isEqualTo("[0.1,2.0]");
    assertThatThrownBy(() -> Json.write(Double.NaN)).hasMessageContaining("finite");
  }
}
