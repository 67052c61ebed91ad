package dev.switchboard.architecture;

import static dev.switchboard.architecture.Fixtures.assertSatisfied;
import static dev.switchboard.architecture.Fixtures.assertViolated;
import static dev.switchboard.architecture.Fixtures.scenario;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.lang.ArchRule;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The dependency rules of the hexagon, run against fixtures planted in the packages they guard. */
class DependencyRulesTest {

    @Nested
    class PortsDependOnlyOnTheJdk {

        private final ArchRule rule = SwitchboardRules.ports_depend_only_on_the_jdk;

        @Test
        void portReturningALibraryTypeIsReported() {
            assertViolated(rule, scenario("leakyports"),
                    "dev.switchboard.ports.fixture.leakyports.LeadRepository.find(java.lang.String)> has return type"
                            + " <org.example.library.fixture.JsonNode>");
        }

        @Test
        void portsOfJdkTypesPrimitivesArraysAndOtherPortsPass() {
            assertSatisfied(rule, scenario("cleanports"));
        }
    }

    @Nested
    class DomainDependsOnlyOnTheJdkAndPorts {

        private final ArchRule rule = SwitchboardRules.domain_depends_only_on_the_jdk_and_ports;

        @Test
        void domainUsingALibraryTypeIsReported() {
            assertViolated(rule, scenario("domainuseslibrary"),
                    "dev.switchboard.domain.fixture.domainuseslibrary.LeadScoring.score(org.example.library.fixture.JsonNode)>"
                            + " calls method <org.example.library.fixture.JsonNode.text()>");
        }

        @Test
        void domainUsingAnAdapterIsReported() {
            assertViolated(rule, scenario("domainusesadapter"),
                    "dev.switchboard.domain.fixture.domainusesadapter.ReminderService.remind(java.lang.String)> calls method"
                            + " <dev.switchboard.adapters.redis.fixture.domainusesadapter.RedisReminderStore.save(java.lang.String)>");
        }

        @Test
        void domainUsingPortsAndAClockPasses() {
            assertSatisfied(rule, scenario("cleandomain"));
        }
    }

    @Nested
    class AdaptersNeverDependOnEachOtherOrOnRoles {

        private final ArchRule rule = SwitchboardRules.adapters_never_depend_on_each_other_or_on_roles;

        @Test
        void httpAdapterUsingTheRedisAdapterIsReported() {
            assertViolated(rule, scenario("adaptercrosstalk"),
                    "adapters-http depends on adapters-redis",
                    "dev.switchboard.adapters.http.fixture.adaptercrosstalk.HttpJobRoutes.enqueue(java.lang.String)> calls method"
                            + " <dev.switchboard.adapters.redis.fixture.adaptercrosstalk.RedisJobQueue.enqueue(java.lang.String)>");
        }

        @Test
        void postgresAdapterUsingTheRedisAdapterIsReported() {
            assertViolated(rule, scenario("postgrescrosstalk"),
                    "adapters-postgres depends on adapters-redis",
                    "dev.switchboard.adapters.postgres.fixture.postgrescrosstalk.PostgresLeadRepository.find(java.lang.String)>"
                            + " calls method <dev.switchboard.adapters.redis.fixture.postgrescrosstalk.RedisLeadCache.get(java.lang.String)>");
        }

        @Test
        void adapterUsingARoleIsReported() {
            assertViolated(rule, scenario("adapterusesrole"),
                    "dev.switchboard.adapters.redis.fixture.adapterusesrole.RedisSettings.url(dev.switchboard.roles.api.fixture.adapterusesrole.ApiConfig)>"
                            + " calls method <dev.switchboard.roles.api.fixture.adapterusesrole.ApiConfig.redisUrl()>");
        }

        @Test
        void twilioUsingSpeechInsideAdaptersMediaAndAdaptersUsingPortsPass() {
            assertSatisfied(rule, scenario("cleanadapters"));
        }
    }

    @Nested
    class AdaptersNeverDependOnTheDomain {

        private final ArchRule rule = SwitchboardRules.adapters_never_depend_on_the_domain;

        @Test
        void adapterCallingADomainServiceIsReported() {
            assertViolated(rule, scenario("adapterusesdomain"),
                    "dev.switchboard.adapters.http.fixture.adapterusesdomain.HttpLeadRoutes.post(java.lang.String)> calls method"
                            + " <dev.switchboard.domain.fixture.adapterusesdomain.LeadService.create(java.lang.String)>");
        }

        @Test
        void adaptersUsingPortsPass() {
            assertSatisfied(rule, scenario("cleanadapters"));
        }
    }

    @Nested
    class RolesDependOnEachOtherOnlyThroughCommonOrAll {

        private final ArchRule rule = SwitchboardRules.roles_depend_on_each_other_only_through_common_or_all;

        @Test
        void apiRoleUsingTheWorkerRoleIsReported() {
            assertViolated(rule, scenario("rolecrosstalk"),
                    "roles-api depends on roles-worker",
                    "dev.switchboard.roles.api.fixture.rolecrosstalk.ApiRole.start()> calls constructor"
                            + " <dev.switchboard.roles.worker.fixture.rolecrosstalk.WorkerRole.<init>()>");
        }

        @Test
        void rolesCommonUsingARoleIsReported() {
            assertViolated(rule, scenario("commonusesrole"),
                    "roles-common depends on roles-api",
                    "dev.switchboard.roles.common.fixture.commonusesrole.RoleLauncher.launch()> calls constructor"
                            + " <dev.switchboard.roles.api.fixture.commonusesrole.ApiRole.<init>()>");
        }

        @Test
        void apiRoleUsingTheThreadHelperOfTheThreadOwningRolesIsReported() {
            assertViolated(rule, scenario("apiusesruntime"),
                    "roles-api depends on roles-runtime",
                    "dev.switchboard.roles.api.fixture.apiusesruntime.PushRoute.push(java.lang.Runnable)> calls method"
                            + " <dev.switchboard.roles.runtime.fixture.apiusesruntime.RoleThreads.startVirtual(");
        }

        @Test
        void rolesSharingCommonAndComposedByAllPass() {
            assertSatisfied(rule, scenario("cleanroles"));
        }
    }

    @Test
    void everyRuleIsCheckedAgainstTheProductionCode() {
        assertEquals(ruleNames(SwitchboardRules.class), ruleNames(ArchitectureTest.class));
    }

    private static Set<String> ruleNames(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && ArchRule.class.isAssignableFrom(field.getType()))
                .map(Field::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
