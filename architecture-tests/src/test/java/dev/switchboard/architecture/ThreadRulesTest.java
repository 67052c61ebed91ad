package dev.switchboard.architecture;

import static dev.switchboard.architecture.Fixtures.assertSatisfied;
import static dev.switchboard.architecture.Fixtures.assertViolated;
import static dev.switchboard.architecture.Fixtures.scenario;
import static dev.switchboard.architecture.SwitchboardRules.nothing_reachable_from_the_api_role_starts_a_thread;
import static dev.switchboard.architecture.SwitchboardRules.threads_are_created_only_in_worker_scheduler_calls_roles_and_adapters_media;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two thread rules, run against fixtures planted in the packages they guard. */
class ThreadRulesTest {

    private static final String FIXTURE = "dev.switchboard.roles.api.fixture.";

    @Nested
    class NothingReachableFromTheApiRoleStartsAThread {

        private final ArchRule rule = nothing_reachable_from_the_api_role_starts_a_thread;

        @Test
        void apiRoleStartingAThreadInALambdaIsReported() {
            assertViolated(rule, scenario("apistartsthread"),
                    FIXTURE + "apistartsthread.WebhookRoute.receive(java.lang.String)> calls constructor <java.lang.Thread.<init>(java.lang.Runnable)>",
                    FIXTURE + "apistartsthread.WebhookRoute.receive(java.lang.String)> calls method <java.lang.Thread.start()>");
        }

        @Test
        void apiRoleCreatingAFixedThreadPoolIsReported() {
            assertViolated(rule, scenario("apiexecutors"),
                    FIXTURE + "apiexecutors.BroadcastRoute.<init>()> calls method <java.util.concurrent.Executors.newFixedThreadPool(int)>");
        }

        @Test
        void apiRoleRunningAsyncOnTheCommonPoolIsReported() {
            assertViolated(rule, scenario("apicommonpool"),
                    FIXTURE + "apicommonpool.PushRoute.push(java.lang.Runnable)> calls method <java.util.concurrent.CompletableFuture.runAsync(java.lang.Runnable)>");
        }

        /** The executor came from elsewhere, but the api would still run work in the background. */
        @Test
        void apiRoleRunningAsyncOnAGivenExecutorIsReported() {
            assertViolated(rule, scenario("apigivenexecutor"),
                    FIXTURE + "apigivenexecutor.PushRoute.push(java.lang.Runnable)> calls method"
                            + " <java.util.concurrent.CompletableFuture.runAsync(java.lang.Runnable, java.util.concurrent.Executor)>");
        }

        @Test
        void apiRoleStartingAVirtualThreadIsReported() {
            assertViolated(rule, scenario("apivirtualthread"),
                    FIXTURE + "apivirtualthread.RecordingRoute.upload(java.lang.Runnable)> calls method <java.lang.Thread.ofVirtual()>",
                    FIXTURE + "apivirtualthread.RecordingRoute.upload(java.lang.Runnable)> calls method <java.lang.Thread$Builder$OfVirtual.start(java.lang.Runnable)>");
        }

        @Test
        void apiRoleReferencingTheThreadConstructorIsReported() {
            assertViolated(rule, scenario("apithreadreference"),
                    FIXTURE + "apithreadreference.ThreadFactoryRoute.threads()> references constructor <java.lang.Thread.<init>(java.lang.Runnable)>");
        }

        @Test
        void apiRoleCreatingATimerIsReported() {
            assertViolated(rule, scenario("apitimer"),
                    FIXTURE + "apitimer.SessionRoute.<init>()> calls constructor <java.util.Timer.<init>(java.lang.String, boolean)>");
        }

        @Test
        void adapterThreadTwoCallsAwayFromTheApiRoleIsReported() {
            assertViolated(rule, scenario("reachability"),
                    "dev.switchboard.adapters.redis.fixture.reachability.RedisLeadImporter.importAll()> calls method"
                            + " <java.lang.Thread.startVirtualThread(java.lang.Runnable)>");
        }

