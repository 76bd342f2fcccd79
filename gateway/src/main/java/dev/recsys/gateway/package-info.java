/**
 * The gateway: the public Recommend API (Quarkus gRPC) in front of the generator and grounding
 * stages; its typed configuration.
 */
package dev.recsys.gateway;
