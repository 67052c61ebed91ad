package dev.switchboard.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;

/**
 * Planted fixtures live in {@code dev.switchboard.<ring>.fixture.<scenario>}, so that the rules'
 * package patterns apply to them as to production code. They sit in test-classes, which
 * {@link ArchitectureTest} does not import.
 */
final class Fixtures {

    private static final List<String> RINGS = List.of(
            "ports", "domain",
            "adapters.redis", "adapters.postgres", "adapters.http", "adapters.media.twilio", "adapters.media.speech",
            "roles.common", "roles.runtime", "roles.api", "roles.worker", "roles.scheduler", "roles.calls", "roles.all");

    private Fixtures() {
    }

    /** The classes of one scenario, from every ring that has some. */
    static JavaClasses scenario(String name) {
        JavaClasses classes = new ClassFileImporter().importPackages(RINGS.stream()
                .map(ring -> SwitchboardRules.BASE_PACKAGE + "." + ring + ".fixture." + name)
                .toList());
        assertFalse(classes.isEmpty(), () -> "no fixture classes for scenario " + name);
        return classes;
    }

    /** The rule fails on the fixture, its report names the rule, and names each expected fragment. */
    static String assertViolated(ArchRule rule, JavaClasses classes, String... expectedInReport) {
        EvaluationResult result = rule.evaluate(classes);
        String report = result.getFailureReport().toString();
        assertTrue(result.hasViolation(), () -> "expected a violation of: " + rule.getDescription());
        assertTrue(report.contains(rule.getDescription()), () -> "the report does not name the rule:\n" + report);
        for (String expected : expectedInReport) {
            assertTrue(report.contains(expected), () -> "the report does not mention '" + expected + "':\n" + report);
        }
        return report;
    }

    static void assertSatisfied(ArchRule rule, JavaClasses classes) {
        EvaluationResult result = rule.evaluate(classes);
        assertFalse(result.hasViolation(), () -> "expected no violation, got:\n" + result.getFailureReport());
    }
}
