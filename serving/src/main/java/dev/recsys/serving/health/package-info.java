/**
 * gRPC readiness of the services (not ready until the first release is loaded).
 */
package dev.recsys.serving.health;
