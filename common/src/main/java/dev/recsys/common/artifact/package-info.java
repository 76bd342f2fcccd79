/**
 * The artifact store the trainer publishes to and the services read from: releases (a folder of
 * files with a manifest of their checksums), drafts committed atomically, and channel pointers
 * that name the served release of each tenant.
 */
package dev.recsys.common.artifact;
