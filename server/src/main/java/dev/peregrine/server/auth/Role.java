package dev.peregrine.server.auth;

import java.util.Locale;

/**
 * What a credential may do. Ordered by power: an {@link #ADMIN} may do everything a
 * {@link #WRITER} may, and a writer everything a {@link #READER} may.
 *
 * <p>AllSource Core's role names are accepted as aliases (see {@link #parse}): {@code Admin} is
 * {@link #ADMIN}; {@code Developer} and {@code ServiceAccount}, which append and read, are
 * {@link #WRITER}; {@code ReadOnly} is {@link #READER}.
 */
public enum Role {
    /** Reads (queries, entity state, subscriptions, views, projections) in its tenant. */
    READER,
    /** Reads, appends, deletes entities and creates snapshots in its tenant. */
    WRITER,
    /** Everything, in every tenant, including managing keys; never bound to a tenant. */
    ADMIN;

    /** Whether this role includes {@code required}. */
    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    /** The lower-case name used in files, flags and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a role name: {@code admin}, {@code writer}, {@code reader}, or one of AllSource's
     * ({@code Admin}, {@code Developer}, {@code ServiceAccount}, {@code ReadOnly}), case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static Role parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
            case "admin" -> ADMIN;
            case "writer", "developer", "serviceaccount" -> WRITER;
            case "reader", "readonly" -> READER;
            default -> throw new IllegalArgumentException("unknown role '" + name
                    + "': expected admin, writer or reader (AllSource names Admin, Developer, ServiceAccount,"
                    + " ReadOnly are accepted too)");
        };
    }
}
