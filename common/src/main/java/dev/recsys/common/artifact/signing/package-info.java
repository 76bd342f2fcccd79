/**
 * Who made a release: the trainer's Ed25519 signature over a release's manifest and over channel
 * pointers, and the set of trusted public keys the services check them against (several: a
 * rotation).
 */
package dev.recsys.common.artifact.signing;
