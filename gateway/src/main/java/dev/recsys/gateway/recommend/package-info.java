/**
 * The Recommend RPC: access (authentication, grants, quotas), admission, validation, and the
 * handler that calls the stages, re-pins during a rollout and assembles the answer.
 */
package dev.recsys.gateway.recommend;
