package dev.recsys.common.artifact;

import com.fasterxml.jackson.core.JacksonException;
import dev.recsys.common.artifact.signing.ReleaseSigner;
import dev.recsys.common.artifact.signing.ReleaseTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@link ArtifactStore} on a directory (a local folder, or a shared volume in Kubernetes):
 *
 * <pre>
 * root/tenants/&lt;tenant&gt;/releases/&lt;release&gt;/manifest.json + manifest.sig + files   (immutable)
 * root/tenants/&lt;tenant&gt;/staging/&lt;release&gt;/                         (drafts, invisible)
 * root/tenants/&lt;tenant&gt;/channels/&lt;channel&gt;                          (one line: a release id)
 * </pre>
 */
public final class FileArtifactStore implements ArtifactStore {
  private static final DateTimeFormatter RELEASE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private final Path root;
  private final ReleaseTrust trust;
  private final ReleaseSigner signer;

  /** A store whose releases are written unsigned and read without checking signatures (the services never use this). */
  public FileArtifactStore(Path root) {
    this(root, ReleaseTrust.UNSIGNED_ALLOWED, null);
  }

  private FileArtifactStore(Path root, ReleaseTrust trust, ReleaseSigner signer) {
    this.root = root.toAbsolutePath().normalize();
    this.trust = trust;
    this.signer = signer;
  }

  /** The same store, verifying every release's signature with {@code trust} (what the services read through). */
  public FileArtifactStore trusting(ReleaseTrust trust) {
    return new FileArtifactStore(root, trust, signer);
  }

  /** The same store, signing the manifest of every release it commits (what the trainer publishes through). */
  public FileArtifactStore signingWith(ReleaseSigner signer) {
    return new FileArtifactStore(root, trust, signer);
  }

  public Path root() {
    return root;
  }

  @Override
  public Set<String> tenants() throws IOException {
    Path dir = root.resolve("tenants");
    Set<String> out = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> Files.isDirectory(p.resolve("channels")))
          .map(p -> p.getFileName().toString())
          .filter(Names::isValidTenant)
          .forEach(out::add);
    }
    return out;
  }

  @Override
  public Optional<String> pointer(String tenant, String channel) throws IOException {
    Path file = tenantDir(tenant).resolve("channels").resolve(Names.requireSegment("channel", channel));
    try {
      String release = Files.readString(file, StandardCharsets.UTF_8).trim();
      return Optional.of(Names.requireSegment("release in " + file, release));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Path releaseDir(String tenant, String release) {
    return tenantDir(tenant).resolve("releases").resolve(Names.requireSegment("release", release));
  }

  @Override
  public ReleaseManifest verify(String tenant, String release) {
    Path dir = releaseDir(tenant, release);
    Path manifestFile = dir.resolve(ReleaseManifest.FILE_NAME);
    ReleaseManifest manifest;
    try {
      byte[] bytes = Files.readAllBytes(manifestFile);
      trust.check(dir, bytes);
      manifest = ReleaseDraft.JSON.readValue(bytes, ReleaseManifest.class);
    } catch (NoSuchFileException e) {
      throw new ArtifactException(manifestFile, "missing: not a release");
    } catch (JacksonException e) {
      throw new ArtifactException(manifestFile, "malformed manifest: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ArtifactException(manifestFile, "cannot read manifest (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")");
    }
    if (manifest.formatVersion() != ReleaseManifest.FORMAT_VERSION) {
      throw new ArtifactException(manifestFile, "manifest format version " + manifest.formatVersion()
          + " is not supported (expected " + ReleaseManifest.FORMAT_VERSION + ")");
    }
    if (!tenant.equals(manifest.tenant()) || !release.equals(manifest.release())) {
      throw new ArtifactException(manifestFile, "manifest names tenant/release " + manifest.tenant() + "/"
          + manifest.release() + " but lies in " + tenant + "/" + release);
    }
    for (Map.Entry<String, FileEntry> e : manifest.files().entrySet()) {
      Path f = dir.resolve(Names.requireRelativePath("file name", e.getKey()));
      try {
        long size = Files.size(f);
        if (size != e.getValue().bytes()) {
          throw new ArtifactException(f, "size " + size + " bytes differs from the manifest's " + e.getValue().bytes());
        }
        String sha = Checksums.sha256(f);
        if (!sha.equals(e.getValue().sha256())) {
          throw new ArtifactException(f, "SHA-256 " + sha + " differs from the manifest's " + e.getValue().sha256()
              + "; the file is corrupt");
        }
      } catch (NoSuchFileException ex) {
        throw new ArtifactException(f, "listed in the manifest but missing");
      } catch (IOException ex) {
        throw new ArtifactException(f, "cannot read: " + ex.getMessage());
      }
    }
    return manifest;
  }

  @Override
  public ReleaseDraft draft(String tenant) throws IOException {
    String release = ZonedDateTime.now(ZoneOffset.UTC).format(RELEASE_TIME) + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    Path staging = tenantDir(tenant).resolve("staging").resolve(release);
    Files.createDirectories(staging);
    return new ReleaseDraft(tenant, release, staging, releaseDir(tenant, release), signer);
  }

  @Override
  public void promote(String tenant, String channel, String release) throws IOException {
    verify(tenant, release);
    Path channels = tenantDir(tenant).resolve("channels");
    Files.createDirectories(channels);
    Path tmp = Files.createTempFile(channels, ".pointer-", ".tmp");
    Files.writeString(tmp, release + "\n", StandardCharsets.UTF_8);
    ReleaseDraft.fsync(tmp);
    Files.move(tmp, channels.resolve(Names.requireSegment("channel", channel)), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private Path tenantDir(String tenant) {
    return root.resolve("tenants").resolve(Names.requireTenant(tenant));
  }
}
