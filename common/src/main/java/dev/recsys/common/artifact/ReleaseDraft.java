package dev.recsys.common.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recsys.common.artifact.signing.ReleaseSigner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A release being written. Files go into a private staging directory; {@link #commit} makes the
 * release visible in one step.
 *
 * <p>Publishing protocol (a crash at any step leaves every published release and every channel
 * pointer as they were):
 * <ol>
 *   <li>write each file into {@code staging/<release>/} and flush it to disk;</li>
 *   <li>hash every file and write {@code manifest.json} last (temp file, then rename), and, when
 *       the store signs, {@code manifest.sig} beside it;</li>
 *   <li>rename {@code staging/<release>} to {@code releases/<release>} (atomic on one filesystem);</li>
 *   <li>only then may a channel be moved to it ({@link ArtifactStore#promote}).</li>
 * </ol>
 */
public final class ReleaseDraft {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String tenant;
  private final String release;
  private final Path stagingDir;
  private final Path finalDir;
  private final ReleaseSigner signer;

  ReleaseDraft(String tenant, String release, Path stagingDir, Path finalDir, ReleaseSigner signer) {
    this.signer = signer;
    this.tenant = tenant;
    this.release = release;
    this.stagingDir = stagingDir;
    this.finalDir = finalDir;
  }

  public String tenant() {
    return tenant;
  }

  public String release() {
    return release;
  }

  /**
   * Where to write a file of the release (inside the staging directory); {@code fileName} may
   * name a sub-folder ({@code base/config.json}), which is created.
   */
  public Path path(String fileName) throws IOException {
    Names.requireRelativePath("file name", fileName);
    if (fileName.equals(ReleaseLayout.MANIFEST) || fileName.equals(ReleaseLayout.SIGNATURE)) {
      throw new IllegalArgumentException(fileName + " is written by commit()");
    }
    Path p = stagingDir.resolve(fileName);
    Files.createDirectories(p.getParent());
    return p;
  }

  /**
   * Seals the release: hashes its files, writes the manifest and moves it into place.
   *
   * @param metadata producer, encoder, dimension, item count, dataset and params; tenant, release,
   *                 creation time and the file list are filled in here
   */
  public ReleaseManifest commit(ReleaseManifest metadata) throws IOException {
    Map<String, FileEntry> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(stagingDir)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
        String name = stagingDir.relativize(f).toString().replace('\\', '/');
        if (f.getFileName().toString().startsWith(".")) {
          continue;
        }
        fsync(f);
        files.put(name, new FileEntry(Files.size(f), Checksums.sha256(f)));
      }
    }
    ReleaseManifest manifest = new ReleaseManifest(ReleaseManifest.FORMAT_VERSION, tenant, release,
        Instant.now().toString(), metadata.producer(), metadata.encoder(), metadata.dimension(),
        metadata.itemCount(), metadata.dataset(), metadata.params(), files);
    byte[] bytes = JSON.writeValueAsBytes(manifest);
    writeAtomically(ReleaseLayout.MANIFEST, bytes);
    if (signer != null) {
      writeAtomically(ReleaseLayout.SIGNATURE, JSON.writeValueAsBytes(signer.sign(bytes)));
    }
    Files.createDirectories(finalDir.getParent());
    Files.move(stagingDir, finalDir, StandardCopyOption.ATOMIC_MOVE);
    return manifest;
  }

  private void writeAtomically(String name, byte[] bytes) throws IOException {
    Path tmp = stagingDir.resolve("." + name + ".tmp");
    Files.write(tmp, bytes);
    fsync(tmp);
    Files.move(tmp, stagingDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Drops an unfinished draft. */
  public void abandon() throws IOException {
    if (Files.exists(stagingDir)) {
      try (Stream<Path> walk = Files.walk(stagingDir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
