/**
 * Calls to the internal stages with deadlines, retries and typed fallbacks (SmallRye Fault
 * Tolerance), the channels' start-up, and the failures a stage reports.
 */
package dev.recsys.gateway.stages;
