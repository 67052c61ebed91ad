package dev.switchboard.adapters.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * python-rq's wire formats: timestamps, the zlib-compressed JSON {@code data} field
 * ({@code [func_name, null, args, kwargs]}), and base64 result values.
 */
final class RqFormat {
    /** Job names become python-style dotted function paths so rq's tools show something sane. */
    static final String FUNC_PREFIX = "switchboard.jobs.";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    static final ObjectMapper JSON = new ObjectMapper();

    private RqFormat() {
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** Unix seconds with millisecond precision, as registry scores. */
    static String score(Instant instant) {
        return Double.toString(instant.toEpochMilli() / 1000.0);
    }

    /** The decoded {@code data} field. */
    record JobData(String jobName, Map<String, Object> kwargs) { }

    static byte[] encodeData(String jobName, Map<String, Object> kwargs) {
        try {
            // Python writes [func, instance, args, kwargs]; instance is always null with JSON.
            byte[] json = JSON.writeValueAsBytes(Arrays.asList(FUNC_PREFIX + jobName, null,
                    List.of(), kwargs));
            return deflate(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("job arguments are not JSON-serialisable", e);
        }
    }

    @SuppressWarnings("unchecked")
    static JobData decodeData(byte[] data) {
        try {
            List<Object> tuple = JSON.readValue(inflateOrRaw(data), List.class);
            String func = (String) tuple.get(0);
            String name = func.startsWith(FUNC_PREFIX) ? func.substring(FUNC_PREFIX.length())
                    : func.substring(func.lastIndexOf('.') + 1);
            Object kwargs = tuple.size() > 3 ? tuple.get(3) : null;
            return new JobData(name, kwargs == null ? Map.of() : (Map<String, Object>) kwargs);
        } catch (java.io.IOException | ClassCastException | IndexOutOfBoundsException e) {
            throw new IllegalStateException("job data is not python-rq JSON serializer data", e);
        }
    }

    static String base64Json(Object value) {
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("job result is not JSON-serialisable", e);
        }
    }

    /** Deflaters own native zlib state that is costly to set up: reuse a few. */
    private static final java.util.concurrent.ConcurrentLinkedQueue<Deflater> DEFLATERS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    static byte[] deflate(byte[] input) {
        Deflater pooled = DEFLATERS.poll();
        Deflater deflater = pooled != null ? pooled : new Deflater();
        deflater.reset();
        try {
            deflater.setInput(input);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length / 2));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            if (DEFLATERS.size() < 16) {
                DEFLATERS.offer(deflater);
            } else {
                deflater.end();
            }
        }
    }

    /** rq readers try zlib first and fall back to the raw bytes; so do we. */
    static byte[] inflateOrRaw(byte[] input) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length * 3);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return input;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return input;
        } finally {
            inflater.end();
        }
    }

    static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
