package dev.switchboard.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds one jlink image per role from the roles' run-time jars:
 * <pre>
 * ImageBuilder --jars DIR --work DIR --out DIR
 *              --role api=switchboard.roles.api/dev.switchboard.roles.api.ApiRole ...
 *              --everywhere switchboard.roles.cli,org.slf4j.jul
 *              --with jjwt.api=jjwt.impl,jjwt.jackson
 *              --without api=io.helidon.webserver.websocket,io.helidon.websocket
 *              --cli switchboard.roles.cli/dev.switchboard.roles.cli.JobsCli
 * </pre>
 * Every automatic module is first made explicit ({@link Modularizer}). A role's image then holds
 * its module, the {@code --everywhere} modules, what they require, the providers (among these
 * jars) of every service they use, and the {@code --with} companions of any module in it (a
 * library that loads another by reflection, not by requires or ServiceLoader), found again
 * until nothing changes; jlink adds the JDK modules they require. Nothing else: the other
 * roles' modules are on the module path but never linked. {@code --without ROLE=M,...} keeps
 * providers out of one role's image (the api's Helidon would otherwise pull in the WebSocket
 * server, a provider of its upgrade SPI); a module so named that the role <em>requires</em> fails
 * the build rather than being linked.
 */
public final class ImageBuilder {

    private ImageBuilder() {
    }

    record Role(String name, String module, String mainClass) {
    }

