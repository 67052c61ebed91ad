package dev.switchboard.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.or;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.Timer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;

/**
 * What counts as starting a thread: the one definition both thread rules share.
 *
 * <p>An access is a method call, a constructor call or a method/constructor reference
 * ({@code Thread::new}, {@code executor::execute}). The owner of the target is matched by
 * assignability, so subclasses count ({@code new MyThread()}, {@code threadPool.execute(..)}).
 *
 * <p>Handing work to an executor counts too, whoever built the executor: a class that must not
 * start threads must not make some other thread run its work either. That is why
 * {@code CompletableFuture.runAsync(r, executor)} is caught like {@code executor.execute(r)};
 * {@code runAsync(r)} is caught as work sent to the common pool.
 */
final class ThreadStarts {

    static final DescribedPredicate<JavaAccess<?>> STARTS_OR_CREATES_A_THREAD = or(
            constructorOf(Thread.class),
            methodOf(Thread.class, "start", "ofPlatform", "ofVirtual", "startVirtualThread"),
            anyMethodOf(Thread.Builder.class),
            methodOf(ThreadFactory.class, "newThread"),
            anyMethodOf(Executors.class),
            constructorOf(ExecutorService.class),
            methodOf(Executor.class, "execute"),
            methodOf(ExecutorService.class, "submit", "invokeAll", "invokeAny"),
            anyMethodOf(ScheduledExecutorService.class),
            methodOf(ForkJoinPool.class, "commonPool", "invoke"),
            constructorOf(Timer.class),
            methodOf(Timer.class, "schedule", "scheduleAtFixedRate"),
            asyncStageOnTheCommonPool(),
            asyncStageOnAGivenExecutor()
    ).as("start or create a thread");

    private ThreadStarts() {
    }

    private static DescribedPredicate<JavaAccess<?>> constructorOf(Class<?> type) {
        return describe("new " + type.getSimpleName() + "(..)",
                access -> isCodeUnit(access) && access.getName().equals("<init>") && ownerIs(access, type));
    }

    private static DescribedPredicate<JavaAccess<?>> methodOf(Class<?> type, String... names) {
        Set<String> wanted = Set.of(names);
        return describe(type.getSimpleName() + "." + String.join("/", names),
                access -> isCodeUnit(access) && wanted.contains(access.getName()) && ownerIs(access, type));
    }

    /**
     * Any public method that {@code type} declares or inherits (not {@code Object}'s), called on
     * a {@code type}. Methods a library adds in its own subtype (Netty's
     * {@code EventLoopGroup.shutdownGracefully()}) are not matched by name.
     */
    private static DescribedPredicate<JavaAccess<?>> anyMethodOf(Class<?> type) {
        Set<String> names = Arrays.stream(type.getMethods())
                .filter(method -> method.getDeclaringClass() != Object.class)
                .map(Method::getName)
                .collect(Collectors.toUnmodifiableSet());
        return describe(type.getSimpleName() + ".*",
                access -> isCodeUnit(access) && names.contains(access.getName()) && ownerIs(access, type));
    }

    private static DescribedPredicate<JavaAccess<?>> asyncStageOnTheCommonPool() {
        return describe("CompletableFuture.*Async without an Executor",
                access -> isAsyncStage(access) && !takesAnExecutor(access));
    }

    private static DescribedPredicate<JavaAccess<?>> asyncStageOnAGivenExecutor() {
        return describe("CompletableFuture.*Async with an Executor",
                access -> isAsyncStage(access) && takesAnExecutor(access));
    }

    private static boolean isAsyncStage(JavaAccess<?> access) {
        return isCodeUnit(access) && access.getName().endsWith("Async") && ownerIs(access, CompletionStage.class);
    }

    private static boolean takesAnExecutor(JavaAccess<?> access) {
        return ((CodeUnitAccessTarget) access.getTarget()).getRawParameterTypes().stream()
                .anyMatch(parameter -> parameter.isAssignableTo(Executor.class));
    }

    private static boolean isCodeUnit(JavaAccess<?> access) {
        return access.getTarget() instanceof CodeUnitAccessTarget;
    }

    private static boolean ownerIs(JavaAccess<?> access, Class<?> type) {
        JavaClass owner = access.getTargetOwner();
        return owner.isAssignableTo(type);
    }
}
