/**
 * Throw-away credentials for development and tests: a CA with server, client and caller
 * certificates, a token issuer's key pair, and the PEM files they are written as.
 */
package dev.recsys.cli.dev;
