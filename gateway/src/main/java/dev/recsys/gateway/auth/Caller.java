package dev.recsys.gateway.auth;

/**
 * Who made a call: the verified subject of its bearer token, or {@link #ANONYMOUS} when the
 * gateway runs without authentication.
 */
public record Caller(String subject) {
  public static final Caller ANONYMOUS = new Caller("(anonymous: authentication is off)");

  public boolean anonymous() {
    return this == ANONYMOUS;
  }
}
