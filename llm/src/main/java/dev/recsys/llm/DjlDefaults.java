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

  private static final String THREADS = "ai.djl.pytorch.num_threads";
  private static boolean applied;
  private static boolean threadsGiven;

  public static void apply() {
    threadsGiven |= !applied && System.getProperty(THREADS) != null;
    applied = true;
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent(THREADS, "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
  }

  /**
   * For a process that runs one model call at a time (the trainer's training loop): {@code n}
   * intra-op threads instead of one, unless {@code -Dai.djl.pytorch.num_threads} was given. Takes
   * effect only before the PyTorch engine starts.
   */
  public static void intraOpThreads(int n) {
    boolean given = applied ? threadsGiven : System.getProperty(THREADS) != null;
    if (!given) {
      System.setProperty(THREADS, Integer.toString(n));
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
