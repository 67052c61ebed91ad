package dev.switchboard.ports.out;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An e-mail address as people type them: {@code local@domain}, at most 254 characters, no
 * spaces, quotes or angle brackets (the display-name forms belong to headers, not to a field).
 * Addresses are compared without case ({@link #key()}): mail systems route
 * {@code Maria@Example.com} and {@code maria@example.com} to one mailbox in practice.
 */
public record EmailAddress(String value) {
    private static final Pattern FORM = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    public static final int MAX_LENGTH = 254;

    /** @throws IllegalArgumentException when {@code value} is not an address */
    public EmailAddress {
        Objects.requireNonNull(value, "value");
        value = value.strip();
        if (!isValid(value)) {
            throw new IllegalArgumentException("not an e-mail address");
        }
    }

    public static boolean isValid(String value) {
        return value != null && value.length() <= MAX_LENGTH && FORM.matcher(value).matches();
    }

    /** The form addresses are compared in: lower case. */
    public String key() {
        return value.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value;
    }
}
