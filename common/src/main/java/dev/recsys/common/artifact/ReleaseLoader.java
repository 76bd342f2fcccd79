package dev.recsys.common.artifact;

/**
 * Builds a service's in-memory model from a verified release (e.g. an HNSW index). Runs off the
 * request path; it must throw (never return a half-built value) when the release is unusable.
 */
@FunctionalInterface
public interface ReleaseLoader<T> {
  /**
   * @param tenant  the tenant the release belongs to
   * @param release the release's files and verified manifest
   */
  T load(String tenant, ReleaseLayout release) throws Exception;
}
