/**
 * Latency histograms with the services' buckets.
 */
package dev.recsys.serving.metrics;
