/**
 * The gateway's one home of tenant policy: grants of tenants to callers, per-tenant quotas (token
 * buckets) and per-tenant request limits.
 */
package dev.recsys.gateway.tenancy;
