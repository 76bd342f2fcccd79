/**
 * Running work inside an OpenTelemetry span (the API only: a no-op outside the services), shared
 * by the ranking code and the generator.
 */
package dev.recsys.common.tracing;
