/**
 * The command-line client of the gateway's Recommend API (picocli): {@code recommend} prints a
 * call's answer as a table; {@code dev-certs}, {@code issuer-keys} and {@code token} make throw-
 * away credentials for development.
 */
package dev.recsys.cli;
