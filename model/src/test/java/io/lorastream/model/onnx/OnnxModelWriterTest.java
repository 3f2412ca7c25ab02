package io.lorastream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.lorastream.model.tensor.FloatTensor;
import io.lorastream.model.weights.OnnxGraph;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxModelWriterTest {

  @Test
  void whatIsWrittenReadsBackWithTheImportersParser() throws Exception {
    OnnxModelWriter w = new OnnxModelWriter(17).domain(BertServingGraph.MS, 1);
    w.input("x", OnnxModelWriter.FLOAT, "N", 2L);
    FloatTensor weight = new FloatTensor(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
    w.initializer("w", weight);
    w.initializer("shape", new long[] {2}, 3L, -1L);
    w.node("", "MatMul", List.of("x", "w"), List.of("y"));
    w.node(
        BertServingGraph.MS,
        "BiasGelu",
        List.of("y", "b"),
        List.of("z"),
        OnnxModelWriter.Attribute.of("k", 2L));
    w.output("z", OnnxModelWriter.FLOAT, "N", 3L);

    OnnxGraph read = OnnxGraph.read(new ByteArrayInputStream(w.toBytes("test")), "test");

    assertThat(read.initializers())
        .containsOnlyKeys("w"); // the reader keeps float32 initializers only
    assertThat(read.initializers().get("w")).isEqualTo(weight);
    assertThat(read.nodes())
        .extracting(OnnxGraph.Node::opType)
        .containsExactly("MatMul", "BiasGelu");
    assertThat(read.nodes().get(0).inputs()).containsExactly("x", "w");
    assertThat(read.nodes().get(1).outputs()).containsExactly("z");
  }
}
