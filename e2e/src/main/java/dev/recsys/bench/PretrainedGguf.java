package dev.recsys.bench;

import dev.recsys.llm.gguf.PretrainedBase;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pretrained base's GGUF as {@code scripts/fetch-base.sh} caches it, for the benches that run it. */
final class PretrainedGguf {
  private PretrainedGguf() {}

  /**
   * The cached, checksum-verified GGUF of {@link PretrainedBase#SMOLLM2_135M} in the repository at
   * {@code -Drecsys.repo}; without it the bench exits (status 2) saying how to get it.
   *
   * @param otherwise what else the caller could do instead, appended to the message (or "")
   */
  static Path verifiedOrExit(String otherwise) throws java.io.IOException {
    Path repo = Path.of(System.getProperty("recsys.repo", ".")).toAbsolutePath();
    PretrainedBase base = PretrainedBase.SMOLLM2_135M;
    Path gguf = base.cachedIn(repo);
    if (!Files.isRegularFile(gguf)) {
      System.err.println("no " + gguf + ": run scripts/fetch-base.sh first" + otherwise);
      System.exit(2);
    }
    base.verify(gguf);
    return gguf;
  }
}
