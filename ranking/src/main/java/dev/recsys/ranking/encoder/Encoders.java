package dev.recsys.ranking.encoder;

/** Resolves the encoder a snapshot names. */
public final class Encoders {
  private Encoders() {}

  /** The encoder with this id; fails with a message listing the known ids. */
  public static Encoder byId(String id) {
    if (MiniLmEncoder.ID.equals(id)) {
      return new MiniLmEncoder();
    }
    throw new IllegalArgumentException("unknown encoder '" + id + "'; known: " + MiniLmEncoder.ID);
  }
}
