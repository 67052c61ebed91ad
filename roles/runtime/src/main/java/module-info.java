/**
 * The one way the thread-owning roles (worker, scheduler, calls) start threads: named, counted,
 * and logging whatever kills them (Sidekiq's safe_thread). The api role never requires this
 * module; {@code SwitchboardRules} fails the build if anything it reaches starts a thread.
 * roles.all gets it too, for its load generators ({@code bench calls} runs a thread per simulated
 * caller, in its own process, never beside a serving role).
 */
module switchboard.roles.runtime {
    requires transitive java.logging;

    exports dev.switchboard.roles.runtime to
            switchboard.roles.worker, switchboard.roles.scheduler, switchboard.roles.calls, switchboard.roles.all;
}
