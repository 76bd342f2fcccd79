/**
 * The backend without an LLM: the titles of the items that most often followed the user's recent
 * items.
 */
package dev.recsys.generator.baseline;
