/**
 * The tenants' catalogues, hot-reloaded from the artifact store: what the gateway validates item
 * ids against and serves popular items from when grounding is down.
 */
package dev.recsys.gateway.catalog;
