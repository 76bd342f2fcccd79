/**
 * The catalogue of a release: items with ids, titles and training popularity, and its TSV file.
 */
package dev.recsys.common.catalog;
