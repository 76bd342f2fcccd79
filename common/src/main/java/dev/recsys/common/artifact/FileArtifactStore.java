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
 * root/tenants/&lt;tenant&gt;/channels/&lt;channel&gt;                          (a {@link ChannelPointer}: release, sequence, signature)
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
  public Optional<ChannelPointer> channelPointer(String tenant, String channel) throws IOException {
    Path file = pointerFile(tenant, channel);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    ChannelPointer p;
    if (text.startsWith("{")) {
      try {
        p = ReleaseDraft.JSON.readValue(text, ChannelPointer.class);
      } catch (JacksonException e) {
        throw new ArtifactException(file, "malformed channel pointer: " + e.getOriginalMessage());
      }
      if (p.release() == null) {
        throw new ArtifactException(file, "malformed channel pointer: no release");
      }
    } else {
      p = new ChannelPointer(text, 0, null); // a store written before pointers were signed
    }
    Names.requireSegment("release in " + file, p.release());
    trust.checkPointer(file, ChannelPointer.statement(tenant, channel, p.release(), p.sequence()), p.signature());
    return Optional.of(p);
  }

  @Override
  public Path releaseDir(String tenant, String release) {
    return tenantDir(tenant).resolve("releases").resolve(Names.requireSegment("release", release));
  }

  @Override
  public ReleaseManifest verify(String tenant, String release) {
    Path dir = releaseDir(tenant, release);
    Path manifestFile = dir.resolve(ReleaseLayout.MANIFEST);
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
    Path file = pointerFile(tenant, channel);
    long previous = 0;
    if (Files.exists(file)) {
      try {
        previous = new FileArtifactStore(root).channelPointer(tenant, channel).map(ChannelPointer::sequence).orElse(0L);
      } catch (ArtifactException unreadable) {
        previous = 0; // a broken pointer is replaced
      }
    }
    long sequence = Math.max(System.currentTimeMillis(), previous + 1);
    ChannelPointer pointer = new ChannelPointer(release, sequence, signer == null ? null
        : signer.sign(ChannelPointer.statement(tenant, channel, release, sequence)));
    Path tmp = Files.createTempFile(channels, ".pointer-", ".tmp");
    Files.write(tmp, ReleaseDraft.JSON.writeValueAsBytes(pointer));
    ReleaseDraft.fsync(tmp);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Path pointerFile(String tenant, String channel) {
    return tenantDir(tenant).resolve("channels").resolve(Names.requireSegment("channel", channel));
  }

  private Path tenantDir(String tenant) {
    return root.resolve("tenants").resolve(Names.requireTenant(tenant));
  }
}
