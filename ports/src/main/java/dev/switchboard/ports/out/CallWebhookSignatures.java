package dev.switchboard.ports.out;

import java.util.Map;

/**
 * Tells whether a webhook really comes from the telephony provider: its signature over the URL the
 * provider requested and the form parameters it posted (Twilio's {@code X-Twilio-Signature}).
 */
public interface CallWebhookSignatures {

    /**
     * @param url        the public URL the provider requested, with its query string exactly as
     *                   received; never rebuilt from the {@code Host} header
     * @param params     the URL-decoded form parameters of the body only (query parameters count
     *                   only as part of {@code url})
     * @param signature  the signature the request carried
     * @return true only when the signature matches; comparison is constant-time
     */
    boolean isValid(String url, Map<String, String> params, String signature);
}
