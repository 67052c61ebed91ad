package dev.switchboard.adapters.postgres;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The SQL migrations shipped in this module, listed and read by the module itself and handed to
 * Flyway as a {@link ResourceProvider}.
 *
 * <p>Why not Flyway's own class path scanner: in a named module (the roles run on the module
 * path) resources are encapsulated, and a scanner in another module cannot list a directory of
 * them. A module can always list and read its own resources: through its {@link ModuleReader}
 * when it is named (a jar, an exploded directory or a jlink image alike), through its code
 * source (a jar or a directory) when it sits on the class path.
 */
final class MigrationResources implements ResourceProvider {

    private final List<Migration> migrations;

    private MigrationResources(List<Migration> migrations) {
        this.migrations = List.copyOf(migrations);
    }

    /** Every {@code .sql} file directly under {@code directory}, a resource path of {@code anchor}'s module. */
    static MigrationResources of(Class<?> anchor, String directory) {
        String prefix = directory.endsWith("/") ? directory : directory + "/";
        List<String> paths = anchor.getModule().isNamed() && anchor.getModule().getLayer() != null
                ? listModule(anchor.getModule(), prefix)
                : listCodeSource(anchor, prefix);
        List<Migration> migrations = new ArrayList<>();
        for (String path : paths) {
            String name = path.substring(prefix.length());
            if (name.isEmpty() || name.contains("/") || !name.endsWith(".sql")) {
                continue;
            }
            migrations.add(new Migration(path, name, read(anchor, path)));
        }
        if (migrations.isEmpty()) {
            throw new IllegalStateException("no migrations found under " + prefix + " in " + anchor.getModule());
        }
        // By version number: "V10__" sorts before "V2__" as text.
        migrations.sort(Comparator.comparingInt((Migration m) -> version(m.getFilename()))
                .thenComparing(Migration::getFilename));
        return new MigrationResources(migrations);
    }

    /** The number of {@code V<n>__name.sql}; files of another shape sort last, by name. */
    private static int version(String fileName) {
        int end = fileName.indexOf("__");
        if (fileName.startsWith("V") && end > 1) {
            try {
                return Integer.parseInt(fileName.substring(1, end));
            } catch (NumberFormatException e) {
                // not a plain version number
            }
        }
        return Integer.MAX_VALUE;
    }

    private static List<String> listModule(Module module, String prefix) {
        ResolvedModule resolved = module.getLayer().configuration().findModule(module.getName())
                .orElseThrow(() -> new IllegalStateException("module " + module.getName() + " is not in its own layer"));
        try (ModuleReader reader = resolved.reference().open(); Stream<String> names = reader.list()) {
            return names.filter(name -> name.startsWith(prefix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the migrations of " + module.getName(), e);
        }
    }

    private static List<String> listCodeSource(Class<?> anchor, String prefix) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot tell where " + anchor.getName() + " was loaded from");
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(location)) {
                Path dir = location.resolve(prefix);
                if (!Files.isDirectory(dir)) {
                    return List.of();
                }
                try (Stream<Path> files = Files.list(dir)) {
                    return files.map(file -> prefix + file.getFileName()).toList();
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                return jar.stream().map(JarEntry::getName).filter(name -> name.startsWith(prefix)).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the migrations in " + source.getLocation(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot list the migrations in " + source.getLocation(), e);
        }
    }

    private static String read(Class<?> anchor, String path) {
        // Module.getResourceAsStream is caller-sensitive: called from this module, it may read any
        // of the module's resources, encapsulated or not.
        try (InputStream in = anchor.getModule().isNamed()
                ? anchor.getModule().getResourceAsStream(path)
                : anchor.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("listed migration " + path + " cannot be read");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration " + path, e);
        }
    }

    /** The file names of the migrations, in order. */
    List<String> fileNames() {
        return migrations.stream().map(Migration::getFilename).toList();
    }

    @Override
    public LoadableResource getResource(String name) {
        return migrations.stream()
                .filter(m -> m.getRelativePath().equals(name) || m.getAbsolutePath().equals(name))
                .findFirst().orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return migrations.stream()
                .filter(m -> m.getFilename().startsWith(prefix))
                .filter(m -> Arrays.stream(suffixes).anyMatch(m.getFilename()::endsWith))
                .map(LoadableResource.class::cast)
                .toList();
    }

    /** One migration file, read once at start. */
    private static final class Migration extends LoadableResource {
        private final String path;
        private final String filename;
        private final String sql;

        Migration(String path, String filename, String sql) {
            this.path = path;
            this.filename = filename;
            this.sql = sql;
        }

        @Override
        public Reader read() {
            return new StringReader(sql);
        }

        @Override
        public String getAbsolutePath() {
            return path;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return path;
        }

        @Override
        public String getFilename() {
            return filename;
        }

        @Override
        public String getRelativePath() {
            return filename;
        }
    }
}
