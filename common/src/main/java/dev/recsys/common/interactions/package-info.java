/**
 * The interaction files of a release: the transition and co-occurrence counts the collaborative
 * signals read.
 */
package dev.recsys.common.interactions;