        @Test
        void adapterThreadThatTheApiRoleCannotReachIsNotReported() {
            String report = assertViolated(rule, scenario("reachability"));
            assertFalse(report.contains("RedisJanitor"), report);
        }

        @Test
        void domainThreadReachableFromTheApiRoleIsReportedInAnonymousAndNestedClassesToo() {
            assertViolated(rule, scenario("domainthread"),
                    "dev.switchboard.domain.fixture.domainthread.LeadImport.run()> calls method"
                            + " <dev.switchboard.domain.fixture.domainthread.LeadImport$1.start()>",
                    "dev.switchboard.domain.fixture.domainthread.LeadImport$1.<init>(dev.switchboard.domain.fixture.domainthread.LeadImport)>"
                            + " calls constructor <java.lang.Thread.<init>()>",
                    "dev.switchboard.domain.fixture.domainthread.LeadImport$Progress.report()> calls method <java.lang.Thread.start()>");
        }

        @Test
        void apiRoleBorrowingTheSharedThreadHelperIsReported() {
            assertViolated(rule, scenario("apiusesruntime"),
                    "dev.switchboard.roles.runtime.fixture.apiusesruntime.RoleThreads.startVirtual(java.lang.String, java.lang.Runnable)>"
                            + " calls method <java.lang.Thread.ofVirtual()>");
        }

        @Test
        void apiRoleThatOnlyReadsAndComposesCompletedFuturesPasses() {
            assertSatisfied(rule, scenario("cleanapi"));
        }
    }

    /** One planted class holds every way of starting a thread that the shared predicate knows. */
    @Nested
    class WhatCountsAsStartingAThread {

