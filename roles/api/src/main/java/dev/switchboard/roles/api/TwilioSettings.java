package dev.switchboard.roles.api;

import dev.switchboard.roles.common.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The api role's Twilio configuration, read once from the environment and validated; every problem
 * is reported at once. ({@code TWILIO_AUTH_TOKEN} is in {@code RoleConfig}.)
 *
 * @param publicBaseUrl  {@code PUBLIC_BASE_URL}: where Twilio reaches this api, e.g.
 *                       {@code https://api.example.com} (no trailing slash); the URL signatures are
 *                       checked against. Unset: every Twilio webhook is refused.
 * @param callsPublicUrl {@code CALLS_PUBLIC_URL}: the calls role's public WebSocket base, e.g.
 *                       {@code wss://calls.example.com}; required once Twilio is configured
 *                       ({@code TWILIO_AUTH_TOKEN} and {@code PUBLIC_BASE_URL}), no default
 * @param numbers        {@code TWILIO_NUMBERS=<e164>:<business_id>,...}: which business each of our
 *                       numbers belongs to; empty means every call is rejected
 * @param recordCalls    {@code CALL_RECORDING} ({@code on}, the default, or {@code off}): whether the
 *                       voice webhook's TwiML records inbound calls ({@code <Start><Recording>}, the
 *                       recording reported to {@code PUBLIC_BASE_URL/webhook/twilio/recording?business_id=…})
 */
public record TwilioSettings(Optional<URI> publicBaseUrl, Optional<URI> callsPublicUrl, Map<String, String> numbers,
                             boolean recordCalls) {
    /** Where the calls role serves Twilio Media Streams (TwilioMediaStreamListener.PATH). */
    static final String MEDIA_PATH = "/ws/twilio/media";
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final Pattern BUSINESS_ID = Pattern.compile("[^\\s,:]{1,128}");

    public TwilioSettings {
        numbers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
    }

    public static TwilioSettings fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Optional<URI> publicBase = url(env, "PUBLIC_BASE_URL", List.of("https", "http"),
                "an absolute http(s) URL like https://api.example.com", problems);
        Optional<URI> calls = url(env, "CALLS_PUBLIC_URL", List.of("wss"),
                "an absolute wss:// URL like wss://calls.example.com", problems);
        // No default: PUBLIC_BASE_URL is the api's host, which serves no media stream, so defaulting
        // to it sent every caller to a socket that ends the call at once.
        if (present(env, "TWILIO_AUTH_TOKEN") && publicBase.isPresent() && !present(env, "CALLS_PUBLIC_URL")) {
            problems.add("CALLS_PUBLIC_URL is required when Twilio is configured (TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL):"
                    + " the calls role's public base, e.g. wss://calls.example.com; Twilio streams every call to"
                    + " <CALLS_PUBLIC_URL>" + MEDIA_PATH + ", which only the calls role serves");
        }
        calls.filter(u -> u.getPath().endsWith(MEDIA_PATH)).ifPresent(u -> problems.add(
                "CALLS_PUBLIC_URL is the calls role's base, without " + MEDIA_PATH + " (it is appended), was '" + u + "'"));
        Map<String, String> numbers = numbers(env.get("TWILIO_NUMBERS"), problems);
        boolean record = true;
        if (present(env, "CALL_RECORDING")) {
            String value = env.get("CALL_RECORDING").strip().toLowerCase(Locale.ROOT);
            if (value.equals("off")) {
                record = false;
            } else if (!value.equals("on")) {
                problems.add("CALL_RECORDING must be on or off, was '" + env.get("CALL_RECORDING").strip() + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new TwilioSettings(publicBase, calls, numbers, record);
    }

    private static Optional<URI> url(Map<String, String> env, String name, List<String> schemes, String shape,
                                     List<String> problems) {
        if (!present(env, name)) {
            return Optional.empty();
        }
        String value = env.get(name).trim();
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (schemes.contains(scheme) && uri.getHost() != null && !uri.getHost().isEmpty()
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                return Optional.of(withoutTrailingSlash(uri));
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(name + " must be " + shape + " (no query, no user info), was '" + value + "'");
        return Optional.empty();
    }

    private static Map<String, String> numbers(String value, List<String> problems) {
        Map<String, String> numbers = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return numbers;
        }
        for (String part : value.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String number = colon < 0 ? entry : entry.substring(0, colon).trim();
            String business = colon < 0 ? "" : entry.substring(colon + 1).trim();
            if (colon < 0 || !E164.matcher(number).matches() || !BUSINESS_ID.matcher(business).matches()) {
                problems.add("TWILIO_NUMBERS entries must look like +5511999990000:<business id>, was '" + entry + "'");
            } else if (dev.switchboard.ports.out.BusinessScope.isReserved(business)) {
                problems.add("TWILIO_NUMBERS: business id '" + business + "' is reserved (ids beginning with '"
                        + dev.switchboard.ports.out.BusinessScope.RESERVED_PREFIX + "' belong to Switchboard itself)");
            } else if (numbers.putIfAbsent(number, business) != null) {
                problems.add("TWILIO_NUMBERS names " + number + " twice");
            }
        }
        return numbers;
    }

    private static boolean present(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
