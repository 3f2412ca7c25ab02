package io.lorastream.model.weights;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.lorastream.model.tensor.FloatTensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model that weight import needs: float initializers by name and the node
 * list.
 *
 * <p>Read with protobuf's own wire-format reader over the field numbers of {@code onnx.proto}
 * (ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto.input = 1, output = 2,
 * name = 3, op_type = 4; TensorProto.dims = 1, data_type = 2, float_data = 4, name = 8, raw_data =
 * 9, data_location = 14). Generating classes from the whole onnx.proto for these few fields would
 * add a protoc step to the build for no gain.
 *
 * @param initializers float32 initializers by name, in file order
 * @param nodes graph nodes in file order
 */
public record OnnxGraph(Map<String, FloatTensor> initializers, List<Node> nodes) {

  /** One graph node: its op and the names of the values it reads and writes. */
  public record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

  private static final int ONNX_FLOAT = 1;

  /**
   * Parses an ONNX model. Initializers of types other than float32 (e.g. int64 shape constants) are
   * skipped; weights stored in external files are refused.
   *
   * @param in the model bytes; read fully
   * @param source a name for error messages (a path or a classpath resource)
   */
  public static OnnxGraph read(InputStream in, String source) throws IOException {
    CodedInputStream model = CodedInputStream.newInstance(in);
    model.setSizeLimit(Integer.MAX_VALUE);
    Map<String, FloatTensor> initializers = new LinkedHashMap<>();
    List<Node> nodes = new ArrayList<>();
    boolean sawGraph = false;
    try {
      for (int tag = model.readTag(); tag != 0; tag = model.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == 7
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          sawGraph = true;
          readGraph(
              CodedInputStream.newInstance(model.readByteBuffer()), initializers, nodes, source);
        } else {
          model.skipField(tag);
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException(
          source + " is not a valid ONNX model (protobuf parse failed: " + e.getMessage() + ")", e);
    }
    if (!sawGraph) {
      throw new IOException(source + " is not an ONNX model: it has no graph (ModelProto field 7)");
    }
    return new OnnxGraph(initializers, nodes);
  }

  private static void readGraph(
      CodedInputStream graph,
      Map<String, FloatTensor> initializers,
      List<Node> nodes,
      String source)
      throws IOException {
    graph.setSizeLimit(Integer.MAX_VALUE);
    for (int tag = graph.readTag(); tag != 0; tag = graph.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == 1) {
        nodes.add(readNode(CodedInputStream.newInstance(graph.readByteBuffer())));
      } else if (field == 5) {
        readTensor(CodedInputStream.newInstance(graph.readByteBuffer()), initializers, source);
      } else {
        graph.skipField(tag);
      }
    }
  }

  private static Node readNode(CodedInputStream node) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    String opType = "";
    for (int tag = node.readTag(); tag != 0; tag = node.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> inputs.add(node.readStringRequireUtf8());
        case 2 -> outputs.add(node.readStringRequireUtf8());
        case 3 -> name = node.readStringRequireUtf8();
        case 4 -> opType = node.readStringRequireUtf8();
        default -> node.skipField(tag);
      }
    }
    return new Node(name, opType, List.copyOf(inputs), List.copyOf(outputs));
  }

  private static void readTensor(
      CodedInputStream tensor, Map<String, FloatTensor> out, String source) throws IOException {
    tensor.setSizeLimit(Integer.MAX_VALUE);
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = null;
    ByteBuffer raw = null;
    List<Float> floatData = new ArrayList<>();
    boolean external = false;
    for (int tag = tensor.readTag(); tag != 0; tag = tensor.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      switch (field) {
        case 1 -> {
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = tensor.pushLimit(tensor.readRawVarint32());
            while (tensor.getBytesUntilLimit() > 0) {
              dims.add(tensor.readInt64());
            }
            tensor.popLimit(limit);
          } else {
            dims.add(tensor.readInt64());
          }
        }
        case 2 -> dataType = tensor.readInt32();
        case 4 -> {
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = tensor.pushLimit(tensor.readRawVarint32());
            while (tensor.getBytesUntilLimit() > 0) {
              floatData.add(tensor.readFloat());
            }
            tensor.popLimit(limit);
          } else {
            floatData.add(tensor.readFloat());
          }
        }
        case 8 -> name = tensor.readStringRequireUtf8();
        case 9 -> raw = tensor.readByteBuffer();
        case 14 -> external = tensor.readEnum() == 1;
        default -> tensor.skipField(tag);
      }
    }
    if (dataType != ONNX_FLOAT || name == null) {
      return;
    }
    if (external) {
      throw new IOException(
          source
              + ": initializer '"
              + name
              + "' is stored in an external file, which lorastream does not read;"
              + " export the model with weights embedded in the .onnx file");
    }
    int[] shape = dims.stream().mapToInt(Math::toIntExact).toArray();
    float[] data;
    if (raw != null) {
      data = new float[raw.remaining() / Float.BYTES];
      raw.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
    } else {
      data = new float[floatData.size()];
      for (int i = 0; i < data.length; i++) {
        data[i] = floatData.get(i);
      }
    }
    try {
      out.put(name, new FloatTensor(shape, data));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          source + ": initializer '" + name + "' is corrupt: " + e.getMessage(), e);
    }
  }
}
