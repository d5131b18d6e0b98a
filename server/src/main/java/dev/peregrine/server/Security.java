package dev.peregrine.server;

import dev.peregrine.server.auth.Access;
import dev.peregrine.server.auth.AccessPolicy;
import dev.peregrine.server.auth.AuthenticationException;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Principal;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who a request acts as and whether its route allows it: reads the credential
 * ({@code X-API-Key}, or {@code Authorization: Bearer}), verifies it with the {@link KeyRing},
 * and checks the route's {@link Access}. On a server running open (no key file) every request
 * acts as {@link Principal#OPEN}, whatever credential it carries: the AllSource SDKs send an
 * {@code X-API-Key} that is then ignored.
 *
 * <p>A refused credential is answered 401 with one message whatever was wrong, counted on
 * {@code /metrics} by reason, and logged with the key's public id at most once a second; a role
 * or tenant that does not allow the route is a 403, counted as {@code forbidden}. Thread-safe.
 */
final class Security {
    private static final Logger LOG = LoggerFactory.getLogger(Security.class);
    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "bearer ";
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final KeyRing keys;
    private final List<String> warnings;
    private final ServerMetrics metrics;
    /** Each route's access, looked up once: routes are fixed at start-up. */
    private final Map<Router.Route, Access> access = new ConcurrentHashMap<>();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    private final AppendQuota quota;

    Security(KeyRing keys, List<String> warnings, AppendQuota quota, ServerMetrics metrics) {
        this.keys = keys;
        this.quota = quota;
        this.warnings = List.copyOf(warnings);
        this.metrics = metrics;
    }

    /** Whether requests must carry a credential. */
    boolean enabled() {
        return keys.enabled();
    }

    /** What {@code /health} warns about: set when the server was started {@code --insecure} off loopback. */
    List<String> warnings() {
        return warnings;
    }

    KeyRing keys() {
        return keys;
    }

    /**
     * Takes {@code events} from {@code tenant}'s append quota, counting the appends per tenant.
     *
     * @throws ApiException 429 with the seconds to wait, or 413 for more events at once than the
     *         quota's burst, which no wait would allow
     */
    void admitAppend(String tenant, int events) {
        long wait = quota.take(tenant, events);
        if (wait == 0) {
            metrics.tenantAppends(tenant, events);
            return;
        }
        metrics.quotaRefusal(tenant);
        if (wait < 0) {
            throw ApiException.tooLarge(events + " events in one request exceed tenant '" + tenant
                    + "''s append burst of " + quota.burst() + " (--tenant-append-burst)");
        }
        throw ApiException.tooManyRequests("tenant '" + tenant + "' is over its append quota of "
                + quota.perSecond() + " events/s (burst " + quota.burst() + "); retry after " + wait + " s", wait);
    }

    /**
     * The principal of a request to {@code route}.
     *
     * @throws ApiException 401 for a missing or refused credential, 403 when the route is not allowed
     */
    Principal authorize(HttpServerRequest request, Router.Route route) {
        Access required = access.computeIfAbsent(route, r -> AccessPolicy.of(r.method(), r.pattern()));
        if (required.isPublic() || !keys.enabled()) {
            return Principal.OPEN;
        }
        Principal principal = authenticate(request);
        String refusal = required.refusal(principal);
        if (refusal != null) {
            metrics.authFailure("forbidden");
            throw ApiException.forbidden(refusal);
        }
        return principal;
    }

    /**
     * The principal of a request's credential, for requests that match no route (so that an
     * unauthenticated client cannot map the API by its 404s and 405s).
     *
     * @throws ApiException 401 for a missing or refused credential
     */
    Principal authenticate(HttpServerRequest request) {
        if (!keys.enabled()) {
            return Principal.OPEN;
        }
        try {
            return keys.verify(credential(request));
        } catch (AuthenticationException refused) {
            metrics.authFailure(refused.reason().label());
            long now = System.nanoTime();
            long last = lastLogged.get();
            if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
                LOG.info("{} from {} on {} {}", refused.getMessage(), request.remoteAddress(),
                        request.method().name(), request.path());
            }
            throw ApiException.unauthorized();
        }
    }

    /**
     * The key a request carries: {@code X-API-Key}, or the token of {@code Authorization: Bearer}.
     * Both at once must agree; any other authorization scheme counts as a malformed credential
     * (it returns text that {@link KeyRing#verify} refuses as such).
     */
    private static String credential(HttpServerRequest request) {
        String apiKey = request.getHeader(API_KEY_HEADER);
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            return apiKey;
        }
        String bearer = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : "";
        if (apiKey != null && !apiKey.equals(bearer)) {
            return "-";
        }
        return bearer.isEmpty() ? "-" : bearer;
    }
}
