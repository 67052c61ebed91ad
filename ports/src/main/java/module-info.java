/**
 * Switchboard's ports: the interfaces between the domain and the outside world, and the
 * immutable records they carry.
 *
 * <p>Driving ports are use cases the adapters call ({@code ReceiveWhatsAppMessagesUseCase});
 * driven ports are capabilities the domain needs ({@code JobQueue}, {@code JobClaims},
 * {@code ConversationHistory}). This module depends on {@code java.base} only, so every ring
 * of the hexagon can see it without seeing anything else.
 */
module switchboard.ports {
    exports dev.switchboard.ports;
}