        private static final JavaClasses CATALOGUE = scenario("catalogue");

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "calls constructor <java.lang.Thread.<init>(java.lang.Runnable)>",
                "calls method <java.lang.Thread.start()>",
                "EveryWayToStartAThread$WorkerThread.<init>()> calls constructor <java.lang.Thread.<init>()>",
                "calls constructor <dev.switchboard.roles.api.fixture.catalogue.EveryWayToStartAThread$WorkerThread.<init>()>",
                "calls method <dev.switchboard.roles.api.fixture.catalogue.EveryWayToStartAThread$WorkerThread.start()>",
                "calls method <java.lang.Thread.ofPlatform()>",
                "calls method <java.lang.Thread$Builder$OfPlatform.name(java.lang.String)>",
                "calls method <java.lang.Thread$Builder$OfPlatform.unstarted(java.lang.Runnable)>",
                "calls method <java.lang.Thread.ofVirtual()>",
                "calls method <java.lang.Thread$Builder$OfVirtual.factory()>",
                "calls method <java.lang.Thread.startVirtualThread(java.lang.Runnable)>",
                "calls method <java.util.concurrent.ThreadFactory.newThread(java.lang.Runnable)>",
                "calls method <java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()>",
                "calls constructor <java.util.concurrent.ThreadPoolExecutor.<init>(",
                "calls method <java.util.concurrent.Executor.execute(java.lang.Runnable)>",
                "references method <java.util.concurrent.Executor.execute(java.lang.Runnable)>",
                "calls method <java.util.concurrent.ExecutorService.submit(java.util.concurrent.Callable)>",
                "calls method <java.util.concurrent.ExecutorService.invokeAll(java.util.Collection)>",
                "calls method <java.util.concurrent.ExecutorService.invokeAny(java.util.Collection, long, java.util.concurrent.TimeUnit)>",
                "calls method <java.util.concurrent.ScheduledExecutorService.scheduleWithFixedDelay(",
                "calls constructor <java.util.concurrent.ForkJoinPool.<init>(int)>",
                "calls method <java.util.concurrent.ForkJoinPool.commonPool()>",
                "calls method <java.util.concurrent.ForkJoinPool.execute(java.lang.Runnable)>",
                "calls method <java.util.concurrent.ForkJoinPool.submit(java.lang.Runnable)>",
                "calls method <java.util.concurrent.ForkJoinPool.invoke(java.util.concurrent.ForkJoinTask)>",
                "calls constructor <java.util.Timer.<init>()>",
                "calls method <java.util.Timer.scheduleAtFixedRate(java.util.TimerTask, long, long)>",
                "calls method <java.util.concurrent.CompletableFuture.supplyAsync(java.util.function.Supplier)>",
                "calls method <java.util.concurrent.CompletableFuture.thenApplyAsync(java.util.function.Function)>",
                "calls method <java.util.concurrent.CompletableFuture.thenAcceptAsync(java.util.function.Consumer, java.util.concurrent.Executor)>",
        })
        void isReportedInTheApiRole(String access) {
            assertViolated(nothing_reachable_from_the_api_role_starts_a_thread, CATALOGUE, access);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "calls constructor <java.lang.Thread.<init>(java.lang.Runnable)>",
                "references method <java.util.concurrent.Executor.execute(java.lang.Runnable)>",
                "calls method <java.util.concurrent.CompletableFuture.thenApplyAsync(java.util.function.Function)>",
        })
        void isReportedOutsideTheThreadOwningPackagesByTheSameDefinition(String access) {
            assertViolated(threads_are_created_only_in_worker_scheduler_calls_roles_and_adapters_media, CATALOGUE, access);
        }
    }

    @Nested
    class ThreadsAreCreatedOnlyInWorkerSchedulerCallsRolesAndAdaptersMedia {

        private final ArchRule rule = threads_are_created_only_in_worker_scheduler_calls_roles_and_adapters_media;

        @Test
        void threadsInWorkerSchedulerCallsTheirSharedHelperAndAdaptersMediaAreAllowed() {
            assertSatisfied(rule, scenario("allowedplaces"));
        }

        @Test
        void threadStartedInTheDomainIsReported() {
            assertViolated(rule, scenario("domainthread"),
                    "dev.switchboard.domain.fixture.domainthread.LeadImport.run()> calls constructor"
                            + " <dev.switchboard.domain.fixture.domainthread.LeadImport$1.<init>(");
        }

        @Test
        void domainHandingWorkToAGivenExecutorIsReported() {
            assertViolated(rule, scenario("threadsoutside"),
                    "dev.switchboard.domain.fixture.threadsoutside.ReminderDispatch.dispatch(java.lang.Runnable, java.util.concurrent.Executor)>"
                            + " calls method <java.util.concurrent.CompletableFuture.runAsync(java.lang.Runnable, java.util.concurrent.Executor)>");
        }

        @Test
        void threadHelperInRolesCommonIsReported() {
            assertViolated(rule, scenario("threadsoutside"),
                    "dev.switchboard.roles.common.fixture.threadsoutside.SafeThread.start(java.lang.String, java.lang.Runnable)>"
                            + " calls method <java.lang.Thread$Builder$OfPlatform.start(java.lang.Runnable)>");
        }

        @Test
        void threadStartedByRolesAllItselfIsReported() {
            assertViolated(rule, scenario("threadsoutside"),
                    "dev.switchboard.roles.all.fixture.threadsoutside.AllRoles.start(java.lang.Runnable)> calls method <java.lang.Thread.start()>");
        }

        @Test
        void scheduledExecutorInTheRedisAdapterIsReported() {
            assertViolated(rule, scenario("threadsoutside"),
                    "dev.switchboard.adapters.redis.fixture.threadsoutside.RedisReaper.<init>()> calls method"
                            + " <java.util.concurrent.Executors.newSingleThreadScheduledExecutor()>");
        }

        @Test
        void timerInTheHttpAdapterIsReported() {
            assertViolated(rule, scenario("threadsoutside"),
                    "dev.switchboard.adapters.http.fixture.threadsoutside.HttpIdleConnections.<init>()> calls constructor <java.util.Timer.<init>()>");
        }

        @Test
        void adapterThreadIsReportedEvenWhenTheApiRoleCannotReachIt() {
            assertViolated(rule, scenario("reachability"),
                    "dev.switchboard.adapters.redis.fixture.reachability.RedisJanitor.sweep()> calls method <java.lang.Thread.start()>");
        }
    }
}
