/**
 * Ports and the records they carry. Everything here is an interface, a record or an exception:
 * no behaviour beyond self-validation.
 */
package dev.switchboard.ports;
