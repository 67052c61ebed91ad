package dev.switchboard.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Checks the production code: every {@code dev.switchboard} class on this module's class path
 * (the production modules arrive as jars or target/classes of the reactor). Test classes,
 * including this module's own fixtures, are left out.
 */
@AnalyzeClasses(packages = SwitchboardRules.BASE_PACKAGE, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule ports_depend_only_on_the_jdk = SwitchboardRules.ports_depend_only_on_the_jdk;

    @ArchTest
    static final ArchRule domain_depends_only_on_the_jdk_and_ports = SwitchboardRules.domain_depends_only_on_the_jdk_and_ports;

    @ArchTest
    static final ArchRule adapters_never_depend_on_each_other_or_on_roles =
            SwitchboardRules.adapters_never_depend_on_each_other_or_on_roles;

    @ArchTest
    static final ArchRule adapters_never_depend_on_the_domain = SwitchboardRules.adapters_never_depend_on_the_domain;

    @ArchTest
    static final ArchRule roles_depend_on_each_other_only_through_common_or_all =
            SwitchboardRules.roles_depend_on_each_other_only_through_common_or_all;

    @ArchTest
    static final ArchRule nothing_reachable_from_the_api_role_starts_a_thread =
            SwitchboardRules.nothing_reachable_from_the_api_role_starts_a_thread;

    @ArchTest
    static final ArchRule threads_are_created_only_in_worker_scheduler_calls_roles_and_adapters_media =
            SwitchboardRules.threads_are_created_only_in_worker_scheduler_calls_roles_and_adapters_media;

    @ArchTest
    static final ArchRule job_requests_are_built_only_by_job_types = SwitchboardRules.job_requests_are_built_only_by_job_types;
}
