package dev.recsys.common.artifact;

import java.nio.file.Path;

/**
 * A verified release handed to a {@link ReleaseLoader}, and then, with the value built from it,
 * what a service serves.
 */
public record LoadedRelease<T>(String tenant, String release, Path dir, ReleaseManifest manifest, T value) {}
