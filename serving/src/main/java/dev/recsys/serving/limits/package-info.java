/**
 * Request limits ({@code recsys.limits.*}) the three services read from one configuration, with
 * per-tenant overrides.
 */
package dev.recsys.serving.limits;
