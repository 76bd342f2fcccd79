package dev.recsys.generator.backend;

/**
 * What a {@link GenerationBackend} prepared of one release for itself, off the request path: built
 * when the release is loaded, closed when it is replaced.
 */
public interface BackendState extends AutoCloseable {
  /** Whether the backend decodes this release's texts restricted to catalogue titles. */
  default boolean constrained() {
    return false;
  }

  /** Frees what the state holds (native memory); never throws. */
  @Override
  default void close() {}
}
