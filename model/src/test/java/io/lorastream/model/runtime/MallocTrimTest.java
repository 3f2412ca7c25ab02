package io.lorastream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MallocTrimTest {

  @Test
  void trimmingGivesBackTheFreePagesGlibcKeeps() {
    assumeTrue(MallocTrim.available(), "glibc malloc only");
    // 2,000 blocks of 100 KB (below glibc's mmap threshold: they live in an arena), all freed but
    // the last, which pins the arena's top so glibc cannot shrink it on its own
    List<Memory> blocks = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      Memory m = new Memory(100_000);
      m.clear(); // touch every page: resident
      blocks.add(m);
    }
    for (int i = 0; i < blocks.size() - 1; i++) {
      blocks.get(i).close();
    }
    long before = MallocTrim.residentBytes();
    assertThat(MallocTrim.trim()).isTrue();
    long after = MallocTrim.residentBytes();
    blocks.get(blocks.size() - 1).close();
    assertThat(before - after).as("RSS released by malloc_trim").isGreaterThan(100L << 20);
  }

  @Test
  void ifGrownLearnsTheCeilingAndTrimsOnlyAboveIt() {
    assumeTrue(MallocTrim.available(), "glibc malloc only");
    MallocTrim.restart();
    assertThat(MallocTrim.ifGrown()).as("the first call trims").isTrue();
    for (int i = 0; i < MallocTrim.LEARN_CALLS; i++) {
      assertThat(MallocTrim.ifGrown()).as("learning call %d", i).isFalse();
    }
    assertThat(MallocTrim.ifGrown()).as("RSS has not passed the ceiling").isFalse();
    List<Memory> blocks = new ArrayList<>();
    for (int i = 0; i < 2000; i++) { // 200 MB, more than the margin
      Memory m = new Memory(100_000);
      m.clear();
      blocks.add(m);
    }
    assertThat(MallocTrim.ifGrown()).as("RSS passed the ceiling").isTrue();
    blocks.forEach(Memory::close);
  }
}
