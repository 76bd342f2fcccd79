/**
 * Data sets and their importers (MovieLens, generic CSV/JSONL, MiniOneRec's layout), with errors
 * naming the file and row.
 */
package dev.recsys.trainer.data;
