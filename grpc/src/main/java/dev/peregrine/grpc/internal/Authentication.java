package dev.peregrine.grpc.internal;

import dev.peregrine.server.auth.AuthenticationException;
import dev.peregrine.server.auth.BasicCredential;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.Principal;
import dev.peregrine.server.auth.Role;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits each call by the {@code authorization} metadata KurrentDB's clients send (HTTP Basic: a
 * user's name and password), checked against the HTTP server's {@link KeyRing}, the one place
 * Peregrine decides who is who. A server running open (no credential file) admits every call
 * whatever it carries, as KurrentDB's insecure mode does.
 *
 * <p>Each method needs a role: reads need {@link Role#READER}, appends and deletes
 * {@link Role#WRITER}; discovery ({@code Gossip}, {@code ServerFeatures}) needs none, since clients
 * call it before they send credentials. A user bound to a tenant is refused: the KurrentDB protocol
 * has no tenants, and this endpoint serves the default tenant's streams only to users who see all.
 *
 * <p>Interceptors run on the call's executor: a virtual thread, so that the password hash, slow by
 * design, never holds a transport thread; or the transport thread itself for calls that
 * {@link #admitsWithoutHashing} (see {@code GrpcServer}).
 */
public final class Authentication implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final KeyRing keys;
    /** The role each method needs, by full method name; a method not listed needs none. */
    private final Map<String, Role> required;
    /** Refusals are logged at most once a second: a client retrying a wrong password must not flood the log. */
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    public Authentication(KeyRing keys, Map<String, Role> required) {
        this.keys = keys;
        this.required = Map.copyOf(required);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Role role = required.get(call.getMethodDescriptor().getFullMethodName());
        if (role == null || !keys.enabled()) {
            return next.startCall(call, headers);
        }
        Status refusal = refusal(headers.get(AUTHORIZATION), role);
        if (refusal != null) {
            call.close(refusal, new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }

    /**
     * Whether admitting a call with these headers is quick, so that it may run on a transport thread:
     * the server is open, or the call's credentials are in the key ring's cache of verified
     * passwords (or are malformed, refused at once). Only a first call with a password costs a hash.
     */
    public boolean admitsWithoutHashing(Metadata headers) {
        if (!keys.enabled()) {
            return true;
        }
        String authorization = headers.get(AUTHORIZATION);
        Optional<BasicCredential> basic = authorization == null ? Optional.empty() : BasicCredential.parse(authorization);
        return basic.isEmpty() || keys.verifiedPassword(basic.get().user(), basic.get().password()).isPresent();
    }

    /** Why a credential may not make a call needing {@code role}; {@code null} when it may. */
    private Status refusal(String authorization, Role role) {
        if (authorization == null) {
            return Status.UNAUTHENTICATED.withDescription("credentials are required (a user name and password)");
        }
        Optional<BasicCredential> basic = BasicCredential.parse(authorization);
        if (basic.isEmpty()) {
            return Status.UNAUTHENTICATED.withDescription("credentials must be HTTP Basic (a user name and password)");
        }
        String name = basic.get().user();
        String password = basic.get().password();
        Principal principal;
        try {
            principal = keys.verifiedPassword(name, password).orElseGet(() -> keys.verifyPassword(name, password));
        } catch (AuthenticationException e) {
            long now = System.nanoTime();
            long last = lastLogged.get();
            if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
                LOG.info("gRPC call refused: {} for user '{}'", e.getMessage(), name);
            }
            return Status.UNAUTHENTICATED.withDescription("bad user name or password");
        }
        if (principal.boundTenant().isPresent()) {
            return Status.PERMISSION_DENIED.withDescription("user '" + name + "' is bound to a tenant; the KurrentDB"
                    + " protocol serves only users who see every tenant");
        }
        if (!principal.role().includes(role)) {
            return Status.PERMISSION_DENIED.withDescription("user '" + name + "' is a " + principal.role().label()
                    + "; this call needs " + role.label());
        }
        return null;
    }
}
