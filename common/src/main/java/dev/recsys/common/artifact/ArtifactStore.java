package dev.recsys.common.artifact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Where the trainer publishes releases and the services find them.
 *
 * <p>A <em>release</em> is an immutable set of files (catalogue, transition counts, embedding
 * snapshots, SASRec, the LLM's base and adapter) made by one trainer run, described by a manifest with the
 * checksum of every file. A <em>channel</em> (e.g. {@code stable}) is a named pointer per tenant to
 * one release; moving it is atomic, so readers see the old release or the new one, never a mix.
 */
public interface ArtifactStore {

  /** Tenants that have at least one channel pointer. */
  Set<String> tenants() throws IOException;

  /** The release the channel points to, if the channel exists. */
  default Optional<String> pointer(String tenant, String channel) throws IOException {
    return channelPointer(tenant, channel).map(ChannelPointer::release);
  }

  /**
   * The channel's pointer with its sequence, if the channel exists; a store that checks
   * signatures refuses one not signed by a trusted key.
   *
   * @throws ArtifactException naming the pointer file when it is malformed or not trusted
   */
  Optional<ChannelPointer> channelPointer(String tenant, String channel) throws IOException;

  /** Directory of a release (it may not exist). */
  Path releaseDir(String tenant, String release);

  /**
   * Reads a release's manifest and checks every file it lists (presence, size, SHA-256).
   *
   * @throws ArtifactException naming the file and the problem when anything is missing or differs
   */
  ReleaseManifest verify(String tenant, String release);

  /** A verified release with its files: {@link #verify}, then its {@link ReleaseLayout}. */
  default ReleaseLayout open(String tenant, String release) {
    return new ReleaseLayout(releaseDir(tenant, release), verify(tenant, release));
  }

  /** Starts a new release in a private staging area; nothing is visible until it is committed. */
  ReleaseDraft draft(String tenant) throws IOException;

  /** Atomically points {@code channel} of {@code tenant} to an existing, verified release. */
  void promote(String tenant, String channel, String release) throws IOException;
}
