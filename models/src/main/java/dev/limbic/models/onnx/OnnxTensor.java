package dev.limbic.models.onnx;

import dev.limbic.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One initializer ({@code TensorProto}): name, element type, dimensions and its little-endian data, which came
 * from {@code raw_data} or from the typed {@code float_data} / {@code int64_data} fields. The reader has already
 * checked that the byte count equals {@code numel × element size}.
 */
public final class OnnxTensor {
  /** ONNX {@code TensorProto.DataType} codes Limbic reads. */
  public static final int FLOAT = 1;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int DOUBLE = 11;

  private final String name;
  private final int dataType;
  private final long[] dims;
  private final byte[] data;
  private final int offset;
  private final int length;

  OnnxTensor(String name, int dataType, long[] dims, byte[] data, int offset, int length) {
    this.name = name;
    this.dataType = dataType;
    this.dims = dims.clone();
    this.data = data;
    this.offset = offset;
    this.length = length;
  }

  public String name() {
    return name;
  }

  /** The {@code TensorProto.DataType} code (1 = FLOAT, 7 = INT64, ...). */
  public int dataType() {
    return dataType;
  }

  public long[] dims() {
    return dims.clone();
  }

  public long numel() {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  /** Dimensions as ints (every Limbic tensor dimension fits). */
  public int[] shape() {
    int[] s = new int[dims.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.toIntExact(dims[i]);
    }
    return s;
  }

  /** The values of a FLOAT tensor. */
  public float[] floats() {
    requireType(FLOAT, "floats()");
    float[] out = new float[length / 4];
    ByteBuffer.wrap(data, offset, length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** The values of an INT64 or INT32 tensor, widened to long. */
  public long[] longs() {
    if (dataType == INT64) {
      long[] out = new long[length / 8];
      ByteBuffer.wrap(data, offset, length).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
      return out;
    }
    requireType(INT32, "longs()");
    long[] out = new long[length / 4];
    ByteBuffer b = ByteBuffer.wrap(data, offset, length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getInt();
    }
    return out;
  }

  /** A FLOAT tensor as an F32 {@link Tensor} of the same shape. */
  public Tensor toTensor() {
    return Tensor.of(floats(), shape());
  }

  private void requireType(int type, String accessor) {
    if (dataType != type) {
      throw new IllegalArgumentException("ONNX initializer '" + name + "' has data_type " + dataType + " ("
          + typeName(dataType) + "); " + accessor + " reads " + typeName(type));
    }
  }

  /** Bytes per element of a data type, or 0 for types this reader does not decode. */
  static int elementSize(int dataType) {
    return switch (dataType) {
      case FLOAT, INT32 -> 4;
      case INT64, DOUBLE -> 8;
      case 2, 3, 9 -> 1;      // UINT8, INT8, BOOL
      case 4, 5, 10, 16 -> 2; // UINT16, INT16, FLOAT16, BFLOAT16
      case 12 -> 4;           // UINT32
      case 13 -> 8;           // UINT64
      default -> 0;
    };
  }

  static String typeName(int dataType) {
    return switch (dataType) {
      case FLOAT -> "FLOAT";
      case 2 -> "UINT8";
      case 3 -> "INT8";
      case 4 -> "UINT16";
      case 5 -> "INT16";
      case INT32 -> "INT32";
      case INT64 -> "INT64";
      case 8 -> "STRING";
      case 9 -> "BOOL";
      case 10 -> "FLOAT16";
      case DOUBLE -> "DOUBLE";
      case 12 -> "UINT32";
      case 13 -> "UINT64";
      case 16 -> "BFLOAT16";
      default -> "type " + dataType;
    };
  }

  @Override
  public String toString() {
    return "OnnxTensor(" + name + ", " + typeName(dataType) + ", " + Arrays.toString(dims) + ")";
  }
}
