/**
 * Serving a gRPC call: strict request parsing, the domain failures and the one place they become
 * gRPC statuses, and the transport-security check at start-up.
 */
package dev.recsys.serving.rpc;
