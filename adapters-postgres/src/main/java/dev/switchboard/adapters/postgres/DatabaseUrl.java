package dev.switchboard.adapters.postgres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code DATABASE_URL}, parsed: where the database is and who to log in as, with the password
 * kept apart from everything that may be printed.
 *
 * <p>Accepted forms: {@code postgresql://user:pass@host:port/db?params}, the same with
 * {@code postgres://}, and the JDBC form {@code jdbc:postgresql://host:port/db?user=u&password=p}
 * (user info before the host is accepted there too). User, password, database and parameters may
 * be percent-encoded, as libpq expects; a password may also hold {@code @ : / ? #} unencoded, since
 * the host part is recognised from the right. Defaults as libpq: host {@code localhost}, port
 * 5432, database named after the user.
 *
 * @param host       host name or IP literal (IPv6 in brackets)
 * @param port       TCP port
 * @param database   database name
 * @param user       login role, if given (else the driver's default)
 * @param password   the password, if given; never part of {@link #jdbcUrl()} or {@link #toString()}
 * @param parameters the other parameters ({@code sslmode}, {@code ApplicationName}, ...), passed
 *                   to the driver as they are
 */
public record DatabaseUrl(String host, int port, String database, Optional<String> user,
                          Optional<String> password, Map<String, String> parameters) {

    private static final Pattern HOST_PORT =
            Pattern.compile("(?:[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\])?(?::[0-9]{1,5})?");

    public DatabaseUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        parameters = Map.copyOf(parameters);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("DATABASE_URL: port must be 1..65535");
        }
        for (String key : parameters.keySet()) {
            if (isSecret(key)) {
                throw new IllegalArgumentException("DATABASE_URL: '" + key + "' belongs in the password, not the parameters");
            }
        }
    }

    /**
     * Parses a {@code DATABASE_URL}. Error messages name the part that is wrong, never the
     * password.
     *
     * @throws IllegalArgumentException when it is not a PostgreSQL URL of a form above
     */
    public static DatabaseUrl parse(String url) {
        Objects.requireNonNull(url, "DATABASE_URL");
        String value = url.strip();
        String rest;
        if (value.regionMatches(true, 0, "jdbc:postgresql://", 0, 18)) {
            rest = value.substring(18);
        } else if (value.regionMatches(true, 0, "postgresql://", 0, 13)) {
            rest = value.substring(13);
        } else if (value.regionMatches(true, 0, "postgres://", 0, 11)) {
            rest = value.substring(11);
        } else {
            throw new IllegalArgumentException(
                    "DATABASE_URL must start with postgresql://, postgres:// or jdbc:postgresql://");
        }

        // The user info ends at the last '@' that is followed by a plain host[:port]: a password
        // may contain '@', ':', '/' or '?' unencoded, a host never does.
        String userInfo = null;
        String hostAndAfter = rest;
        for (int at = rest.lastIndexOf('@'); at >= 0; at = at == 0 ? -1 : rest.lastIndexOf('@', at - 1)) {
            String after = rest.substring(at + 1);
            if (HOST_PORT.matcher(after.substring(0, endOfAuthority(after))).matches()) {
                userInfo = rest.substring(0, at);
                hostAndAfter = after;
                break;
            }
        }
        int authorityEnd = endOfAuthority(hostAndAfter);
        String authority = hostAndAfter.substring(0, authorityEnd);
        String afterAuthority = hostAndAfter.substring(authorityEnd);
        if (authority.contains(",")) {
            throw new IllegalArgumentException("DATABASE_URL: several hosts are not supported; name one host");
        }
        if (!authority.isEmpty() && !HOST_PORT.matcher(authority).matches()) {
            throw new IllegalArgumentException("DATABASE_URL: the host part is not host[:port]");
        }

        String host = "localhost";
        int port = 5432;
        if (!authority.isEmpty()) {
            int colon = authority.startsWith("[") ? authority.indexOf(':', authority.indexOf(']')) : authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            if (colon >= 0) {
                port = Integer.parseInt(authority.substring(colon + 1));
            }
        }

        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = nonEmpty(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
        }

        String path = afterAuthority;
        String query = "";
        int question = afterAuthority.indexOf('?');
        if (question >= 0) {
            path = afterAuthority.substring(0, question);
            query = afterAuthority.substring(question + 1);
        }
        int hash = query.indexOf('#');
        if (hash >= 0) {
            query = query.substring(0, hash);
        }
        String database = path.startsWith("/") ? decode(path.substring(1)) : "";

        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String val = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (key.toLowerCase(Locale.ROOT)) {
                case "user" -> user = nonEmpty(val);
                case "password" -> password = Optional.of(val);
                case "dbname" -> database = val;
                default -> {
                    if (isSecret(key)) {
                        throw new IllegalArgumentException("DATABASE_URL: parameter '" + key
                                + "' holds a secret; only the password may be given, in the user info or as password=");
                    }
                    parameters.put(key, val);
                }
            }
        }
        if (database.isEmpty()) {
            database = user.orElse("postgres");
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        return new DatabaseUrl(host, port, database, user, password, parameters);
    }

    /** The JDBC URL for the driver, without user or password: safe to log. */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port)
                .append('/').append(encode(database));
        char separator = '?';
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            url.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
            separator = '&';
        }
        return url.toString();
    }

    /** The same database with another name (tests create one database per test class). */
    public DatabaseUrl withDatabase(String otherDatabase) {
        return new DatabaseUrl(host, port, otherDatabase, user, password, parameters);
    }

    /** Where the database is, for messages: {@code host:port/database as user}, no password. */
    public String describe() {
        return host + ":" + port + "/" + database + user.map(u -> " as " + u).orElse("");
    }

    /** The URL with the password replaced by {@code ***}. */
    @Override
    public String toString() {
        String credentials = user.orElse("") + (password.isPresent() ? ":***" : "");
        String query = parameters.isEmpty() ? "" : jdbcUrl().substring(jdbcUrl().indexOf('?'));
        return "postgresql://" + (credentials.isEmpty() ? "" : credentials + "@") + host + ":" + port + "/" + database + query;
    }

    private static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.equals("sslkey");
    }

    private static int endOfAuthority(String s) {
        int end = s.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = s.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return end;
    }

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Percent-decoding as in a URL's user info: '+' stays '+'; a '%' not followed by two hex digits is kept. */
    static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()
                    && Character.digit(value.charAt(i + 1), 16) >= 0 && Character.digit(value.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(value.charAt(i + 1), 16) * 16 + Character.digit(value.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < value.length()) {
                    encoded = value.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
