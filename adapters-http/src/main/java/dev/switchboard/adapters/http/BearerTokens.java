package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.BusinessScope;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens of the job API: one per business, and an admin token that sees every business.
 * Only SHA-256 digests are kept; a presented token is compared against every digest in constant
 * time (no early exit), so timing reveals neither which token nor how much of it matched.
 */
public final class BearerTokens {
    private record Entry(byte[] digest, BusinessScope scope) { }

    private final List<Entry> entries = new ArrayList<>();

    /**
     * @param businessTokens business id to its token
     * @param adminToken     the operators' token, if any
     */
    public BearerTokens(Map<String, String> businessTokens, Optional<String> adminToken) {
        businessTokens.forEach((business, token) -> entries.add(new Entry(SharedSecret.sha256(token), BusinessScope.of(business))));
        adminToken.ifPresent(token -> entries.add(new Entry(SharedSecret.sha256(token), BusinessScope.all())));
    }

    /** The scope of the request's bearer token; 401 when it has none or an unknown one. */
    BusinessScope authenticate(ServerRequest request) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpProblem(Status.UNAUTHORIZED_401, "missing bearer token (Authorization: Bearer ...)");
        }
        byte[] presented = SharedSecret.sha256(header.get().substring(7).trim());
        BusinessScope match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), presented) && match == null) {
                match = entry.scope();
            }
        }
        if (match == null) {
            throw new HttpProblem(Status.UNAUTHORIZED_401, "unknown bearer token");
        }
        match.businessId().ifPresent(dev.switchboard.ports.out.TraceContext::tagBusiness);
        return match;
    }


    @Override
    public String toString() {
        return "BearerTokens[" + entries.size() + " tokens, redacted]";
    }
}
