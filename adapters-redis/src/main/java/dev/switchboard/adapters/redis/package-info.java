/**
 * Redis implementations of the driven ports: {@code Redis<Port>}.
 */
package dev.switchboard.adapters.redis;
