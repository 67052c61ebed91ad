/**
 * Switchboard's ports: the interfaces between the domain and the outside world, and the
 * immutable records they carry, split by direction.
 *
 * <p>{@code dev.switchboard.ports.in} holds the driving ports: use cases the adapters call
 * ({@code ReceiveWhatsAppMessagesUseCase}) and the job handlers the worker runs.
 * {@code dev.switchboard.ports.out} holds the driven ports: capabilities the domain needs
 * ({@code JobQueue}, {@code LeadRepository}, {@code WhatsAppGateway}). This module depends on
 * {@code java.base} only, so every ring of the hexagon can see it without seeing anything else.
 */
module switchboard.ports {
    exports dev.switchboard.ports.in;
    exports dev.switchboard.ports.out;
}
