/**
 * Helidon HTTP services ({@code <Resource>HttpService}) and the server that hosts them.
 */
package dev.switchboard.adapters.http;
