package dev.switchboard.roles.common;

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
        // Library chatter stays at INFO+ unless asked for TRACE.
        if (level.intValue() < Level.INFO.intValue() && level != Level.FINEST) {
            Logger.getLogger("io.netty").setLevel(Level.INFO);
            Logger.getLogger("io.lettuce").setLevel(Level.INFO);
            Logger.getLogger("io.helidon").setLevel(Level.INFO);
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