    public static void main(String[] args) throws IOException {
        Path jars = null;
        Path work = null;
        Path out = null;
        List<Role> roles = new ArrayList<>();
        List<String> everywhere = new ArrayList<>();
        Map<String, List<String>> with = new LinkedHashMap<>();
        Map<String, Set<String>> without = new LinkedHashMap<>();
        String cli = null;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1].strip();
            switch (args[i]) {
                case "--jars" -> jars = Path.of(value);
                case "--work" -> work = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--role" -> {
                    String[] nameAndMain = value.split("=", 2);
                    String[] moduleAndClass = nameAndMain[1].split("/", 2);
                    roles.add(new Role(nameAndMain[0], moduleAndClass[0], moduleAndClass[1]));
                }
                case "--everywhere" -> everywhere.addAll(List.of(value.split(",")));
                case "--with" -> {
                    String[] parts = value.split("=", 2);
                    with.put(parts[0], List.of(parts[1].split(",")));
                }
                case "--without" -> {
                    String[] parts = value.split("=", 2);
                    without.put(parts[0], Set.of(parts[1].split(",")));
                }
                case "--cli" -> cli = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (jars == null || work == null || out == null || roles.isEmpty() || cli == null) {
            throw new IllegalArgumentException("usage: ImageBuilder --jars DIR --work DIR --out DIR --cli MODULE/CLASS --role NAME=MODULE/CLASS ...");
        }
        build(jars, work, out, roles, everywhere, with, without, cli, System.out);
    }

    static void build(Path jarsDir, Path work, Path out, List<Role> roles, List<String> everywhere,
                      Map<String, List<String>> with, Map<String, Set<String>> without, String cli,
                      PrintStream log) throws IOException {
        List<Path> jars;
        try (Stream<Path> files = Files.list(jarsDir)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        Path modules = work.resolve("modules");
        new Modularizer(log).modularize(jars, work.resolve("modularizer"), modules);
        Modularizer.deleteRecursively(out);
        Files.createDirectories(out);
        for (Role role : roles) {
            Set<String> excluded = without.getOrDefault(role.name(), Set.of());
            Set<String> linked = modulesOf(role.module(), everywhere, with, excluded, ModuleFinder.of(modules));
            Set<String> required = new TreeSet<>(linked);
            required.retainAll(excluded);
            if (!required.isEmpty()) {
                throw new IllegalStateException("the " + role.name() + " role requires " + required
                        + ", which --without keeps out of its image");
            }
            Path image = out.resolve(role.name());
            tool("jlink", List.of(
                    "--module-path", modules.toString(),
                    "--add-modules", String.join(",", linked),
                    "--strip-debug", "--no-header-files", "--no-man-pages",
                    "--output", image.toString()));
            writeLauncher(image, role, cli);
            log.println("image " + role.name() + ": " + image + " (" + linked.size() + " application modules)");
        }
    }

    /**
     * The application modules of one role's image: {@code root} and {@code everywhere}, their
     * requires, the providers of the services any of them uses, and their {@code with}
     * companions, to a fixed point. JDK modules are left to jlink (it adds what they require).
     */
    static Set<String> modulesOf(String root, List<String> everywhere, Map<String, List<String>> with,
                                 Set<String> without, ModuleFinder application) {
        Set<String> roots = new TreeSet<>(everywhere);
        roots.add(root);
        Set<String> systemNames = ModuleFinder.ofSystem().findAll().stream()
                .map(r -> r.descriptor().name()).collect(Collectors.toSet());
        while (true) {
            Configuration configuration = Configuration.empty()
                    .resolve(ModuleFinder.ofSystem(), application, roots);
            Set<String> resolved = configuration.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
            Set<String> uses = configuration.modules().stream()
                    .flatMap(m -> m.reference().descriptor().uses().stream()).collect(Collectors.toSet());
            Set<String> more = new TreeSet<>();
            for (var reference : application.findAll()) {
                ModuleDescriptor descriptor = reference.descriptor();
                if (!resolved.contains(descriptor.name()) && !without.contains(descriptor.name())
                        && descriptor.provides().stream().anyMatch(p -> uses.contains(p.service()))) {
                    more.add(descriptor.name());
                    if (System.getenv("IMAGES_DEBUG") != null) { // why a module is in an image
                        System.err.println(root + ": " + descriptor.name() + " provides " + descriptor.provides().stream().map(ModuleDescriptor.Provides::service).filter(uses::contains).toList());
                    }
                }
            }
            with.forEach((module, companions) -> {
                if (resolved.contains(module)) {
                    companions.stream().filter(c -> !resolved.contains(c)).forEach(more::add);
                }
            });
            if (more.isEmpty()) {
                Set<String> applicationModules = new TreeSet<>(resolved);
                applicationModules.removeIf(systemNames::contains);
                return applicationModules;
            }
            roots.addAll(more);
        }
    }

    /**
     * {@code bin/switchboard}: starts the role (SERVICE_ROLE is the image's, whatever the
     * environment says) or, with {@code jobs}, runs the operator's commands. It execs java, so
     * signals reach the JVM (jlink's own {@code --launcher} script does not). Every module of the
     * image is a root ({@code ALL-SYSTEM}): the image holds only what the role needs, and
     * companions loaded by reflection must be in the boot layer too.
     */
    static void writeLauncher(Path image, Role role, String cli) throws IOException {
        String script = """
                #!/bin/sh
                # The %1$s image of Switchboard (built by ./mvnw -Pimages package; README, "Role images").
                #   bin/switchboard                      start the %1$s role (SERVICE_ROLE=%1$s, always)
                #   bin/switchboard jobs <command> ...   the operator's commands on the job system in REDIS_URL
                # Configuration is read from the environment (README, Configuration). JAVA_OPTS is passed to java.
                set -eu
                here=$(cd "$(dirname "$0")" && pwd)
                if [ "$#" -gt 0 ] && [ "$1" = jobs ]; then
                  shift
                  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
                  exec "$here/java" ${JAVA_OPTS:-} --add-modules ALL-SYSTEM -m %3$s "$@"
                fi
                if [ "$#" -gt 0 ]; then
                  case "$1" in
                    -h|--help|help) echo "usage: bin/switchboard                 start the %1$s role"
                                    echo "       bin/switchboard jobs <info|workers|failed|enqueue|requeue|cancel> [--json] [options]"
                                    exit 0 ;;
                  esac
                  echo "switchboard: unknown argument '$1' (bin/switchboard --help lists the commands)" >&2
                  exit 2
                fi
                SERVICE_ROLE=%1$s
                export SERVICE_ROLE
                # shellcheck disable=SC2086
                exec "$here/java" ${JAVA_OPTS:-} --add-modules ALL-SYSTEM -m %2$s
                """.formatted(role.name(), role.module() + "/" + role.mainClass(), cli);
        Path launcher = image.resolve("bin").resolve("switchboard");
        Files.writeString(launcher, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void tool(String name, List<String> args) throws IOException {
        ToolProvider provider = ToolProvider.findFirst(name)
                .orElseThrow(() -> new IOException("this JDK (" + System.getProperty("java.home") + ") has no " + name));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8);
        int status = provider.run(stream, stream, args.toArray(String[]::new));
        if (status != 0) {
            throw new IOException(name + " failed (" + status + "): " + String.join(" ", args) + "\n" + output.toString(StandardCharsets.UTF_8));
        }
    }
}
