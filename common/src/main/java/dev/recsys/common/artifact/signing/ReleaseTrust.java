package dev.recsys.common.artifact.signing;

import java.nio.file.Path;

/**
 * Who may make a service serve a release: checked on the manifest's bytes before anything of the
 * release is read. Checksums prove a release is intact; this proves who made it.
 */
public interface ReleaseTrust {
  /**
   * @param releaseDir    the release's folder (its {@code manifest.sig} lies there)
   * @param manifestBytes the exact bytes of its {@code manifest.json}
   * @throws dev.recsys.common.artifact.ArtifactException naming the file and the problem when the
   *         release is not signed by a trusted key
   */
  void check(Path releaseDir, byte[] manifestBytes);

  /**
   * @param pointerFile the channel pointer file (for messages)
   * @param statement   the bytes its signature must be over ({@code ChannelPointer.statement})
   * @param signature   its signature, null when the pointer is unsigned
   * @throws dev.recsys.common.artifact.ArtifactException naming the file when the pointer is not
   *         signed by a trusted key
   */
  void checkPointer(Path pointerFile, byte[] statement, ReleaseSignature signature);

  /** What is trusted, for the start-up log. */
  String describe();

  /**
   * Every release, signed or not: the trainer's own store, tests of the release format, and a
   * service configured with {@code allow-unsigned} (which says so at start-up).
   */
  ReleaseTrust UNSIGNED_ALLOWED = new ReleaseTrust() {
    @Override
    public void check(Path releaseDir, byte[] manifestBytes) {}

    @Override
    public void checkPointer(Path pointerFile, byte[] statement, ReleaseSignature signature) {}

    @Override
    public String describe() {
      return "release signatures are NOT checked: anyone who can write to the artifact store can make this "
          + "service serve a model of their own";
    }
  };
}
