package io.lorastream.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lorastream.model.serving.EngineChoice;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchingConfigTest {

  @Test
  void autoWorkersAreOnePerCoreOnOnnxRuntimeAndOneOnPytorch() {
    BatchingConfig auto = BatchingConfig.DEFAULTS;
    assertThat(auto.workers()).isEqualTo(BatchingConfig.AUTO_WORKERS);
    assertThat(auto.workersFor(EngineChoice.ONNXRUNTIME, 2)).isEqualTo(2);
    assertThat(auto.workersFor(EngineChoice.ONNXRUNTIME, 16)).isEqualTo(16);
    assertThat(auto.workersFor(EngineChoice.PYTORCH, 16)).isEqualTo(1);
  }

  @Test
  void aSetWorkerCountIsKeptOnEveryEngine() {
    BatchingConfig three = BatchingConfig.DEFAULTS.withWorkers(3);
    assertThat(three.workersFor(EngineChoice.ONNXRUNTIME, 16)).isEqualTo(3);
    assertThat(three.workersFor(EngineChoice.PYTORCH, 16)).isEqualTo(3);
  }

  @Test
  void workersShareTheCoresAndEachPassGetsAtLeastOneThread() {
    assertThat(BatchingConfig.threadsPerPass(1, 8)).isEqualTo(8);
    assertThat(BatchingConfig.threadsPerPass(2, 8)).isEqualTo(4);
    assertThat(BatchingConfig.threadsPerPass(3, 8)).isEqualTo(2);
    assertThat(BatchingConfig.threadsPerPass(2, 2)).isEqualTo(1);
    assertThat(BatchingConfig.threadsPerPass(4, 2)).isEqualTo(1);
  }

  @Test
  void workersParseAutoOrACountAndRefuseAnythingElse() {
    assertThat(BatchingConfig.parseWorkers(" AUTO ")).isEqualTo(BatchingConfig.AUTO_WORKERS);
    assertThat(BatchingConfig.parseWorkers("4")).isEqualTo(4);
    assertThatThrownBy(() -> BatchingConfig.parseWorkers("many"))
        .hasMessageContaining("batch.workers must be auto or a number")
        .hasMessageContaining("many");
    assertThatThrownBy(() -> new BatchingConfig(32, 8192, Duration.ZERO, 4096, 65))
        .hasMessageContaining("batch.workers must be auto or 1..64");
    assertThatThrownBy(() -> new BatchingConfig(32, 8192, Duration.ZERO, 4096, -1))
        .hasMessageContaining("got -1");
  }
}
