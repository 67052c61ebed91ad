package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.BusinessScope;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;
import java.util.regex.Pattern;

/** What the job API's services read from a request besides its body: path ids, query values, the business. */
final class ApiRequests {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@=+-]{1,200}");
    static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private ApiRequests() {
    }

    /**
     * The business a write is for: the token's own, or for the admin token {@code ?business_id=},
     * which may not name one of Switchboard's reserved ids.
     */
    static String businessOf(BusinessScope scope, ServerRequest request) {
        if (scope.businessId().isPresent()) {
            return scope.businessId().get();
        }
        String business = query(request, "business_id")
                .orElseThrow(() -> bad("the admin token must name the business: ?business_id=..."));
        if (business.isBlank() || business.length() > 128 || BusinessScope.isReserved(business)) {
            throw bad("business_id must be 1..128 characters and not a reserved id");
        }
        return business;
    }

    static String pathId(ServerRequest request, String name) {
        String id = request.path().pathParameters().get(name);
        if (!ID.matcher(id).matches()) {
            throw bad(name + " is not a valid id");
        }
        return id;
    }

    /** A path id that must be a UUID (a row of the CRM store); anything else cannot exist, so 404. */
    static String uuid(ServerRequest request, String name, String what) {
        String id = request.path().pathParameters().get(name);
        if (!UUID.matcher(id).matches()) {
            throw new HttpProblem(Status.NOT_FOUND_404, "no such " + what);
        }
        return id.toLowerCase(java.util.Locale.ROOT);
    }

    static Optional<String> query(ServerRequest request, String name) {
        Optional<String> value = request.query().first(name).asOptional();
        value.ifPresent(v -> JsonBodies.requireStorable(v, "query parameter " + name));
        return value;
    }

    static int number(ServerRequest request, String name, int fallback, int min, int max) {
        Optional<String> value = query(request, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(name + " must be a whole number from " + min + " to " + max);
    }

    static HttpProblem notFound() {
        return new HttpProblem(Status.NOT_FOUND_404, "no such job");
    }

    static HttpProblem bad(String reason) {
        return new HttpProblem(Status.BAD_REQUEST_400, reason);
    }
}
