package dev.switchboard.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What the jars' own Maven metadata ({@code META-INF/maven/g/a/pom.xml} and
 * {@code pom.properties}) says they depend on, to tell a dependency a library needs from one it
 * merely supports. jdeps sees every class a jar names, also those of an optional integration
 * (httpclient5 names Conscrypt's and Brotli's classes, and the speech bundle happens to carry
 * Conscrypt): on the class path such a reference was harmless, while a {@code requires} would
 * pull the whole speech bundle into an image that never transcribes. A module a jar requires
 * that is not among its non-optional run-time Maven dependencies (transitively, within these
 * jars) is therefore required {@code static}.
 */
final class MavenFacts {

    private static final Pattern DEPENDENCIES = Pattern.compile("<dependencies>(.*?)</dependencies>", Pattern.DOTALL);
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    private static final Pattern DEPENDENCY_MANAGEMENT = Pattern.compile("<dependencyManagement>.*?</dependencyManagement>", Pattern.DOTALL);
    private static final Pattern PARENT = Pattern.compile("<parent>(.*?)</parent>", Pattern.DOTALL);
    private static final Pattern BUILD = Pattern.compile("<build>.*?</build>|<profiles>.*?</profiles>", Pattern.DOTALL);

    /** The coordinates (group:artifact) each jar carries, and the run-time dependencies its one pom declares. */
    private final Map<Path, Set<String>> coordinates = new HashMap<>();
    private final Map<Path, Optional<Set<String>>> declared = new HashMap<>();

    MavenFacts(List<Path> jars) throws IOException {
        for (Path jar : jars) {
            Set<String> coords = new HashSet<>();
            List<String> poms = new java.util.ArrayList<>();
            try (ZipInputStream in = new ZipInputStream(java.nio.file.Files.newInputStream(jar))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    String name = entry.getName();
                    if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
                        Properties properties = new Properties();
                        properties.load(new java.io.ByteArrayInputStream(in.readAllBytes()));
                        coords.add(properties.getProperty("groupId") + ":" + properties.getProperty("artifactId"));
                    } else if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.xml")) {
                        poms.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
            if (coords.isEmpty()) {
                // Built without Maven (reactor-core is built with Gradle): known by its file's
                // name, artifactId-version.jar as the build copied it.
                coords.add("*:" + jar.getFileName().toString().replaceFirst("-\\d.*$", ""));
            }
            coordinates.put(jar, coords);
            // A shaded jar carries the poms of all it packs: then nothing can be told.
            declared.put(jar, poms.size() == 1 ? Optional.of(runtimeDependencies(poms.getFirst())) : Optional.empty());
        }
    }

    /**
     * Whether {@code jar} needs {@code other} by its Maven metadata: {@code other} carries one of
     * the coordinates {@code jar} depends on, directly or through the jars it depends on. Unknown
     * (no single pom in {@code jar}) counts as needed.
     */
    boolean needs(Path jar, Path other) {
        if (declared.getOrDefault(jar, Optional.empty()).isEmpty()) {
            return true;
        }
        Set<Path> seen = new HashSet<>(List.of(jar));
        Deque<Path> todo = new ArrayDeque<>(List.of(jar));
        while (!todo.isEmpty()) {
            Path next = todo.pop();
            Optional<Set<String>> dependencies = declared.getOrDefault(next, Optional.empty());
            if (dependencies.isEmpty()) {
                continue;
            }
            for (Map.Entry<Path, Set<String>> candidate : coordinates.entrySet()) {
                if (!seen.contains(candidate.getKey()) && candidate.getValue().stream().anyMatch(c -> dependencies.get().contains(c)
                        || c.startsWith("*:") && dependencies.get().stream().anyMatch(d -> d.endsWith(c.substring(1))))) {
                    if (candidate.getKey().equals(other)) {
                        return true;
                    }
                    seen.add(candidate.getKey());
                    todo.add(candidate.getKey());
                }
            }
        }
        return false;
    }

    /** The non-optional compile and runtime dependencies a pom declares, as group:artifact. */
    static Set<String> runtimeDependencies(String pom) {
        String body = BUILD.matcher(DEPENDENCY_MANAGEMENT.matcher(pom).replaceAll("")).replaceAll("");
        String parentGroup = PARENT.matcher(body).results().findFirst().map(m -> tag(m.group(1), "groupId")).orElse("");
        String withoutParent = PARENT.matcher(body).replaceAll("");
        int dependenciesStart = withoutParent.indexOf("<dependenc");
        String ownGroup = tag(dependenciesStart < 0 ? withoutParent : withoutParent.substring(0, dependenciesStart), "groupId");
        String group = ownGroup.isEmpty() ? parentGroup : ownGroup;
        Set<String> result = new HashSet<>();
        Matcher dependencies = DEPENDENCIES.matcher(withoutParent);
        while (dependencies.find()) {
            Matcher dependency = DEPENDENCY.matcher(dependencies.group(1));
            while (dependency.find()) {
                String text = dependency.group(1);
                String scope = tag(text, "scope");
                if (tag(text, "optional").equals("true") || List.of("test", "provided", "system").contains(scope)) {
                    continue;
                }
                String groupId = tag(text, "groupId")
                        .replace("${project.groupId}", group).replace("${pom.groupId}", group)
                        .replace("${groupId}", group).replace("${project.parent.groupId}", parentGroup);
                result.add(groupId + ":" + tag(text, "artifactId"));
            }
        }
        return result;
    }

    private static String tag(String xml, String name) {
        Matcher matcher = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
        return matcher.find() ? matcher.group(1) : "";
    }
}
