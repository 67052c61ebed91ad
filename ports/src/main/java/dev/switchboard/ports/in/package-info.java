/**
 * Driving ports: the use cases that adapters call into the domain ({@code *UseCase} with their
 * self-validating {@code *Command} records), and the job handlers the worker runs. Everything here
 * is an interface, a record or an exception: no behaviour beyond self-validation.
 */
package dev.switchboard.ports.in;
