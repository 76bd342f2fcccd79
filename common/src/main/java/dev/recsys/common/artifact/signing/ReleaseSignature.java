package dev.recsys.common.artifact.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recsys.common.artifact.ArtifactException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;

/**
 * {@code manifest.sig}: an Ed25519 signature over the exact bytes of the release's
 * {@code manifest.json}. The manifest lists every file's SHA-256, so the signature vouches for
 * the whole release; it names the tenant and the release id, so it cannot be moved to another.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param algorithm     {@link ReleaseKeys#ALGORITHM}
 * @param keyId         the signer's {@link ReleaseKeys#keyId} (for logs; verification tries every trusted key)
 * @param signature     base64 of the 64-byte signature
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseSignature(
    @JsonProperty("format_version") int formatVersion,
    String algorithm,
    @JsonProperty("key_id") String keyId,
    String signature) {

  public static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The signature's bytes. */
  public byte[] bytes(Path file) {
    try {
      return Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(file, "the signature is not valid base64 (" + e.getMessage() + ")");
    }
  }

  /** Reads a release's signature; a missing, malformed or unknown-format file is refused naming it. */
  public static ReleaseSignature read(Path file) {
    ReleaseSignature s;
    try {
      s = JSON.readValue(Files.readAllBytes(file), ReleaseSignature.class);
    } catch (NoSuchFileException e) {
      throw new ArtifactException(file, "missing: the release is not signed, and this service only serves releases "
          + "signed by a trusted key (publish it with recsys-trainer publish --signing-key)");
    } catch (JacksonException e) {
      throw new ArtifactException(file, "malformed signature file: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    if (s.formatVersion != FORMAT_VERSION || !ReleaseKeys.ALGORITHM.equals(s.algorithm) || s.signature == null) {
      throw new ArtifactException(file, "signature format " + s.formatVersion + " / algorithm " + s.algorithm
          + " is not supported (expected format " + FORMAT_VERSION + ", " + ReleaseKeys.ALGORITHM + ", with a signature)");
    }
    return s;
  }
}
