package dev.peregrine.server.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a request acts as: the credential's id (never its secret), its role, and the tenant it is
 * bound to, if any. Immutable.
 *
 * @param subject the credential's public id, or {@code "anonymous"} when the server runs open
 * @param role what it may do
 * @param tenant the only tenant it sees, or {@code null} for every tenant
 */
public record Principal(String subject, Role role, String tenant) {

    /** The principal of every request on a server that runs open (no key file): admin of everything. */
    public static final Principal OPEN = new Principal("anonymous", Role.ADMIN, null);

    public Principal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(role, "role");
    }

    /** The tenant this principal is confined to; empty when it sees every tenant. */
    public Optional<String> boundTenant() {
        return Optional.ofNullable(tenant);
    }
}
