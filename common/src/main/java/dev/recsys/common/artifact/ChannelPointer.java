package dev.recsys.common.artifact;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.recsys.common.artifact.signing.ReleaseSignature;
import java.nio.charset.StandardCharsets;

/**
 * A channel's pointer file ({@code tenants/<tenant>/channels/<channel>}): the release it points to,
 * a sequence number that only grows (the time of the promotion in milliseconds, at least one more
 * than the pointer it replaced) and, from a signing trainer, an Ed25519 signature over
 * {@link #statement}: tenant, channel, release and sequence. A signed pointer cannot be moved to
 * another tenant or channel, and a service that has served a pointer refuses an older one (an old
 * pointer file copied back is a rollback nobody signed). Older stores hold one line, the release
 * id: read as unsigned, sequence 0.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChannelPointer(String release, long sequence, ReleaseSignature signature) {

  /** The bytes the signature is over. */
  public static byte[] statement(String tenant, String channel, String release, long sequence) {
    return ("recsys channel pointer v1\ntenant " + tenant + "\nchannel " + channel + "\nrelease " + release
        + "\nsequence " + sequence + "\n").getBytes(StandardCharsets.UTF_8);
  }

  public boolean signed() {
    return signature != null;
  }
}
