package dev.limbic.tensor.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal strict JSON (RFC 8259) parser over UTF-8 bytes, just enough for safetensors headers.
 *
 * <p>The input must already be valid UTF-8 (the caller checks that, so that it can report the byte
 * position of a bad sequence). Values map to: object → {@code Map<String,Object>} (insertion
 * ordered), array → {@code List<Object>}, string → {@code String}, number → {@link Num} (the exact
 * lexeme, so integers are never rounded through a double), {@code true/false} → {@code Boolean},
 * {@code null} → {@link #NULL}.
 *
 * <p>Defensive limits so that hostile headers fail with a {@link ParseException} (carrying the byte
 * position) instead of a {@code StackOverflowError} or an {@code OutOfMemoryError}: nesting deeper
 * than {@link #MAX_DEPTH}, arrays longer than {@link #MAX_ARRAY_ELEMENTS}, nested objects with more
 * than {@link #MAX_OBJECT_MEMBERS} members. Duplicate keys in any object are an error. The top-level
 * object is streamed member by member to a {@link MemberHandler}, so a header with many tensors never
 * materialises as one big tree.
 */
final class Json {

    static final int MAX_DEPTH = 64;
    static final int MAX_ARRAY_ELEMENTS = 1 << 16;
    static final int MAX_OBJECT_MEMBERS = 1 << 20;

    /** The JSON {@code null} value. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number kept as its exact source text; {@code pos} is its byte offset in the input. */
    record Num(String text, int pos) {
        /** True if the lexeme is a plain integer: optional minus, digits, no fraction or exponent. */
        boolean isInteger() {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-')) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Malformed input; {@link #position()} is the byte offset (within the parsed bytes) of the fault. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int position;

        ParseException(String message, int position) {
            super(message);
            this.position = position;
        }

        int position() {
            return position;
        }
    }

    /** Receives each member of the top-level object as soon as it is parsed. */
    @FunctionalInterface
    interface MemberHandler {
        void member(String key, Object value, int keyPosition);
    }

    private final byte[] in;
    private final int end;
    private int p;

    private Json(byte[] in, int end) {
        this.in = in;
        this.end = end;
    }

    /**
     * Parses {@code in[0, length)} which must be one JSON object followed only by whitespace, and
     * hands each top-level member to {@code handler} in document order. Duplicate top-level keys are
     * an error (reported before the handler sees the second one).
     */
    static void parseTopLevelObject(byte[] in, int length, MemberHandler handler) throws ParseException {
        Json j = new Json(in, length);
        j.skipWs();
        if (j.p >= j.end || j.in[j.p] != '{') {
            throw new ParseException("the header is not a JSON object (expected '{' but found "
                    + j.describeHere() + ")", j.p);
        }
        j.p++;
        Set<String> seen = new HashSet<>();
        j.skipWs();
        if (j.peek() == '}') {
            j.p++;
        } else {
            while (true) {
                j.skipWs();
                int keyPos = j.p;
                String key = j.parseKey();
                if (!seen.add(key)) {
                    throw new ParseException("duplicate key \"" + key + "\"", keyPos);
                }
                j.skipWs();
                j.expect(':');
                Object value = j.parseValue(1);
                handler.member(key, value, keyPos);
                j.skipWs();
                int c = j.peek();
                if (c == ',') {
                    j.p++;
                } else if (c == '}') {
                    j.p++;
                    break;
                } else {
                    throw new ParseException("expected ',' or '}' after an object member but found "
                            + j.describeHere(), j.p);
                }
            }
        }
        j.skipWs();
        if (j.p != j.end) {
            throw new ParseException("unexpected content after the end of the header object: "
                    + j.describeHere(), j.p);
        }
    }

    /** Parses a complete JSON document of any type (used by tests and small callers). */
    static Object parse(byte[] in) throws ParseException {
        Json j = new Json(in, in.length);
        Object v = j.parseValue(0);
        j.skipWs();
        if (j.p != j.end) {
            throw new ParseException("unexpected content after the JSON value: " + j.describeHere(), j.p);
        }
        return v;
    }

    /** Short human description of a value's JSON type, for error messages. */
    static String typeName(Object v) {
        if (v instanceof Map) {
            return "an object";
        } else if (v instanceof List) {
            return "an array";
        } else if (v instanceof String) {
            return "a string";
        } else if (v instanceof Num) {
            return "a number";
        } else if (v instanceof Boolean) {
            return "a boolean";
        } else {
            return "null";
        }
    }

    // ---------------------------------------------------------------------------------------------

    private Object parseValue(int depth) throws ParseException {
        skipWs();
        if (p >= end) {
            throw new ParseException("unexpected end of header, expected a value", p);
        }
        int c = in[p];
        switch (c) {
            case '{':
                return parseObject(depth + 1);
            case '[':
                return parseArray(depth + 1);
            case '"':
                return parseString();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return parseNumber();
                }
                throw new ParseException("expected a JSON value but found " + describeHere(), p);
        }
    }

    private void checkDepth(int depth) throws ParseException {
        if (depth > MAX_DEPTH) {
            throw new ParseException("JSON nested deeper than " + MAX_DEPTH + " levels", p);
        }
    }

    private Map<String, Object> parseObject(int depth) throws ParseException {
        checkDepth(depth);
        p++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWs();
        if (peek() == '}') {
            p++;
            return map;
        }
        while (true) {
            skipWs();
            int keyPos = p;
            String key = parseKey();
            if (map.containsKey(key)) {
                throw new ParseException("duplicate key \"" + key + "\"", keyPos);
            }
            if (map.size() >= MAX_OBJECT_MEMBERS) {
                throw new ParseException("object has more than " + MAX_OBJECT_MEMBERS + " members", keyPos);
            }
            skipWs();
            expect(':');
            map.put(key, parseValue(depth));
            skipWs();
            int c = peek();
            if (c == ',') {
                p++;
            } else if (c == '}') {
                p++;
                return map;
            } else {
                throw new ParseException("expected ',' or '}' after an object member but found "
                        + describeHere(), p);
            }
        }
    }

    private List<Object> parseArray(int depth) throws ParseException {
        checkDepth(depth);
        p++; // '['
        List<Object> list = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            p++;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            if (list.size() >= MAX_ARRAY_ELEMENTS) {
                throw new ParseException("array has more than " + MAX_ARRAY_ELEMENTS + " elements", p);
            }
            list.add(parseValue(depth));
            skipWs();
            int c = peek();
            if (c == ',') {
                p++;
            } else if (c == ']') {
                p++;
                return Collections.unmodifiableList(list);
            } else {
                throw new ParseException("expected ',' or ']' in an array but found " + describeHere(), p);
            }
        }
    }

    private String parseKey() throws ParseException {
        if (peek() != '"') {
            throw new ParseException("expected a string key but found " + describeHere(), p);
        }
        return parseString();
    }

    private String parseString() throws ParseException {
        int start = ++p; // after the opening quote
        // Fast path: no escapes.
        while (p < end) {
            int b = in[p] & 0xff;
            if (b == '"') {
                String s = new String(in, start, p - start, StandardCharsets.UTF_8);
                p++;
                return s;
            }
            if (b == '\\') {
                break;
            }
            if (b < 0x20) {
                throw new ParseException("unescaped control character 0x" + Integer.toHexString(b)
                        + " in a string", p);
            }
            p++;
        }
        if (p >= end) {
            throw new ParseException("unterminated string", start - 1);
        }
        StringBuilder sb = new StringBuilder(new String(in, start, p - start, StandardCharsets.UTF_8));
        int run = p;
        while (p < end) {
            int b = in[p] & 0xff;
            if (b == '"') {
                sb.append(new String(in, run, p - run, StandardCharsets.UTF_8));
                p++;
                return sb.toString();
            }
            if (b < 0x20) {
                throw new ParseException("unescaped control character 0x" + Integer.toHexString(b)
                        + " in a string", p);
            }
            if (b != '\\') {
                p++;
                continue;
            }
            sb.append(new String(in, run, p - run, StandardCharsets.UTF_8));
            int escPos = p;
            p++;
            if (p >= end) {
                break;
            }
            int e = in[p];
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (p + 4 >= end) {
                        throw new ParseException("truncated \\u escape", escPos);
                    }
                    int v = 0;
                    for (int i = 1; i <= 4; i++) {
                        int d = Character.digit(in[p + i], 16);
                        if (d < 0 || in[p + i] < 0) {
                            throw new ParseException("bad hex digit in \\u escape", p + i);
                        }
                        v = (v << 4) | d;
                    }
                    sb.append((char) v);
                    p += 4;
                }
                default -> throw new ParseException("invalid escape sequence '\\" + printable(e) + "'", escPos);
            }
            p++;
            run = p;
        }
        throw new ParseException("unterminated string", start - 1);
    }

    private Num parseNumber() throws ParseException {
        int start = p;
        if (in[p] == '-') {
            p++;
        }
        if (p >= end || !isDigit(in[p])) {
            throw new ParseException("malformed number: expected a digit", p);
        }
        if (in[p] == '0') {
            p++;
            if (p < end && isDigit(in[p])) {
                throw new ParseException("malformed number: leading zero", start);
            }
        } else {
            while (p < end && isDigit(in[p])) {
                p++;
            }
        }
        if (p < end && in[p] == '.') {
            p++;
            if (p >= end || !isDigit(in[p])) {
                throw new ParseException("malformed number: expected a digit after '.'", p);
            }
            while (p < end && isDigit(in[p])) {
                p++;
            }
        }
        if (p < end && (in[p] == 'e' || in[p] == 'E')) {
            p++;
            if (p < end && (in[p] == '+' || in[p] == '-')) {
                p++;
            }
            if (p >= end || !isDigit(in[p])) {
                throw new ParseException("malformed number: expected a digit in the exponent", p);
            }
            while (p < end && isDigit(in[p])) {
                p++;
            }
        }
        if (p - start > 1000) {
            throw new ParseException("number literal longer than 1000 characters", start);
        }
        return new Num(new String(in, start, p - start, StandardCharsets.US_ASCII), start);
    }

    private void literal(String word) throws ParseException {
        int n = word.length();
        if (p + n > end) {
            throw new ParseException("expected '" + word + "' but the header ends", p);
        }
        for (int i = 0; i < n; i++) {
            if (in[p + i] != word.charAt(i)) {
                throw new ParseException("expected a JSON value but found " + describeHere(), p);
            }
        }
        p += n;
    }

    private void expect(char c) throws ParseException {
        if (peek() != c) {
            throw new ParseException("expected '" + c + "' but found " + describeHere(), p);
        }
        p++;
    }

    private int peek() {
        return p < end ? in[p] & 0xff : -1;
    }

    private void skipWs() {
        while (p < end) {
            byte b = in[p];
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                p++;
            } else {
                return;
            }
        }
    }

    private String describeHere() {
        if (p >= end) {
            return "the end of the header";
        }
        return "'" + printable(in[p] & 0xff) + "'";
    }

    private static String printable(int b) {
        if (b >= 0x20 && b < 0x7f) {
            return String.valueOf((char) b);
        }
        return String.format("\\x%02x", b & 0xff);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
