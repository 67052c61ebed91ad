package dev.switchboard.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where the images are (target/images, from the pom) and how to run a command and read its output. */
final class Images {
    static final List<String> ROLES = List.of("api", "worker", "scheduler", "calls");

    private Images() {
    }

    static Path dir() {
        return Path.of(System.getProperty("images.dir", "../target/images"));
    }

    static Path image(String role) {
        return dir().resolve(role);
    }

    record Output(int status, String text) {
    }

    static Output run(List<String> command, java.util.Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile("sb-image-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within 60 s: " + Files.readString(log, StandardCharsets.UTF_8));
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Output(process.exitValue(), text);
    }
}
