/**
 * Switchboard's domain: what each job does, the use cases the adapters drive, and the policies
 * (dedupe keys, which messages matter) behind them.
 *
 * <p>Pure Java: it sees {@code java.base} and the ports, nothing else. No I/O, no threads, no
 * clock of its own; everything it needs from the world comes in through a port.
 */
module switchboard.domain {
    requires transitive switchboard.ports;

    exports dev.switchboard.domain;
}
