package dev.switchboard.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ClassesTransformer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The classes whose code can run because a class of some package runs: the start classes and
 * everything they depend on, transitively, as long as the dependency stays inside the imported
 * classes of {@code dev.switchboard}.
 *
 * <p>Dependencies are {@link JavaClass#getDirectDependenciesFromSelf()}: calls, constructor
 * calls, method references, field types, signatures, annotations. Lambda bodies compile into
 * their enclosing class, so they are covered by their owner. Nested, local and anonymous classes
 * of a reachable class are reachable too, even when nothing names them. Implementations reached
 * only through an interface are not followed (static analysis cannot see which one is wired):
 * the role's composition root constructs them, and that constructor call is a dependency.
 */
final class ReachableClasses extends AbstractClassesTransformer<JavaClass> {

    private final String startPackage;

    private ReachableClasses(String description, String startPackage) {
        super(description);
        this.startPackage = startPackage;
    }

    static ClassesTransformer<JavaClass> classesReachableFrom(String description, String startPackage) {
        return new ReachableClasses(description, startPackage);
    }

    @Override
    public Iterable<JavaClass> doTransform(JavaClasses classes) {
        Map<String, List<JavaClass>> nestedByEnclosingName = classes.stream()
                .filter(c -> c.getEnclosingClass().isPresent())
                .collect(Collectors.groupingBy(c -> c.getEnclosingClass().get().getName()));

        Set<JavaClass> reachable = new LinkedHashSet<>();
        Deque<JavaClass> toVisit = new ArrayDeque<>(classes.that(resideInAPackage(startPackage)));
        while (!toVisit.isEmpty()) {
            JavaClass next = toVisit.pop();
            if (!reachable.add(next)) {
                continue;
            }
            for (Dependency dependency : next.getDirectDependenciesFromSelf()) {
                String target = dependency.getTargetClass().getBaseComponentType().getName();
                if (target.startsWith(SwitchboardRules.BASE_PACKAGE + ".") && classes.contain(target)) {
                    toVisit.push(classes.get(target));
                }
            }
            toVisit.addAll(nestedByEnclosingName.getOrDefault(next.getName(), List.of()));
        }
        return reachable;
    }
}
