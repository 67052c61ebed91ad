/**
 * Driven ports: the capabilities the domain needs from the outside world (the job queue and its
 * registries, the scheduler lease, the CRM's repositories, the WhatsApp gateway, the AI endpoint),
 * in domain words, each narrow. Everything here is an interface, a record or an exception: no
 * behaviour beyond self-validation.
 */
package dev.switchboard.ports.out;
