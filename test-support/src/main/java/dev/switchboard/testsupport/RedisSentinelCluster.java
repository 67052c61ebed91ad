package dev.switchboard.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.lettuce.core.sentinel.api.sync.RedisSentinelCommands;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Sentinel deployment of child processes on free loopback ports: a primary, its
 * replicas and a quorum of sentinels ({@code redis-server <conf> --sentinel}), each with a
 * generated configuration file in a temporary directory (Sentinel rewrites them, as in
 * production). Failovers are real: {@link #failover()} asks the sentinels for one ({@code SENTINEL
 * FAILOVER}), {@link #kill9(int)} kills a server. Nothing is persisted.
 *
 * <p>Timing: a server is "down" after {@value #DOWN_AFTER_MS} ms without an answer. After a failover
 * Sentinel reconfigures the demoted primary as a replica only some seconds later (its own rule), and
 * until then that server still accepts writes from the clients connected to it: the case
 * {@code REDIS_WAIT_REPLICAS} exists for.
 */
public final class RedisSentinelCluster implements AutoCloseable {
    /** The master name in the URL's fragment: {@code redis-sentinel://...#switchboard}. */
    public static final String MASTER = "switchboard";
    static final int DOWN_AFTER_MS = 1000;

    private final File executable;
    private final Path dir;
    private final Map<Integer, Process> servers = new LinkedHashMap<>();
    private final List<Integer> dataPorts = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final RedisClient client = RedisClient.create();
    private final Map<Integer, StatefulRedisConnection<String, String>> connections = new LinkedHashMap<>();
    private final Map<Integer, StatefulRedisSentinelConnection<String, String>> sentinelConnections = new LinkedHashMap<>();

    private RedisSentinelCluster(File executable, Path dir) {
        this.executable = executable;
        this.dir = dir;
    }

    /** A primary, {@code replicas} replicas of it and {@code sentinels} sentinels (quorum: a majority). */
    public static RedisSentinelCluster start(int replicas, int sentinels) {
        RedisSentinelCluster cluster;
        try {
            cluster = new RedisSentinelCluster(RedisServerProcess.executable(), Files.createTempDirectory("sb-sentinel"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            int primary = FreePorts.next();
            cluster.startData(primary, null);
            for (int i = 0; i < replicas; i++) {
                cluster.startData(FreePorts.next(), primary);
            }
            for (int i = 0; i < sentinels; i++) {
                cluster.startSentinel(FreePorts.next(), primary, sentinels / 2 + 1);
            }
            cluster.awaitSettled(primary, replicas, sentinels, Duration.ofSeconds(30));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,.../0#switchboard}: what REDIS_URL is set to. */
    public String url() {
        return "redis-sentinel://" + sentinelPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))
                + "/0#" + MASTER;
    }

    /** The data servers' ports (the first was the primary at the start). */
    public List<Integer> dataPorts() {
        return List.copyOf(dataPorts);
    }

    /** The primary's port as the sentinels report it now (the first sentinel that answers). */
    public int primaryPort() {
        for (int sentinel : sentinelPorts) {
            try {
                return primaryAccordingTo(sentinel);
            } catch (RuntimeException down) {
                // try the next sentinel
            }
        }
        throw new IllegalStateException("no sentinel knows the primary");
    }

    /** A plain connection to one server (data or sentinel). */
    public synchronized RedisCommands<String, String> commands(int port) {
        StatefulRedisConnection<String, String> c = connections.get(port);
        if (c == null || !c.isOpen()) {
            c = client.connect(RedisURI.create("redis://127.0.0.1:" + port));
            connections.put(port, c);
        }
        return c.sync();
    }

    private synchronized RedisSentinelCommands<String, String> sentinel(int port) {
        StatefulRedisSentinelConnection<String, String> c = sentinelConnections.get(port);
        if (c == null || !c.isOpen()) {
            c = client.connectSentinel(RedisURI.create("redis://127.0.0.1:" + port));
            sentinelConnections.put(port, c);
        }
        return c.sync();
    }

    /** {@code SENTINEL FAILOVER}: promote a replica now, as an operator would for maintenance. */
    public void failover() {
        String reply = sentinel(sentinelPorts.get(0)).failover(MASTER);
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("SENTINEL FAILOVER answered " + reply);
        }
    }

    /**
     * Waits until every sentinel reports a primary other than {@code oldPrimary}, that server
     * says it is a master, and {@code oldPrimary} (when alive) has become its replica.
     *
     * @return the new primary's port
     */
    public int awaitFailoverFrom(int oldPrimary, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                List<Integer> reported = new ArrayList<>();
                for (int sentinel : sentinelPorts) {
                    if (isAlive(sentinel)) {
                        reported.add(primaryAccordingTo(sentinel));
                    }
                }
                int candidate = reported.get(0);
                last = "sentinels report " + reported;
                boolean agreed = candidate != oldPrimary && reported.stream().allMatch(p -> p == candidate);
                if (agreed && role(candidate).equals("master")
                        && (!isAlive(oldPrimary) || role(oldPrimary).equals("slave"))) {
                    return candidate;
                }
            } catch (RuntimeException notYet) {
                last = String.valueOf(notYet.getMessage());
            }
            sleep(100);
        }
        throw new AssertionError("no failover from " + oldPrimary + " within " + timeout + " (" + last + ")");
    }

    private int primaryAccordingTo(int sentinel) {
        return ((InetSocketAddress) sentinel(sentinel).getMasterAddrByName(MASTER)).getPort();
    }

    /** {@code master} or {@code slave}, from {@code ROLE}. */
    public String role(int port) {
        return String.valueOf(commands(port).role().get(0));
    }

    public boolean isAlive(int port) {
        Process p = servers.get(port);
        return p != null && p.isAlive();
    }

    /** SIGKILL: a crashed server. */
    public void kill9(int port) {
        Process p = servers.get(port);
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void startData(int port, Integer primary) {
        Path conf = dir.resolve("redis-" + port + ".conf");
        Path data = dir.resolve("data-" + port);
        StringBuilder text = new StringBuilder()
                .append("port ").append(port).append('\n')
                .append("bind 127.0.0.1\n")
                .append("save \"\"\n")
                .append("appendonly no\n")
                .append("dir ").append(data).append('\n');
        if (primary != null) {
            text.append("replicaof 127.0.0.1 ").append(primary).append('\n');
        }
        write(data, conf, text.toString());
        launch(port, List.of(executable.getAbsolutePath(), conf.toString()));
    }

    private void startSentinel(int port, int primary, int quorum) {
        Path conf = dir.resolve("sentinel-" + port + ".conf");
        Path data = dir.resolve("sentinel-" + port);
        write(data, conf, "port " + port + "\n"
                + "bind 127.0.0.1\n"
                + "dir " + data + "\n"
                + "sentinel monitor " + MASTER + " 127.0.0.1 " + primary + " " + quorum + "\n"
                + "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER_MS + "\n"
                + "sentinel failover-timeout " + MASTER + " 10000\n"
                + "sentinel parallel-syncs " + MASTER + " 1\n");
        launch(port, List.of(executable.getAbsolutePath(), conf.toString(), "--sentinel"));
        sentinelPorts.add(port);
    }

    private void write(Path data, Path conf, String text) {
        try {
            Files.createDirectories(data);
            Files.writeString(conf, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch(int port, List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server-" + port + ".log").toFile()).start();
            servers.put(port, process);
            if (!command.contains("--sentinel")) {
                dataPorts.add(port);
            }
            awaitListening(port, process, Duration.ofSeconds(10));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private void awaitListening(int port, Process process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on " + port + " exited: see "
                        + dir.resolve("server-" + port + ".log"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port + " in " + timeout);
    }

    /** Until the replicas are in sync and every sentinel sees them and the other sentinels. */
    private void awaitSettled(int primary, int replicas, int sentinels, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            String info = commands(primary).info("replication");
            long online = info.lines().filter(l -> l.startsWith("slave") && l.contains("state=online")).count();
            boolean sentinelsReady = true;
            for (int sentinel : sentinelPorts) {
                String sentinelInfo = sentinel(sentinel).info("sentinel");
                sentinelsReady &= sentinelInfo.contains("slaves=" + replicas + ",sentinels=" + sentinels);
                last = sentinelInfo.lines().filter(l -> l.startsWith("master0")).findFirst().orElse(sentinelInfo);
            }
            if (online == replicas && sentinelsReady) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("the sentinel deployment did not settle within " + timeout + ": " + last
                + " (logs in " + dir + ")");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where the servers' logs and configuration files are, for a failing test's message. */
    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        sentinelConnections.values().forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        });
        connections.values().forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        });
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        servers.values().forEach(Process::destroyForcibly);
        for (Process p : servers.values()) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
