package dev.recsys.llm;

/**
 * DJL settings every process that runs the model needs, applied before the PyTorch engine starts
 * (a setting given with {@code -D} wins): nothing is downloaded at run time (the natives come
 * from the Maven jar), and one intra-op and one inter-op thread per call, because on small
 * machines OpenMP's spinning threads make concurrent calls 10-50x slower; parallelism comes from
 * running several calls at once instead.
 */
public final class DjlDefaults {
  private DjlDefaults() {}

  public static void apply() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("ai.djl.pytorch.num_threads", "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
