package dev.switchboard.roles.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.ports.out.TraceContext;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One-line log records on stderr through java.util.logging, which Helidon and the JDK already use.
 */
public final class Logs {
    private Logs() {
    }

    /** One line per record: JSON (the default, for log pipelines) or plain text. */
    public static void configure(Level level, boolean json) {
        configure(level);
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(json ? new JsonLines() : new OneLine());
        }
    }

    public static void configure(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(level);
        handler.setFormatter(new OneLine());
        root.addHandler(handler);
        root.setLevel(level);
        ShutdownSafeLogManager.markConfigured();
        // Library chatter stays at INFO+ at any level: their wire-level logs could print headers
        // such as Authorization or X-Internal-Secret.
        if (level.intValue() < Level.INFO.intValue()) {
            Logger.getLogger("io.netty").setLevel(Level.INFO);
            Logger.getLogger("io.lettuce").setLevel(Level.INFO);
            Logger.getLogger("io.helidon").setLevel(Level.INFO);
        }
    }

    /**
     * {@code {"ts":..,"level":..,"logger":..,"thread":..,"msg":..,"trace_id":..,"business_id":..}}
     * with the trace id and business of the work the thread is doing, when it is tagged.
     */
    static final class JsonLines extends Formatter {
        private static final JsonFactory JSON = new JsonFactory();

        @Override
        public String format(LogRecord r) {
            StringWriter out = new StringWriter(256);
            try (JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("ts", Instant.ofEpochMilli(r.getMillis()).toString());
                json.writeStringField("level", r.getLevel().getName());
                json.writeStringField("logger", r.getLoggerName());
                json.writeStringField("thread", Thread.currentThread().getName());
                json.writeStringField("msg", formatMessage(r));
                var tags = TraceContext.current();
                if (tags.isPresent()) {
                    json.writeStringField("trace_id", tags.get().traceId());
                    if (tags.get().businessId().isPresent()) {
                        json.writeStringField("business_id", tags.get().businessId().get());
                    }
                }
                if (r.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    r.getThrown().printStackTrace(new PrintWriter(trace));
                    json.writeStringField("error", trace.toString());
                }
                json.writeEndObject();
            } catch (IOException e) {
                return r.getMessage() + System.lineSeparator();
            }
            return out.append(System.lineSeparator()).toString();
        }
    }

    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder line = new StringBuilder(160)
                    .append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(String.format("%-7s", r.getLevel().getName())).append(' ')
                    .append(shortName(r.getLoggerName())).append(" - ")
                    .append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter trace = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static String shortName(String name) {
            if (name == null) {
                return "";
            }
            int dot = name.lastIndexOf('.');
            return dot < 0 ? name : name.substring(dot + 1);
        }
    }
}
