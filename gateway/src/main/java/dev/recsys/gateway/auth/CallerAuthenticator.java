package dev.recsys.gateway.auth;

/** Turns a call's {@link Credentials} into a {@link Caller}, or refuses it. */
public interface CallerAuthenticator {
  /**
   * @throws dev.recsys.serving.rpc.RequestException UNAUTHENTICATED, saying what is wrong
   */
  Caller authenticate(Credentials credentials);

  /** What the gateway logs at start-up. */
  String describe();

  /** No authentication: every call is {@link Caller#ANONYMOUS}. */
  CallerAuthenticator NONE = new CallerAuthenticator() {
    @Override
    public Caller authenticate(Credentials credentials) {
      return Caller.ANONYMOUS;
    }

    @Override
    public String describe() {
      return "callers are NOT authenticated (recsys.gateway.auth.mode=none): anyone who can reach the gateway "
          + "gets any tenant's recommendations";
    }
  };
}
