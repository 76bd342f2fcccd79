/**
 * Who the caller is: a bearer JWT (SmallRye JWT) or a TLS client certificate of the callers' CA
 * (the JDK's PKIX), every presented credential verified.
 */
package dev.recsys.gateway.auth;
