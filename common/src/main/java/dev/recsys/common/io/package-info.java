/**
 * Reading and writing the tab-separated files of a release, with errors naming the file and line.
 */
package dev.recsys.common.io;
