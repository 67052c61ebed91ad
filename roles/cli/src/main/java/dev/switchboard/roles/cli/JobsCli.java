package dev.switchboard.roles.cli;

import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs {@code switchboard jobs <command>} and returns its exit status:
 *
 * <table>
 *   <caption>exit statuses</caption>
 *   <tr><td>{@value #OK}</td><td>done</td></tr>
 *   <tr><td>{@value #NOT_DONE}</td><td>nothing done: no such job, a job that cannot be requeued or
 *       canceled, an unknown job name, arguments the job refuses</td></tr>
 *   <tr><td>{@value #USAGE}</td><td>usage or configuration: a bad option, {@code --kwargs} that is not
 *       a JSON object, {@code REDIS_URL} unset or malformed</td></tr>
 *   <tr><td>{@value #REDIS_UNREACHABLE}</td><td>Redis cannot be reached (or refuses to serve now)</td></tr>
 * </table>
 */
public final class JobsCli {
    public static final int OK = 0;
    public static final int NOT_DONE = 1;
    public static final int USAGE = 2;
    public static final int REDIS_UNREACHABLE = 3;

    private JobsCli() {
    }

    /**
     * The entry point of {@code bin/switchboard jobs ...} in each role's image (the images carry
     * this module, not the launcher of {@code ./switchboard}): exits with {@link #run(String[])}'s
     * status.
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * {@code main}'s entry: the process's environment, stdout and stderr. The process is the
     * command's own, so the client library's logging is turned down for it.
     */
    public static int run(String[] args) {
        quietLibraries();
        return run(args, System.getenv(), System.out, System.err);
    }

    /**
     * @param env the environment ({@code REDIS_URL}, {@code JOB_ID_SECRET})
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        JobsCommand jobs = new JobsCommand(env, out);
        CommandLine line = new CommandLine(jobs)
                .setCommandName("switchboard jobs")
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> jobs.fail(e, err))
                .setParameterExceptionHandler((e, arguments) -> {
                    e.getCommandLine().getErr().println("switchboard jobs: " + e.getMessage());
                    e.getCommandLine().getErr().println("(./" + e.getCommandLine().getCommandSpec().qualifiedName()
                            + " --help shows the usage)");
                    return USAGE;
                });
        try {
            return line.execute(args);
        } finally {
            jobs.close();
        }
    }

    /** The operator reads our lines, not the client library's reconnect chatter. */
    private static void quietLibraries() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        Logger.getLogger("io.lettuce").setLevel(Level.OFF);
        Logger.getLogger("io.netty").setLevel(Level.OFF);
    }
}
