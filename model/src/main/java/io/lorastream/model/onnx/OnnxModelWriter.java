package io.lorastream.model.onnx;

import com.google.protobuf.CodedOutputStream;
import io.lorastream.model.tensor.FloatTensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an ONNX model (one graph) in protobuf wire format over the field numbers of {@code
 * onnx.proto}, the counterpart of {@code OnnxGraph}'s reader: ModelProto (ir_version 1,
 * producer_name 2, graph 7, opset_import 8), GraphProto (node 1, name 2, initializer 5, input 11,
 * output 12), NodeProto (input 1, output 2, name 3, op_type 4, attribute 5, domain 7),
 * AttributeProto (name 1, f 2, i 3, ints 8, type 20), TensorProto (dims 1, data_type 2, name 8,
 * raw_data 9), ValueInfoProto (name 1, type 2), TypeProto.tensor_type 1, TypeProto.Tensor
 * (elem_type 1, shape 2), TensorShapeProto.dim 1, Dimension (dim_value 1, dim_param 2),
 * OperatorSetIdProto (domain 1, version 2). Only what a generated graph needs is supported.
 */
final class OnnxModelWriter {

  /** ONNX TensorProto.DataType values used here. */
  static final int FLOAT = 1;

  static final int INT32 = 6;
  static final int INT64 = 7;

  /** IR version 8 (ONNX 1.10+): initializers need not be graph inputs. ORT 1.20 reads up to 10. */
  private static final long IR_VERSION = 8;

  /** A node attribute: an int, a float or a list of ints. */
  record Attribute(String name, Long i, Float f, long[] ints) {
    static Attribute of(String name, long value) {
      return new Attribute(name, value, null, null);
    }

    static Attribute of(String name, float value) {
      return new Attribute(name, null, value, null);
    }

    static Attribute ints(String name, long... values) {
      return new Attribute(name, null, null, values.clone());
    }
  }

  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> initializers = new ArrayList<>();
  private final List<byte[]> inputs = new ArrayList<>();
  private final List<byte[]> outputs = new ArrayList<>();
  private final Map<String, Long> opsets = new LinkedHashMap<>();
  private int nodeCount;

  /**
   * @param opset the default domain's opset version
   */
  OnnxModelWriter(long opset) {
    opsets.put("", opset);
  }

  /** Declares a further operator domain, e.g. {@code com.microsoft} version 1. */
  OnnxModelWriter domain(String domain, long version) {
    opsets.put(domain, version);
    return this;
  }

  /**
   * A graph input or output's declaration.
   *
   * @param dims each a Long (fixed) or a String (a named dynamic dimension)
   */
  void input(String name, int elemType, Object... dims) {
    inputs.add(valueInfo(name, elemType, dims));
  }

  void output(String name, int elemType, Object... dims) {
    outputs.add(valueInfo(name, elemType, dims));
  }

  void initializer(String name, FloatTensor t) {
    ByteBuffer raw = ByteBuffer.allocate(t.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(t.data());
    initializers.add(tensor(name, FLOAT, t.longShape(), raw.array()));
  }

  void initializer(String name, long[] shape, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    initializers.add(tensor(name, INT64, shape, raw.array()));
  }

  void initializer(String name, long[] shape, float... values) {
    ByteBuffer raw =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    initializers.add(tensor(name, FLOAT, shape, raw.array()));
  }

  /**
   * A node of the default domain, or of {@code domain} when not empty; returns its first output's
   * name.
   */
  String node(
      String domain, String opType, List<String> in, List<String> out, Attribute... attributes) {
    nodes.add(
        message(
            o -> {
              for (String s : in) {
                o.writeString(1, s);
              }
              for (String s : out) {
                o.writeString(2, s);
              }
              o.writeString(3, opType + "_" + nodeCount++);
              o.writeString(4, opType);
              for (Attribute a : attributes) {
                o.writeByteArray(5, attribute(a));
              }
              if (!domain.isEmpty()) {
                o.writeString(7, domain);
              }
            }));
    return out.get(0);
  }

  /** The model's bytes, ready for {@code OrtEnvironment.createSession}. */
  byte[] toBytes(String graphName) {
    byte[] graph =
        message(
            o -> {
              for (byte[] n : nodes) {
                o.writeByteArray(1, n);
              }
              o.writeString(2, graphName);
              for (byte[] t : initializers) {
                o.writeByteArray(5, t);
              }
              for (byte[] i : inputs) {
                o.writeByteArray(11, i);
              }
              for (byte[] i : outputs) {
                o.writeByteArray(12, i);
              }
            });
    return message(
        o -> {
          o.writeInt64(1, IR_VERSION);
          o.writeString(2, "lorastream");
          o.writeByteArray(7, graph);
          for (Map.Entry<String, Long> e : opsets.entrySet()) {
            o.writeByteArray(
                8,
                message(
                    s -> {
                      s.writeString(1, e.getKey());
                      s.writeInt64(2, e.getValue());
                    }));
          }
        });
  }

  private static byte[] attribute(Attribute a) {
    return message(
        o -> {
          o.writeString(1, a.name());
          if (a.i() != null) {
            o.writeInt64(3, a.i());
            o.writeEnum(20, 2); // INT
          } else if (a.f() != null) {
            o.writeFloat(2, a.f());
            o.writeEnum(20, 1); // FLOAT
          } else {
            for (long v : a.ints()) {
              o.writeInt64(8, v);
            }
            o.writeEnum(20, 7); // INTS
          }
        });
  }

  private static byte[] tensor(String name, int dataType, long[] shape, byte[] raw) {
    return message(
        o -> {
          for (long d : shape) {
            o.writeInt64(1, d);
          }
          o.writeInt32(2, dataType);
          o.writeString(8, name);
          o.writeByteArray(9, raw);
        });
  }

  private static byte[] valueInfo(String name, int elemType, Object... dims) {
    byte[] shape =
        message(
            o -> {
              for (Object d : dims) {
                o.writeByteArray(
                    1,
                    message(
                        dim -> {
                          if (d instanceof String param) {
                            dim.writeString(2, param);
                          } else {
                            dim.writeInt64(1, ((Number) d).longValue());
                          }
                        }));
              }
            });
    byte[] tensorType =
        message(
            o -> {
              o.writeInt32(1, elemType);
              o.writeByteArray(2, shape);
            });
    byte[] type = message(o -> o.writeByteArray(1, tensorType));
    return message(
        o -> {
          o.writeString(1, name);
          o.writeByteArray(2, type);
        });
  }

  @FunctionalInterface
  private interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      body.write(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
