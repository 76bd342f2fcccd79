package dev.recsys.common.artifact;

import java.nio.file.Path;

/**
 * Builds a service's in-memory model from a verified release (e.g. an HNSW index). Runs off the
 * request path; it must throw (never return a half-built value) when the release is unusable.
 */
@FunctionalInterface
public interface ReleaseLoader<T> {
  T load(String tenant, Path releaseDir, ReleaseManifest manifest) throws Exception;
}
