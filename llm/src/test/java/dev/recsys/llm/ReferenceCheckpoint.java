package dev.recsys.llm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The small reference checkpoint of {@code src/test/resources/llm} (weights and expectations
 * computed with numpy by {@code make_reference.py}), copied out of the class path into a folder.
 *
 * <p>Other modules get it through this module's test-jar, where the resources are entries of a
 * jar, not files; copying them makes the tests independent of how the class path is laid out.
 */
public final class ReferenceCheckpoint {
  private static final List<String> FILES = List.of(
      "config.json", "model.safetensors", "expected.json",
      "adapter/adapter_config.json", "adapter/adapter_model.safetensors");

  private ReferenceCheckpoint() {}

  /** Copies the checkpoint into {@code dir} (created if needed) and returns {@code dir}. */
  public static Path copyTo(Path dir) {
    try {
      for (String name : FILES) {
        Path target = dir.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = ReferenceCheckpoint.class.getResourceAsStream("/llm/" + name)) {
          if (in == null) {
            throw new IllegalStateException("test resource /llm/" + name + " is not on the class path");
          }
          Files.copy(in, target);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the reference checkpoint to " + dir, e);
    }
  }
}
