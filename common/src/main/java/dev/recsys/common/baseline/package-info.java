/**
 * The item-to-item transition model: which items followed the user's recent items in the training
 * events; the baseline of every quality table and the signal of degraded answers.
 */
package dev.recsys.common.baseline;
