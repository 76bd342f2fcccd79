package dev.recsys.generator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** recsys.generator.llm.prefill-threads: none, some, or a clear refusal. */
class PrefillThreadsTest {
  @Test
  void zero_isNoExecutor_andSomeAreDaemonThreadsNamedForTheirJob() throws Exception {
    assertThat(GeneratorRuntime.prefillThreads(0)).isNull();
    ExecutorService one = GeneratorRuntime.prefillThreads(1);
    try {
      Thread ran = one.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
      assertThat(ran.getName()).isEqualTo("llm-prefill-0");
      assertThat(ran.isDaemon()).isTrue();
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void aNegativeCount_isRefusedNamingTheSetting() {
    assertThatThrownBy(() -> GeneratorRuntime.prefillThreads(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recsys.generator.llm.prefill-threads").hasMessageContaining("-1");
  }
}
