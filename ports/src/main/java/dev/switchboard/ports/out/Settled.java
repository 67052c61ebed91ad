package dev.switchboard.ports.out;

import java.util.List;

/**
 * The outcome of settling a job and, in the same call, claiming jobs for the slot it freed.
 *
 * @param settlement whether the settlement applied (the lease was still ours)
 * @param next       jobs claimed for the freed slot (empty when none was asked for or queued)
 */
public record Settled(Settlement settlement, List<ClaimedJob> next) {
    public Settled {
        next = List.copyOf(next);
    }
}
