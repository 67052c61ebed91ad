package dev.switchboard.roles.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the outbound notifications (Web Push, webhooks, reminders), read once from the
 * environment and validated with every problem reported at once. Shared by the api (VAPID public
 * key, URL checks at registration) and the worker (sending). Secrets never appear in
 * {@link #toString()}.
 *
 * @param allowPrivateDestinations {@code OUTBOUND_ALLOW_PRIVATE} (default false): let webhooks and
 *                                 pushes reach private, loopback and link-local addresses (development only)
 * @param allowPlainHttp           {@code OUTBOUND_ALLOW_HTTP} (default false): let them use plain http
 * @param vapidPublicKey           {@code VAPID_PUBLIC_KEY} (base64url); with the private key, or neither
 * @param vapidPrivateKey          {@code VAPID_PRIVATE_KEY} (base64url); unset: a pair is generated once and kept in Redis
 * @param vapidSubject             {@code VAPID_SUBJECT}: {@code mailto:} or {@code https:} contact for push services
 * @param pushTimeout              {@code PUSH_TIMEOUT} (default 10 s): one request to a push service
 * @param webhookTimeout           {@code WEBHOOK_TIMEOUT} (default 20 s): one webhook delivery
 * @param reminderRetention        {@code REMINDER_RETENTION} (default 30 days, e.g. {@code 30d}, {@code 720h})
 */
public record NotificationSettings(boolean allowPrivateDestinations, boolean allowPlainHttp,
                                   Optional<String> vapidPublicKey, Optional<String> vapidPrivateKey,
                                   String vapidSubject, Duration pushTimeout, Duration webhookTimeout,
                                   Duration reminderRetention) {

    /** Push services want a contact; this placeholder works with most but should be replaced. */
    public static final String DEFAULT_SUBJECT = "mailto:ops@switchboard.invalid";

    public static NotificationSettings fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        boolean allowPrivate = flag(env, "OUTBOUND_ALLOW_PRIVATE", problems);
        boolean allowHttp = flag(env, "OUTBOUND_ALLOW_HTTP", problems);
        Optional<String> publicKey = nonBlank(env, "VAPID_PUBLIC_KEY");
        Optional<String> privateKey = nonBlank(env, "VAPID_PRIVATE_KEY");
        if (publicKey.isPresent() != privateKey.isPresent()) {
            problems.add("set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither (a pair is then generated and kept)");
        }
        String subject = nonBlank(env, "VAPID_SUBJECT").orElse(DEFAULT_SUBJECT);
        if (!(subject.startsWith("mailto:") && subject.length() > 7) && !subject.startsWith("https://")) {
            problems.add("VAPID_SUBJECT must be a mailto: address or an https: URL, was '" + subject + "'");
        }
        Duration push = duration(env, "PUSH_TIMEOUT", Duration.ofSeconds(10), problems);
        Duration webhook = duration(env, "WEBHOOK_TIMEOUT", Duration.ofSeconds(20), problems);
        Duration retention = duration(env, "REMINDER_RETENTION", Duration.ofDays(30), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new NotificationSettings(allowPrivate, allowHttp, publicKey, privateKey, subject, push, webhook, retention);
    }

    private static boolean flag(Map<String, String> env, String name, List<String> problems) {
        String value = nonBlank(env, name).orElse("false").toLowerCase(Locale.ROOT);
        if (value.equals("true") || value.equals("false")) {
            return value.equals("true");
        }
        problems.add(name + " must be true or false, was '" + value + "'");
        return false;
    }

    private static Optional<String> nonBlank(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        Optional<String> value = nonBlank(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            String v = value.get();
            Duration d = v.matches("\\d{1,6}d") ? Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)))
                    : Durations.parse(name, v);
            if (d.isZero() || d.isNegative()) {
                problems.add(name + " must be positive");
                return fallback;
            }
            return d;
        } catch (ConfigException e) {
            problems.add(e.getMessage() + " (or days, like 30d)");
            return fallback;
        }
    }

    @Override
    public String toString() {
        return "NotificationSettings[allowPrivateDestinations=" + allowPrivateDestinations + ", allowPlainHttp="
                + allowPlainHttp + ", vapidKeys=" + (vapidPublicKey.isPresent() ? "configured" : "kept in Redis")
                + ", vapidSubject=" + vapidSubject + ", pushTimeout=" + pushTimeout + ", webhookTimeout="
                + webhookTimeout + ", reminderRetention=" + reminderRetention + "]";
    }
}
