package dev.peregrine.server.auth;

/**
 * What a route requires of the principal: nothing ({@link #PUBLIC}), or a role and, for routes
 * whose answer spans every tenant (metrics, stats), a credential not bound to a tenant.
 *
 * @param role the least role, or {@code null} for a public route
 * @param everyTenant whether a tenant-bound credential is refused
 */
public record Access(Role role, boolean everyTenant) {
    /** No credential needed: {@code /health}, which load balancers probe. */
    public static final Access PUBLIC = new Access(null, false);
    /** Reads, confined to the credential's tenant. */
    public static final Access READ = new Access(Role.READER, false);
    /** Writes, confined to the credential's tenant. */
    public static final Access WRITE = new Access(Role.WRITER, false);
    /** Reads whose answer covers every tenant. */
    public static final Access READ_EVERY_TENANT = new Access(Role.READER, true);
    /** Administration: keys, and any route not listed in {@link AccessPolicy}. */
    public static final Access ADMIN = new Access(Role.ADMIN, true);

    /** Whether the route needs no credential. */
    public boolean isPublic() {
        return role == null;
    }

    /**
     * Why {@code principal} may not use a route with this access, or {@code null} when it may.
     * The reason names the role or tenant binding missing, never a secret.
     */
    public String refusal(Principal principal) {
        if (role == null) {
            return null;
        }
        if (!principal.role().includes(role)) {
            return "this credential's role (" + principal.role().label() + ") does not allow this request; it needs "
                    + role.label();
        }
        if (everyTenant && principal.tenant() != null) {
            return "this request covers every tenant; a credential bound to tenant '" + principal.tenant()
                    + "' cannot make it";
        }
        return null;
    }
}
