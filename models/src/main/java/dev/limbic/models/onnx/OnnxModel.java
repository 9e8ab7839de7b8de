package dev.limbic.models.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model ({@code ModelProto}) needed to take its weights: the graph's initializers
 * ({@code TensorProto}: dims, data_type, raw_data or float_data/int64_data/int32_data), its nodes (op_type,
 * inputs, outputs) and the names of its inputs and outputs. Everything else (attributes, value infos, metadata,
 * functions) is skipped by wire type. The reader is pure Java and bounds-checked: any truncation or inconsistency
 * is an {@link OnnxFormatException} naming the file, the field path and the byte offset.
 *
 * <p>Field numbers are those of onnx.proto3: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5,
 * input = 11, output = 12; NodeProto.input = 1, output = 2, name = 3, op_type = 4; TensorProto.dims = 1,
 * data_type = 2, segment = 3, float_data = 4, int32_data = 5, int64_data = 7, name = 8, raw_data = 9,
 * external_data = 13, data_location = 14; ValueInfoProto.name = 1.
 */
public final class OnnxModel {
  private final String source;
  private final long irVersion;
  private final Map<String, OnnxTensor> initializers;
  private final List<OnnxNode> nodes;
  private final List<String> inputs;
  private final List<String> outputs;

  private OnnxModel(String source, long irVersion, Map<String, OnnxTensor> initializers, List<OnnxNode> nodes,
      List<String> inputs, List<String> outputs) {
    this.source = source;
    this.irVersion = irVersion;
    this.initializers = Collections.unmodifiableMap(initializers);
    this.nodes = List.copyOf(nodes);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
  }

