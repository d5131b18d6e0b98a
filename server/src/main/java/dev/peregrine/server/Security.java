package dev.peregrine.server;

import dev.peregrine.server.auth.Access;
import dev.peregrine.server.auth.AccessPolicy;
import dev.peregrine.server.auth.AuthenticationException;
import dev.peregrine.server.auth.BasicCredential;
import dev.peregrine.server.auth.JwtVerifier;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Principal;
import dev.peregrine.server.tenant.TenantUsage;
import dev.peregrine.server.tenant.Tenants;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.NewEvent;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who a request acts as and whether its route allows it: reads the credential
 * ({@code X-API-Key}, {@code Authorization: Bearer} with a key or an identity provider's JWT, or a
 * user's {@code Authorization: Basic}),
 * verifies it with the {@link KeyRing}, and checks the route's {@link Access}. A password not
 * verified before is hashed off the event loop (see {@link Verdict}). On a server running open
 * (no credential file) every request
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
    /** Most password checks waiting or running at once. */
    static final int MAX_PASSWORD_CHECKS = 64;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final KeyRing keys;
    private final List<String> warnings;
    private final ServerMetrics metrics;
    /** Each route's access, looked up once: routes are fixed at start-up. */
    private final Map<Router.Route, Access> access = new ConcurrentHashMap<>();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    private final AppendQuota quota;
    private final Tenants tenants;
    private final WorkerExecutor passwordWorkers;
    private final AtomicInteger passwordChecks = new AtomicInteger();
    private final FailureThrottle throttle = new FailureThrottle();
    private final JwtVerifier jwt;

    /** @param jwt verifies tokens of an identity provider, or {@code null} when none is configured */
    Security(KeyRing keys, JwtVerifier jwt, List<String> warnings, AppendQuota quota, Tenants tenants,
             WorkerExecutor passwordWorkers, ServerMetrics metrics) {
        this.tenants = tenants;
        this.keys = keys;
        this.jwt = jwt;
        this.quota = quota;
        this.passwordWorkers = passwordWorkers;
        this.warnings = List.copyOf(warnings);
        this.metrics = metrics;
    }

    /** Whether requests must carry a credential: there is a credential file, or JWTs are configured. */
    boolean enabled() {
        return keys.enabled() || jwt != null;
    }

    /** What {@code /health} warns about: set when the server was started {@code --insecure} off loopback. */
    List<String> warnings() {
        return warnings;
    }

    KeyRing keys() {
        return keys;
    }

    Tenants tenants() {
        return tenants;
    }

    /**
     * Admits an append of {@code events} by a credential bound to {@code tenant}: takes them from
     * its append rate, then reserves what they add to what it holds against its byte and entity
     * quotas (see {@link TenantUsage}). Counts the appends per tenant.
     *
     * @return the reservation to settle with {@link TenantUsage#appended} or {@link TenantUsage#failed},
     *         or {@code null} when the tenant has no byte or entity quota
     * @throws ApiException 429 with the seconds to wait, or 413 for more events at once than the
     *         rate's burst, which no wait would allow; 403 naming the byte or entity quota passed
     */
    TenantUsage.Reservation admitAppend(String tenant, List<NewEvent> events, EventStore store) {
        long wait = quota.take(tenant, events.size());
        if (wait != 0) {
            metrics.quotaRefusal(tenant);
            if (wait < 0) {
                throw ApiException.tooLarge(events.size() + " events in one request exceed tenant '" + tenant
                        + "''s append burst of " + quota.burst() + " (--tenant-append-burst)");
            }
            throw ApiException.tooManyRequests("tenant '" + tenant + "' is over its append quota of "
                    + quota.perSecond() + " events/s (burst " + quota.burst() + "); retry after " + wait + " s", wait);
        }
        TenantUsage.Admission admission = tenants.admit(tenant, events, store);
        if (admission instanceof TenantUsage.Refusal refusal) {
            metrics.quotaRefusal(tenant);
            throw ApiException.forbidden(refusal.describe(tenant));
        }
        metrics.tenantAppends(tenant, events.size());
        return (TenantUsage.Reservation) admission;
    }

    /** What checking a request's credential decided. */
    sealed interface Verdict permits Granted, PasswordCheck {
    }

    /** The request may go on, acting as {@code principal}. */
    record Granted(Principal principal) implements Verdict {
        /** The verdict of every request on an open server, and of public routes. */
        static final Granted OPEN = new Granted(Principal.OPEN);
    }

    /**
     * A Basic credential not verified yet: its password must be hashed, which is slow, so the
     * dispatcher runs {@link #verify(PasswordCheck)} off the event loop. Never logged or shown.
     */
    record PasswordCheck(String user, String password, Access access, HttpServerRequest request) implements Verdict {
        @Override
        public String toString() {
            return "PasswordCheck[" + user + "]";
        }
    }

    /** The access {@code route} requires. */
    Access access(Router.Route route) {
        return access.computeIfAbsent(route, r -> AccessPolicy.of(r.method(), r.pattern()));
    }

    /**
     * Checks a request against the access it needs ({@link Access#READ} for a path that matches no
     * route: any valid credential, so that strangers cannot map the API by its 404s and 405s).
     *
     * @throws ApiException 401 for a missing or refused credential, 403 when the access is not allowed
     */
    Verdict check(HttpServerRequest request, Access required) {
        if (required.isPublic() || !enabled()) {
            return Granted.OPEN;
        }
        String authorization = request.getHeader("Authorization");
        if (jwt != null && authorization != null && request.getHeader(API_KEY_HEADER) == null
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.substring(BEARER.length()).trim();
            if (JwtVerifier.looksLikeToken(token)) {
                try {
                    return new Granted(allowed(jwt.verify(token), required));
                } catch (AuthenticationException e) {
                    throw refused(request, e);
                }
            }
        }
        if (authorization != null && BasicCredential.isBasic(authorization) && request.getHeader(API_KEY_HEADER) == null) {
            BasicCredential basic = BasicCredential.parse(authorization).orElseThrow(() ->
                    refused(request, new AuthenticationException(AuthenticationException.Reason.MALFORMED, null)));
            Optional<Principal> known = keys.verifiedPassword(basic.user(), basic.password());
            if (known.isEmpty()) {
                return new PasswordCheck(basic.user(), basic.password(), required, request);
            }
            return new Granted(allowed(known.get(), required));
        }
        try {
            return new Granted(allowed(keys.verify(credential(request)), required));
        } catch (AuthenticationException e) {
            throw refused(request, e);
        }
    }

    /**
     * Verifies a Basic credential's password (slow: run it on {@link #passwordWorkers()}).
     *
     * @throws ApiException 401 for a wrong password or unknown user, 403 when the access is not allowed
     */
    Principal verify(PasswordCheck check) {
        try {
            return allowed(keys.verifyPassword(check.user(), check.password()), check.access());
        } catch (AuthenticationException e) {
            throw refused(check.request(), e);
        }
    }

    /** The one thread that hashes passwords: a flood of wrong ones cannot take the read workers. */
    WorkerExecutor passwordWorkers() {
        return passwordWorkers;
    }

    /**
     * Admits one more password check, or refuses it when {@value #MAX_PASSWORD_CHECKS} wait already:
     * each costs a PBKDF2, and a client sending new wrong passwords must not queue without bound.
     *
     * @throws ApiException 503 with a {@code Retry-After} of one second
     */
    void startPasswordCheck() {
        if (passwordChecks.incrementAndGet() > MAX_PASSWORD_CHECKS) {
            passwordChecks.decrementAndGet();
            throw new ApiException(503, "too many password checks in progress; retry, or use an API key",
                    Map.of(ApiException.RETRY_AFTER, 1L));
        }
    }

    /**
     * How long to hold back the answer to a refused credential from this request's address (see
     * {@link FailureThrottle}), in milliseconds; 0 for at once. Counts each delayed answer.
     */
    long failureDelayMillis(HttpServerRequest request) {
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        long delay = throttle.failed(address);
        if (delay > 0) {
            metrics.authFailureDelayed();
        }
        return delay;
    }

    /** One admitted password check is over. */
    void passwordCheckEnded() {
        passwordChecks.decrementAndGet();
    }

    private Principal allowed(Principal principal, Access required) {
        String refusal = principal.tenant() != null ? tenants.registry().refusal(principal.tenant()) : null;
        if (refusal == null) {
            refusal = required.refusal(principal);
        }
        if (refusal != null) {
            metrics.authFailure("forbidden");
            throw ApiException.forbidden(refusal);
        }
        return principal;
    }

    private ApiException refused(HttpServerRequest request, AuthenticationException refused) {
        metrics.authFailure(refused.reason().label());
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.info("{} from {} on {} {}", refused.getMessage(), request.remoteAddress(),
                    request.method().name(), request.path());
        }
        return ApiException.unauthorized();
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
        if (apiKey != null && !apiKey.equals(bearer)) {            return "-";
        }
        return bearer.isEmpty() ? "-" : bearer;
    }
}
