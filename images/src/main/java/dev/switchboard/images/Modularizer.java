package dev.switchboard.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Turns every automatic module among a set of jars into an explicit one, so that jlink accepts it
 * (jlink refuses automatic modules). For each jar without a {@code module-info.class}:
 * <ol>
 *   <li>{@code jdeps --generate-module-info} writes a descriptor with {@code requires} from the
 *       bytecode, {@code exports} of every package and {@code provides} from
 *       {@code META-INF/services}; it is made an {@code open module} (every package open too,
 *       so reflection-heavy libraries such as Twilio's Jackson models keep working as they did
 *       on the class path; jdeps' own {@code --generate-open-module} leaves out the exports);</li>
 *   <li>the descriptor is fixed where jdeps cannot know: {@code uses} is added for each service
 *       the jar loads with {@link java.util.ServiceLoader} (a named module that loads a service
 *       it does not declare fails at run time; an automatic module may load any), and a
 *       {@code provides} of a service whose type no module here exports (an optional
 *       integration, e.g. Lettuce's CDI extension) is dropped, as the class path ignored it;</li>
 *   <li>all descriptors are compiled in one {@code javac} run against the jars themselves
 *       ({@code --patch-module}) and added to a copy of each jar with the {@code jar} tool,
 *       which checks that every exported package and provider class exists.</li>
 * </ol>
 * Explicit modules are copied as they are. The tools come from the JDK this runs on.
 */
final class Modularizer {

    /** What was done to one automatic module, for the build log and the tests. */
    record Converted(String module, Path source, List<String> addedUses, List<String> droppedProvides,
                     List<String> staticRequires) {
    }

    record Result(Path modules, List<Converted> converted) {
    }

    private static final Pattern REQUIRES = Pattern.compile("^[ \\t]*requires\\s+(transitive\\s+)?([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern EXPORTS = Pattern.compile("^[ \\t]*exports\\s+([\\w.]+)\\s*;[ \\t]*\\n?", Pattern.MULTILINE);
    private static final Pattern PROVIDES = Pattern.compile("^[ \\t]*provides\\s+([\\w.$]+)\\s+with\\s+[^;]*;[ \\t]*\\n?", Pattern.MULTILINE);

    private final PrintStream log;

    Modularizer(PrintStream log) {
        this.log = log;
    }

    /**
     * @param jars the jars, explicit and automatic modules alike
     * @param work scratch space (emptied)
     * @param out  where every jar lands, as an explicit module
     */
    Result modularize(List<Path> jars, Path work, Path out) throws IOException {
        deleteRecursively(work);
        deleteRecursively(out);
        Files.createDirectories(work);
        Files.createDirectories(out);

        Map<String, Path> explicit = new TreeMap<>();
        Map<String, ModuleDescriptor> descriptors = new HashMap<>();
        Map<String, Path> automatic = new TreeMap<>();
        for (Path jar : jars) {
            ModuleDescriptor descriptor = ModuleFinder.of(jar).findAll().stream().findFirst()
                    .map(ModuleReference::descriptor)
                    .orElseThrow(() -> new IOException("not a module: " + jar));
            Map<String, Path> into = descriptor.isAutomatic() ? automatic : explicit;
            Path previous = into.put(descriptor.name(), jar);
            if (previous != null) {
                throw new IOException("two jars are module " + descriptor.name() + ": " + previous + ", " + jar);
            }
            descriptors.put(descriptor.name(), descriptor);
        }
        for (Path jar : explicit.values()) {
            Files.copy(jar, out.resolve(jar.getFileName()));
        }
        if (automatic.isEmpty()) {
            return new Result(out, List.of());
        }

        // 1. jdeps. Its module path may hold only explicit modules whose own requires resolve
        //    without the automatic ones (ours require lettuce.core, for one): the libraries.
        Path generated = work.resolve("generated");
        Path libraries = work.resolve("libraries");
        Files.createDirectories(libraries);
        for (String name : resolvableWithout(explicit.keySet(), descriptors)) {
            Files.copy(explicit.get(name), libraries.resolve(explicit.get(name).getFileName()));
        }
        List<String> jdeps = new ArrayList<>(List.of(
                "--multi-release", Integer.toString(Runtime.version().feature()),
                "--ignore-missing-deps",
                "--module-path", libraries.toString(),
                "--generate-module-info", generated.toString()));
        automatic.values().forEach(jar -> jdeps.add(jar.toString()));
        run("jdeps", jdeps);

        // 2. Fix each descriptor.
        Map<String, String> sources = new TreeMap<>();
        for (String name : automatic.keySet()) {
            String source = Files.readString(generatedModuleInfo(generated, name), StandardCharsets.UTF_8);
            // Open: every package also open to reflection, as it was on the class path (jdeps'
            // own --generate-open-module leaves out the exports). A dependence jdeps could not
            // name ("unnamed": classes it did not find in any module) is left to run time, as
            // --ignore-missing-deps does for the others.
            source = source.replaceFirst("(?m)^module ", "open module ")
                    .replaceAll("(?m)^\\s*requires\\s+(transitive\\s+)?unnamed\\s*;\\s*\\n", "");
            sources.put(name, source);
        }
        MavenFacts maven = new MavenFacts(jars);
        Map<String, Path> jarOf = new HashMap<>(explicit);
        jarOf.putAll(automatic);
        Map<String, List<String>> optional = new TreeMap<>();
        for (String name : automatic.keySet()) {
            Matcher requires = REQUIRES.matcher(sources.get(name));
            StringBuilder text = new StringBuilder();
            while (requires.find()) {
                Path other = jarOf.get(requires.group(2));
                if (other != null && !maven.needs(automatic.get(name), other)) {
                    optional.computeIfAbsent(name, n -> new ArrayList<>()).add(requires.group(2));
                    requires.appendReplacement(text, Matcher.quoteReplacement(
                            requires.group().replaceFirst("requires\\s+(transitive\\s+)?", "requires static $1")));
                }
            }
            requires.appendTail(text);
            sources.put(name, text.toString());
        }
        Index index = Index.of(jars, descriptors, sources);
        Path sourceRoot = work.resolve("src");
        List<Converted> converted = new ArrayList<>();
        for (Map.Entry<String, Path> entry : automatic.entrySet()) {
            String name = entry.getKey();
            Fixed fixed = fix(name, sources.get(name), index);
            Path file = sourceRoot.resolve(name).resolve("module-info.java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, fixed.source(), StandardCharsets.UTF_8);
            List<String> staticRequires = optional.getOrDefault(name, List.of());
            converted.add(new Converted(name, entry.getValue(), fixed.addedUses(), fixed.droppedProvides(), staticRequires));
            log.println("modularized " + name + " (" + entry.getValue().getFileName() + ")"
                    + (fixed.addedUses().isEmpty() ? "" : "; uses " + String.join(", ", fixed.addedUses()))
                    + (fixed.droppedProvides().isEmpty() ? "" : "; dropped provides of absent " + String.join(", ", fixed.droppedProvides()))
                    + (staticRequires.isEmpty() ? "" : "; requires static (not a Maven dependency of it) " + String.join(", ", staticRequires)));
        }

        // 3. One javac run for all descriptors, each patched into its own jar's classes.
        Path classes = work.resolve("classes");
        List<String> javac = new ArrayList<>(List.of(
                "-nowarn", "-Xlint:none", "-proc:none",
                "-d", classes.toString(),
                "--module-source-path", sourceRoot.toString(),
                "--module-path", explicit.values().stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator))));
        automatic.forEach((name, jar) -> {
            javac.add("--patch-module");
            javac.add(name + "=" + jar);
        });
        automatic.keySet().forEach(name -> javac.add(sourceRoot.resolve(name).resolve("module-info.java").toString()));
        run("javac", javac);

        // 4. A copy of each jar (without signature files, which no longer cover it) plus its descriptor.
        for (Map.Entry<String, Path> entry : automatic.entrySet()) {
            Path target = out.resolve(entry.getValue().getFileName());
            copyWithoutSignatures(entry.getValue(), target);
            run("jar", List.of("--update", "--file", target.toString(),
                    "-C", classes.resolve(entry.getKey()).toString(), "module-info.class"));
            ModuleDescriptor descriptor = ModuleFinder.of(target).findAll().iterator().next().descriptor();
            if (descriptor.isAutomatic() || !descriptor.name().equals(entry.getKey())) {
                throw new IOException("modularizing " + target + " did not give module " + entry.getKey());
            }
        }
        return new Result(out, List.copyOf(converted));
    }

    record Fixed(String source, List<String> addedUses, List<String> droppedProvides) {
    }

    /** Adds {@code uses} and drops {@code provides} of services nobody here declares. */
    static Fixed fix(String module, String source, Index index) {
        Set<String> readable = index.readableFrom(module);
        List<String> dropped = new ArrayList<>();
        StringBuilder kept = new StringBuilder();
        Matcher provides = PROVIDES.matcher(source);
        while (provides.find()) {
            String service = provides.group(1);
            if (!index.accessible(module, readable, service)) {
                dropped.add(service);
                provides.appendReplacement(kept, "");
            }
        }
        provides.appendTail(kept);
        // jdeps exports every package with an entry, also one that holds only resources or
        // classes of a later release; javac refuses to export a package without classes.
        Set<String> withClasses = index.packagesWithClasses(module);
        StringBuilder exported = new StringBuilder();
        Matcher exports = EXPORTS.matcher(kept);
        while (exports.find()) {
            if (!withClasses.contains(exports.group(1))) {
                exports.appendReplacement(exported, "");
            }
        }
        exports.appendTail(exported);
        kept = exported;
        List<String> uses = index.servicesLoadedBy(module).stream()
                .filter(service -> index.accessible(module, readable, service))
                .sorted()
                .toList();
        String text = kept.toString();
        if (!uses.isEmpty()) {
            int end = text.lastIndexOf('}');
            StringBuilder lines = new StringBuilder("    // Added by the image build: services this module loads with ServiceLoader.\n");
            uses.forEach(service -> lines.append("    uses ").append(service.replace('$', '.')).append(";\n"));
            text = text.substring(0, end) + lines + text.substring(end);
        }
        return new Fixed(text, uses, dropped);
    }

    /**
     * Who exports what, who reads whom, and which classes of each module call
     * {@link java.util.ServiceLoader}: the facts {@link #fix} decides by.
     */
    record Index(Map<String, Set<String>> packagesOf,
                 Map<String, Set<String>> exportsOf,
                 Map<String, Set<String>> requiresOf,
                 Map<String, Set<String>> transitiveOf,
                 Map<String, ClassFacts> classes,
                 Map<String, List<ClassFacts>> classesOf,
                 Set<String> knownServices) {

        static Index of(List<Path> jars, Map<String, ModuleDescriptor> descriptors, Map<String, String> generated) throws IOException {
            Map<String, Set<String>> packagesOf = new HashMap<>();
            Map<String, Set<String>> exportsOf = new HashMap<>();
            Map<String, Set<String>> requiresOf = new HashMap<>();
            Map<String, Set<String>> transitiveOf = new HashMap<>();
            Set<String> known = new TreeSet<>();
            List<ModuleDescriptor> all = new ArrayList<>(descriptors.values());
            ModuleFinder.ofSystem().findAll().forEach(reference -> all.add(reference.descriptor()));
            for (ModuleDescriptor descriptor : all) {
                String name = descriptor.name();
                packagesOf.put(name, descriptor.packages());
                if (generated.containsKey(name)) {
                    String source = generated.get(name);
                    exportsOf.put(name, matches(EXPORTS, source, 1));
                    Set<String> requires = new TreeSet<>();
                    Set<String> transitive = new TreeSet<>();
                    Matcher matcher = REQUIRES.matcher(source);
                    while (matcher.find()) {
                        requires.add(matcher.group(2));
                        if (matcher.group(1) != null) {
                            transitive.add(matcher.group(2));
                        }
                    }
                    requiresOf.put(name, requires);
                    transitiveOf.put(name, transitive);
                    known.addAll(matches(PROVIDES, source, 1));
                } else {
                    exportsOf.put(name, descriptor.exports().stream().filter(e -> !e.isQualified())
                            .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
                    requiresOf.put(name, descriptor.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
                    transitiveOf.put(name, descriptor.requires().stream()
                            .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                            .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
                    descriptor.provides().forEach(p -> known.add(p.service()));
                    known.addAll(descriptor.uses());
                }
            }
            Map<String, ClassFacts> classes = new HashMap<>();
            Map<String, List<ClassFacts>> classesOf = new HashMap<>();
            for (Path jar : jars) {
                String module = ModuleFinder.of(jar).findAll().iterator().next().descriptor().name();
                List<ClassFacts> facts = readClasses(jar);
                facts.forEach(f -> classes.putIfAbsent(f.name(), f));
                classesOf.put(module, facts);
            }
            return new Index(packagesOf, exportsOf, requiresOf, transitiveOf, classes, classesOf, known);
        }

        /** The module itself, java.base, what it requires, and what those require transitively. */
        Set<String> readableFrom(String module) {
            Set<String> readable = new TreeSet<>(List.of(module, "java.base"));
            Deque<String> todo = new ArrayDeque<>(requiresOf.getOrDefault(module, Set.of()));
            while (!todo.isEmpty()) {
                String next = todo.pop();
                if (readable.add(next)) {
                    todo.addAll(transitiveOf.getOrDefault(next, Set.of()));
                }
            }
            return readable;
        }

        /** Whether {@code module}'s descriptor may name {@code type} (its own, or exported to it by a module it reads). */
        boolean accessible(String module, Set<String> readable, String type) {
            String pkg = packageOf(type);
            if (packagesOf.getOrDefault(module, Set.of()).contains(pkg)) {
                return true;
            }
            return readable.stream().anyMatch(other -> exportsOf.getOrDefault(other, Set.of()).contains(pkg));
        }

        /**
         * The services {@code module} may load: the interfaces and abstract classes named by its
         * classes that call ServiceLoader.load, where that type is a known service (some module
         * here provides or uses it) or is not one of the JDK's own types (which a loading class
         * names for other reasons: List, Iterator, ...).
         */
        Set<String> packagesWithClasses(String module) {
            return classesOf.getOrDefault(module, List.of()).stream()
                    .filter(c -> !c.name().endsWith(".package-info"))
                    .map(c -> packageOf(c.name())).collect(Collectors.toSet());
        }

        Set<String> servicesLoadedBy(String module) {
            Set<String> services = new TreeSet<>();
            for (ClassFacts loader : classesOf.getOrDefault(module, List.of())) {
                if (!loader.loadsServices()) {
                    continue;
                }
                for (String type : loader.referencedClasses()) {
                    if (type.equals("java.util.ServiceLoader") || !isAbstract(type) || !isPublic(type)) {
                        continue;
                    }
                    if (knownServices.contains(type) || !isJdkType(type)) {
                        services.add(type);
                    }
                }
            }
            return services;
        }

        /** Whether a descriptor may name it: public, and so is every class it is nested in. */
        private boolean isPublic(String type) {
            for (int dollar = type.indexOf('$'); ; dollar = type.indexOf('$', dollar + 1)) {
                String enclosing = dollar < 0 ? type : type.substring(0, dollar);
                ClassFacts facts = classes.get(enclosing);
                boolean isPublic;
                if (facts != null) {
                    isPublic = facts.isPublic();
                } else {
                    try {
                        isPublic = java.lang.reflect.Modifier.isPublic(
                                Class.forName(enclosing, false, ClassLoader.getPlatformClassLoader()).getModifiers());
                    } catch (ClassNotFoundException | LinkageError e) {
                        isPublic = false;
                    }
                }
                if (!isPublic) {
                    return false;
                }
                if (dollar < 0) {
                    return true;
                }
            }
        }

        private boolean isAbstract(String type) {
            ClassFacts facts = classes.get(type);
            if (facts != null) {
                return facts.isAbstract();
            }
            try {
                Class<?> jdk = Class.forName(type, false, ClassLoader.getPlatformClassLoader());
                return jdk.isInterface() || java.lang.reflect.Modifier.isAbstract(jdk.getModifiers());
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }

        private static boolean isJdkType(String type) {
            return Stream.of("java.", "javax.", "jdk.", "sun.", "com.sun.").anyMatch(type::startsWith);
        }
    }

    /** The names in {@code candidates} whose requires resolve among themselves and the JDK. */
    static Set<String> resolvableWithout(Set<String> candidates, Map<String, ModuleDescriptor> descriptors) {
        Set<String> system = ModuleFinder.ofSystem().findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
        Set<String> ok = new TreeSet<>(candidates);
        boolean changed = true;
        while (changed) {
            changed = ok.removeIf(name -> descriptors.get(name).requires().stream()
                    .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                    .anyMatch(r -> !ok.contains(r.name()) && !system.contains(r.name())));
        }
        return ok;
    }

    private static Path generatedModuleInfo(Path generated, String module) throws IOException {
        try (Stream<Path> files = Files.walk(generated.resolve(module))) {
            return files.filter(p -> p.getFileName().toString().equals("module-info.java")).findFirst()
                    .orElseThrow(() -> new IOException("jdeps wrote no module-info.java for " + module));
        }
    }

    private static List<ClassFacts> readClasses(Path jar) throws IOException {
        List<ClassFacts> facts = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/")) {
                    facts.add(ClassFacts.read(in.readAllBytes()));
                }
            }
        }
        return facts;
    }

    private static void copyWithoutSignatures(Path from, Path to) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (name.equals("module-info.class") || isSignature(name)) {
                    continue;
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                in.transferTo(out);
                out.closeEntry();
            }
        }
    }

    private static boolean isSignature(String name) {
        if (!name.startsWith("META-INF/") || name.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        return Stream.of(".SF", ".RSA", ".DSA", ".EC").anyMatch(name::endsWith);
    }

    private void run(String tool, List<String> args) throws IOException {
        ToolProvider provider = ToolProvider.findFirst(tool)
                .orElseThrow(() -> new IOException("this JDK (" + System.getProperty("java.home") + ") has no " + tool));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8);
        int status = provider.run(stream, stream, args.toArray(String[]::new));
        String text = output.toString(StandardCharsets.UTF_8);
        if (status != 0) {
            throw new IOException(tool + " failed (" + status + "): " + String.join(" ", args) + "\n" + text);
        }
    }

    static String packageOf(String type) {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "" : type.substring(0, dot);
    }

    private static Set<String> matches(Pattern pattern, String text, int group) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(group));
        }
        return found;
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static Optional<String> readEntry(Path jar, String entryName) {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.getName().equals(entryName)) {
                    return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unused")
    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    static Map<String, Path> byName(Map<String, Path> map) {
        return new LinkedHashMap<>(map);
    }
}
