package dev.recsys.gateway.auth;

/** Turns a call's {@code authorization} header into a {@link Caller}, or refuses it. */
public interface CallerAuthenticator {
  /**
   * @param authorization the header's value, null when absent
   * @throws dev.recsys.common.rpc.RequestException UNAUTHENTICATED, saying what is wrong
   */
  Caller authenticate(String authorization);

  /** What the gateway logs at start-up. */
  String describe();

  /** No authentication: every call is {@link Caller#ANONYMOUS}. */
  CallerAuthenticator NONE = new CallerAuthenticator() {
    @Override
    public Caller authenticate(String authorization) {
      return Caller.ANONYMOUS;
    }

    @Override
    public String describe() {
      return "callers are NOT authenticated (recsys.gateway.auth.mode=none): anyone who can reach the gateway "
          + "gets any tenant's recommendations";
    }
  };
}
