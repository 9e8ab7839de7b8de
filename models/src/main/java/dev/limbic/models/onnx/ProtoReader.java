package dev.limbic.models.onnx;

/**
 * A bounds-checked reader of the protobuf wire format over one region {@code [pos, limit)} of a byte array. Every
 * read checks the region's end first, so a truncated or corrupt file ends in an {@link OnnxFormatException} that
 * names the source, the field path being read and the byte offset, never in an index error or a huge allocation.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private final String source;
  private final String path;
  private int pos;
  private final int limit;
  private int lastTag;

  ProtoReader(byte[] buf, int start, int limit, String source, String path) {
    this.buf = buf;
    this.pos = start;
    this.limit = limit;
    this.source = source;
    this.path = path;
  }

  /** The region {@code [start, end)} of a length-delimited field, read as a nested message. */
  ProtoReader nested(Region r, String childPath) {
    return new ProtoReader(buf, r.start, r.end, source, childPath);
  }

  /** A length-delimited field's bytes: {@code buf[start, end)} of the whole file. */
  record Region(int start, int end) {
    int length() {
      return end - start;
    }
  }

  boolean hasMore() {
    return pos < limit;
  }

  /** Reads the next tag; returns its field number (the wire type is {@link #wireType()}). */
  int nextField() throws OnnxFormatException {
    long tag = readVarint("tag");
    int field = (int) (tag >>> 3);
    if (tag >>> 32 != 0 || field == 0) {
      throw error("invalid field tag " + tag);
    }
    lastTag = (int) tag;
    return field;
  }

  int wireType() {
    return lastTag & 7;
  }

  long readVarint(String what) throws OnnxFormatException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw error("truncated varint (" + what + ")");
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw error("varint longer than 10 bytes (" + what + ")");
  }

  Region readRegion(String what) throws OnnxFormatException {
    expect(LENGTH_DELIMITED, what);
    long len = readVarint(what + " length");
    if (len < 0 || len > limit - pos) {
      throw error(what + " declares " + len + " bytes but only " + (limit - pos) + " remain in its parent");
    }
    Region r = new Region(pos, pos + (int) len);
    pos += (int) len;
    return r;
  }

  String readString(String what) throws OnnxFormatException {
    Region r = readRegion(what);
    return new String(buf, r.start, r.length(), java.nio.charset.StandardCharsets.UTF_8);
  }

  long readInt64(String what) throws OnnxFormatException {
    expect(VARINT, what);
    return readVarint(what);
  }

  /**
   * Reads a repeated int64 field given either unpacked (one varint) or packed (a length-delimited run of varints)
   * into {@code out}.
   */
  void readRepeatedInt64(LongList out, String what) throws OnnxFormatException {
    if (wireType() == VARINT) {
      out.add(readVarint(what));
      return;
    }
    Region r = readRegion(what);
    ProtoReader inner = new ProtoReader(buf, r.start, r.end, source, path + "." + what);
    while (inner.hasMore()) {
      out.add(inner.readVarint(what));
    }
  }

  /** A repeated float field, unpacked (one fixed32) or packed: appended to {@code out} as raw bits. */
  void readRepeatedFloat(java.io.ByteArrayOutputStream out, String what) throws OnnxFormatException {
    if (wireType() == FIXED32) {
      require(4, what);
      out.write(buf, pos, 4);
      pos += 4;
      return;
    }
    Region r = readRegion(what);
    if (r.length() % 4 != 0) {
      throw error(what + ": packed floats take " + r.length() + " bytes, not a multiple of 4");
    }
    out.write(buf, r.start, r.length());
  }

  /** Skips the value of the field whose tag was just read. */
  void skip() throws OnnxFormatException {
    switch (wireType()) {
      case VARINT -> readVarint("skipped field " + (lastTag >>> 3));
      case FIXED64 -> {
        require(8, "skipped field " + (lastTag >>> 3));
        pos += 8;
      }
      case LENGTH_DELIMITED -> readRegion("skipped field " + (lastTag >>> 3));
      case FIXED32 -> {
        require(4, "skipped field " + (lastTag >>> 3));
        pos += 4;
      }
      default -> throw error("unsupported wire type " + wireType() + " (field " + (lastTag >>> 3) + ")");
    }
  }

  byte[] buffer() {
    return buf;
  }

  String source() {
    return source;
  }

  String path() {
    return path;
  }

  private void expect(int wire, String what) throws OnnxFormatException {
    if (wireType() != wire) {
      throw error(what + " has wire type " + wireType() + ", expected " + wire);
    }
  }

  private void require(int n, String what) throws OnnxFormatException {
    if (limit - pos < n) {
      throw error("truncated " + what + ": needs " + n + " bytes, " + (limit - pos) + " remain");
    }
  }

  OnnxFormatException error(String message) {
    return new OnnxFormatException(source + ": " + path + ": " + message + " (byte offset " + pos + ")");
  }

  /** A growable long array (protobuf repeated int64). */
  static final class LongList {
    private long[] values = new long[8];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
