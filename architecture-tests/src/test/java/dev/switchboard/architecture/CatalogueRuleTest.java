package dev.switchboard.architecture;

import static dev.switchboard.architecture.Fixtures.assertSatisfied;
import static dev.switchboard.architecture.Fixtures.assertViolated;
import static dev.switchboard.architecture.Fixtures.scenario;

import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The catalogue rule, against a planted hand-built job and a clean enqueue from a job type. */
class CatalogueRuleTest {
    private final ArchRule rule = SwitchboardRules.job_requests_are_built_only_by_job_types;

    @Test
    void aJobRequestBuiltByHandIsReported() {
        assertViolated(rule, scenario("handwrittenjob"),
                "dev.switchboard.roles.api.fixture.handwrittenjob.PushEndpoint.push(dev.switchboard.ports.out.JobQueue)>"
                        + " calls method <dev.switchboard.ports.out.JobRequest.of(");
    }

    @Test
    void aJobEnqueuedFromItsJobTypePasses() {
        assertSatisfied(rule, scenario("jobfromtype"));
    }
}
