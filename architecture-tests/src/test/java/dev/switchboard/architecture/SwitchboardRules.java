package dev.switchboard.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.accessTargetWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.no;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static dev.switchboard.architecture.ReachableClasses.classesReachableFrom;
import static dev.switchboard.architecture.ThreadStarts.STARTS_OR_CREATES_A_THREAD;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

/**
 * The hexagon and the thread rule of docs/architecture.md, as ArchUnit rules.
 *
 * <p>The rules know the code only by package: everything below must stay true of the
 * production packages (see README.md).
 */
public final class SwitchboardRules {

    static final String BASE_PACKAGE = "dev.switchboard";

    static final String JDK = "java..";
    static final String PORTS = "dev.switchboard.ports..";
    static final String DOMAIN = "dev.switchboard.domain..";
    static final String ADAPTERS = "dev.switchboard.adapters..";
    static final String ADAPTERS_MEDIA = "dev.switchboard.adapters.media..";
    static final String ROLES = "dev.switchboard.roles..";
    static final String ROLE_COMMON = "dev.switchboard.roles.common..";
    static final String ROLE_API = "dev.switchboard.roles.api..";
    static final String ROLE_WORKER = "dev.switchboard.roles.worker..";
    static final String ROLE_SCHEDULER = "dev.switchboard.roles.scheduler..";
    static final String ROLE_CALLS = "dev.switchboard.roles.calls..";
    static final String ROLE_RUNTIME = "dev.switchboard.roles.runtime..";
    static final String ROLE_ALL = "dev.switchboard.roles.all..";

    private static final ArchCondition<JavaClass> start_or_create_a_thread =
            accessTargetWhere(STARTS_OR_CREATES_A_THREAD).as("start or create a thread");

    public static final ArchRule ports_depend_only_on_the_jdk =
            classes().that().resideInAPackage(PORTS)
                    .should().onlyDependOnClassesThat().resideInAnyPackage(JDK, PORTS)
                    .because("the ports are the contract every ring compiles against: a library type in a port"
                            + " would leak into the domain and into every adapter");

    public static final ArchRule domain_depends_only_on_the_jdk_and_ports =
            classes().that().resideInAPackage(DOMAIN)
                    .should().onlyDependOnClassesThat().resideInAnyPackage(JDK, PORTS, DOMAIN)
                    .because("the domain is pure Java: no I/O, no framework types, no adapters,"
                            + " so every rule in it can be tested with a Clock and in-memory doubles");

    /** {@code adapters.media.twilio} and {@code adapters.media.speech} are one slice, "media". */
    public static final ArchRule adapters_never_depend_on_each_other_or_on_roles = CompositeArchRule
            .of(slices().matching("dev.switchboard.adapters.(*)..").namingSlices("adapters-$1")
                    .should().notDependOnEachOther())
            .and(noClasses().that().resideInAPackage(ADAPTERS)
                    .should().dependOnClassesThat().resideInAPackage(ROLES))
            .because("an adapter plugs one technology into the ports; the roles choose and wire adapters,"
                    + " so a role image holds only the adapters it needs");

    public static final ArchRule adapters_never_depend_on_the_domain =
            noClasses().that().resideInAPackage(ADAPTERS)
                    .should().dependOnClassesThat().resideInAPackage(DOMAIN)
                    .because("adapters talk to the domain through the ports (driving use cases, driven"
                            + " capabilities); the roles hand the domain's services to them");

    public static final ArchRule roles_depend_on_each_other_only_through_common_or_all =
            slices().matching("dev.switchboard.roles.(*)..").namingSlices("roles-$1")
                    .should().notDependOnEachOther()
                    .ignoreDependency(resideInAPackage(ROLE_ALL), alwaysTrue())
                    .ignoreDependency(alwaysTrue(), resideInAPackage(ROLE_COMMON))
                    .ignoreDependency(resideInAnyPackage(ROLE_WORKER, ROLE_SCHEDULER, ROLE_CALLS), resideInAPackage(ROLE_RUNTIME))
                    .because("each role is its own composition root and its own image; only roles.all"
                            + " (development) composes the others, what they share lives in roles.common, and the"
                            + " thread helper (roles.runtime) is shared only by the roles that own threads, never the api");

    public static final ArchRule nothing_reachable_from_the_api_role_starts_a_thread =
            no(classesReachableFrom("classes reachable from the api role (" + ROLE_API + ")", ROLE_API))
                    .should(start_or_create_a_thread)
                    .because("the api role only enqueues: background work runs as jobs in the worker,"
                            + " never in ad-hoc threads of the process that serves HTTP");

    public static final ArchRule threads_are_created_only_in_worker_scheduler_calls_roles_and_adapters_media =
            noClasses().that().resideInAPackage(BASE_PACKAGE + "..")
                    .and().resideOutsideOfPackages(ROLE_WORKER, ROLE_SCHEDULER, ROLE_CALLS, ROLE_RUNTIME, ADAPTERS_MEDIA)
                    .should(start_or_create_a_thread)
                    .because("threads belong to the roles that own long-lived work (worker, scheduler, calls, and"
                            + " roles.runtime, the one helper they share) and to live audio in adapters-media;"
                            + " everything else enqueues a job instead");

    /** What builds a job request: {@code JobRequest.of} or its constructor. */
    private static final DescribedPredicate<JavaAccess<?>> BUILDS_A_JOB_REQUEST =
            new DescribedPredicate<>("JobRequest.of or new JobRequest") {
                @Override
                public boolean test(JavaAccess<?> access) {
                    AccessTarget target = access.getTarget();
                    return target.getOwner().getFullName().equals(JOB_REQUEST)
                            && (target.getName().equals("of") || target.getName().equals(JavaConstructor.CONSTRUCTOR_NAME));
                }
            };

    static final String JOB_REQUEST = "dev.switchboard.ports.out.JobRequest";

    /**
     * The catalogue rule: every job request is built from a job type ({@code JobDefinition}), and
     * every job type is in the catalogue (it has a handler), so nothing can enqueue a job name the
     * catalogue lacks. {@code Slot} builds the occurrences of periodic jobs, whose table is
     * filtered by the catalogue ({@code PeriodicJobs.runnable}); the bench enqueues the worker's
     * own diagnostic {@code noop_job}.
     */
    public static final ArchRule job_requests_are_built_only_by_job_types =
            noClasses().that().resideInAPackage(BASE_PACKAGE + "..")
                    .and().resideOutsideOfPackage(PORTS)
                    .and().doNotHaveFullyQualifiedName("dev.switchboard.domain.JobDefinition")
                    .and().doNotHaveFullyQualifiedName("dev.switchboard.domain.Slot")
                    .and().doNotHaveFullyQualifiedName("dev.switchboard.roles.all.Bench")
                    .should(accessTargetWhere(BUILDS_A_JOB_REQUEST).as("build a job request by hand"))
                    .because("a job is enqueued from its job type (JobDefinition), which the catalogue lists with its"
                            + " handler: a hand-built request could name a job no worker can run");

    private SwitchboardRules() {
    }
}