  /** Reads an ONNX file (the whole file is held in memory; models over 2 GiB use external data, unsupported). */
  public static OnnxModel read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 8) {
      throw new OnnxFormatException(file + ": " + size + " bytes; ONNX files over 2 GiB keep their weights as "
          + "external data, which this reader does not support");
    }
    return parse(Files.readAllBytes(file), file.toString());
  }

  /** Reads a model from a stream; {@code source} names it in errors (a resource name, a URL). */
  public static OnnxModel read(InputStream in, String source) throws IOException {
    return parse(in.readAllBytes(), source);
  }

  /** Parses the bytes of an ONNX file; {@code source} names it in errors. */
  public static OnnxModel parse(byte[] bytes, String source) throws OnnxFormatException {
    ProtoReader model = new ProtoReader(bytes, 0, bytes.length, source, "ModelProto");
    long irVersion = -1;
    ProtoReader.Region graph = null;
    while (model.hasMore()) {
      int field = model.nextField();
      if (field == 1 && model.wireType() == ProtoReader.VARINT) {
        irVersion = model.readInt64("ir_version");
      } else if (field == 7) {
        if (graph != null) {
          throw model.error("more than one graph field");
        }
        graph = model.readRegion("graph");
      } else {
        model.skip();
      }
    }
    if (graph == null) {
      throw new OnnxFormatException(source + ": ModelProto.graph is missing (" + bytes.length
          + " bytes read; not an ONNX model, or truncated before the graph)");
    }
    return parseGraph(model.nested(graph, "ModelProto.graph"), source, irVersion);
  }

  private static OnnxModel parseGraph(ProtoReader g, String source, long irVersion) throws OnnxFormatException {
    Map<String, OnnxTensor> inits = new LinkedHashMap<>();
    List<OnnxNode> nodes = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    while (g.hasMore()) {
      int field = g.nextField();
      switch (field) {
        case 1 -> {
          ProtoReader.Region r = g.readRegion("node");
          nodes.add(parseNode(g.nested(r, g.path() + ".node[" + nodes.size() + "]")));
        }
        case 5 -> {
          ProtoReader.Region r = g.readRegion("initializer");
          OnnxTensor t = parseTensor(g.nested(r, g.path() + ".initializer[" + inits.size() + "]"));
          if (inits.putIfAbsent(t.name(), t) != null) {
            throw g.error("initializer '" + t.name() + "' appears twice");
          }
        }
        case 11, 12 -> {
          String what = field == 11 ? "input" : "output";
          ProtoReader.Region r = g.readRegion(what);
          String name = valueInfoName(g.nested(r, g.path() + "." + what));
          (field == 11 ? inputs : outputs).add(name);
        }
        case 15 -> throw g.error("sparse_initializer is not supported");
        default -> g.skip();
      }
    }
    return new OnnxModel(source, irVersion, inits, nodes, inputs, outputs);
  }

  private static String valueInfoName(ProtoReader v) throws OnnxFormatException {
    String name = "";
    while (v.hasMore()) {
      if (v.nextField() == 1) {
        name = v.readString("name");
      } else {
        v.skip();
      }
    }
    return name;
  }

  private static OnnxNode parseNode(ProtoReader n) throws OnnxFormatException {
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    String name = "";
    String op = null;
    while (n.hasMore()) {
      switch (n.nextField()) {
        case 1 -> in.add(n.readString("input"));
        case 2 -> out.add(n.readString("output"));
        case 3 -> name = n.readString("name");
        case 4 -> op = n.readString("op_type");
        default -> n.skip();
      }
    }
    if (op == null) {
      throw n.error("node '" + name + "' has no op_type");
    }
    return new OnnxNode(name, op, in, out);
  }

  private static OnnxTensor parseTensor(ProtoReader t) throws OnnxFormatException {
    ProtoReader.LongList dims = new ProtoReader.LongList();
    int dataType = 0;
    String name = null;
    ProtoReader.Region raw = null;
    ByteArrayOutputStream floatData = new ByteArrayOutputStream();
    ProtoReader.LongList int64Data = new ProtoReader.LongList();
    ProtoReader.LongList int32Data = new ProtoReader.LongList();
    boolean typed = false;
    while (t.hasMore()) {
      int field = t.nextField();
      switch (field) {
        case 1 -> t.readRepeatedInt64(dims, "dims");
        case 2 -> dataType = (int) t.readInt64("data_type");
        case 3 -> throw t.error("segmented tensors (field segment) are not supported");
        case 4 -> {
          t.readRepeatedFloat(floatData, "float_data");
          typed = true;
        }
        case 5 -> {
          t.readRepeatedInt64(int32Data, "int32_data");
          typed = true;
        }
        case 7 -> {
          t.readRepeatedInt64(int64Data, "int64_data");
          typed = true;
        }
        case 8 -> name = t.readString("name");
        case 9 -> raw = t.readRegion("raw_data");
        case 13 -> throw t.error("external_data is not supported (weights stored outside the .onnx file)");
        case 14 -> {
          if (t.readInt64("data_location") != 0) {
            throw t.error("data_location EXTERNAL is not supported (weights stored outside the .onnx file)");
          }
        }
        default -> t.skip();
      }
    }
    String who = "initializer '" + (name == null ? "?" : name) + "'";
    if (name == null || name.isEmpty()) {
      throw t.error("initializer without a name");
    }
    long[] shape = dims.toArray();
    long numel = 1;
    for (long d : shape) {
      if (d < 0) {
        throw t.error(who + ": negative dimension in dims " + java.util.Arrays.toString(shape));
      }
      numel = Math.multiplyExact(numel, d);
    }
    int elem = OnnxTensor.elementSize(dataType);
    if (elem == 0) {
      // not decodable (STRING, complex, unknown); kept so the graph is complete, its accessors refuse it
      return new OnnxTensor(name, dataType, shape, new byte[0], 0, 0);
    }
    long expected = numel * elem;
    if (raw != null && typed) {
      throw t.error(who + ": has both raw_data and a typed data field");
    }
    if (raw != null) {
      if (raw.length() != expected) {
        throw t.error(who + ": raw_data holds " + raw.length() + " bytes but dims "
            + java.util.Arrays.toString(shape) + " of " + OnnxTensor.typeName(dataType) + " need " + expected);
      }
      return new OnnxTensor(name, dataType, shape, t.buffer(), raw.start(), raw.length());
    }
    byte[] bytes;
    String field;
    if (dataType == OnnxTensor.FLOAT) {
      bytes = floatData.toByteArray();
      field = "float_data";
    } else if (dataType == OnnxTensor.INT64) {
      bytes = littleEndianLongs(int64Data.toArray());
      field = "int64_data";
    } else if (dataType == OnnxTensor.INT32) {
      bytes = littleEndianInts(int32Data.toArray());
      field = "int32_data";
    } else {
      bytes = new byte[0];
      field = "raw_data";
    }
    if (bytes.length != expected) {
      throw t.error(who + ": " + field + " holds " + bytes.length / elem + " values but dims "
          + java.util.Arrays.toString(shape) + " need " + numel);
    }
    return new OnnxTensor(name, dataType, shape, bytes, 0, bytes.length);
  }

  private static byte[] littleEndianLongs(long[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  private static byte[] littleEndianInts(long[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putInt((int) x);
    }
    return b.array();
  }

  /** The file or resource this model was read from. */
  public String source() {
    return source;
  }

  /** {@code ModelProto.ir_version}, or −1 when absent. */
  public long irVersion() {
    return irVersion;
  }

  /** Initializers by name, in file order. */
  public Map<String, OnnxTensor> initializers() {
    return initializers;
  }

  /** The initializer {@code name}, or an error naming the file and the missing tensor. */
  public OnnxTensor initializer(String name) throws OnnxFormatException {
    OnnxTensor t = initializers.get(name);
    if (t == null) {
      throw new OnnxFormatException(source + ": the graph has no initializer '" + name + "'");
    }
    return t;
  }

  /** Nodes in graph (topological) order. */
  public List<OnnxNode> nodes() {
    return nodes;
  }

  public List<String> inputs() {
    return inputs;
  }

  public List<String> outputs() {
    return outputs;
  }

  /** Every node that reads {@code value}. */
  public List<OnnxNode> consumers(String value) {
    List<OnnxNode> out = new ArrayList<>();
    for (OnnxNode n : nodes) {
      if (n.inputs().contains(value)) {
        out.add(n);
      }
    }
    return out;
  }
}
