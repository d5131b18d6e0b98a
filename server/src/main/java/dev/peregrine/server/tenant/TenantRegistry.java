package dev.peregrine.server.tenant;

import dev.peregrine.store.StorageFailureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenants an admin created, kept in memory for the per-request checks and in
 * {@link TenantFile} for restarts. A change is durable (written, forced, renamed) before it is
 * visible, so a tenant deactivated once stays deactivated across a crash.
 *
 * <p>Thread safety: reads take an immutable map through a volatile field, without a lock, on every
 * request; changes are serialized by the registry's monitor.
 */
public final class TenantRegistry {
    private final Path file;
    private final Clock clock;
    private volatile Map<String, Tenant> tenants;

    private TenantRegistry(Path file, Clock clock, List<Tenant> loaded) {
        this.file = file;
        this.clock = clock;
        Map<String, Tenant> map = new LinkedHashMap<>();
        loaded.forEach(t -> map.put(t.name(), t));
        this.tenants = Map.copyOf(map);
    }

    /**
     * Loads the tenants of a data directory.
     *
     * @throws dev.peregrine.store.CorruptFileException when the tenant file is damaged
     */
    public static TenantRegistry open(Path dataDirectory) {
        return open(dataDirectory, Clock.systemUTC());
    }

    static TenantRegistry open(Path dataDirectory, Clock clock) {
        Path file = TenantFile.of(dataDirectory);
        return new TenantRegistry(file, clock, TenantFile.read(file));
    }

    /** @return the tenant created under {@code name}, if any */
    public Optional<Tenant> find(String name) {
        return Optional.ofNullable(tenants.get(name));
    }

    /**
     * @return why credentials of {@code tenant} may not act (it is deactivated or being deleted), or
     *         {@code null} when they may
     */
    public String refusal(String tenant) {
        Tenant found = tenants.get(tenant);
        if (found == null || found.state() == Tenant.State.ACTIVE) {
            return null;
        }
        return "tenant '" + tenant + "' is " + (found.state() == Tenant.State.DELETING ? "being deleted" : "deactivated");
    }

    /** @return every created tenant, by name */
    public List<Tenant> list() {
        List<Tenant> all = new ArrayList<>(tenants.values());
        all.sort(Comparator.comparing(Tenant::name));
        return all;
    }

    /**
     * Creates a tenant, active.
     *
     * @throws IllegalArgumentException for a malformed name
     * @throws IllegalStateException when it exists
     */
    public synchronized Tenant create(String name, Tenants.Quotas quotas) {
        Tenant tenant = new Tenant(name, clock.instant(), Tenant.State.ACTIVE, quotas);
        if (tenants.containsKey(name)) {
            throw new IllegalStateException("tenant '" + name + "' exists");
        }
        return put(tenant);
    }

    /**
     * Sets a tenant's quotas.
     *
     * @throws java.util.NoSuchElementException when it was not created
     */
    public synchronized Tenant setQuotas(String name, Tenants.Quotas quotas) {
        return put(existing(name).withQuotas(quotas));
    }

    /**
     * Moves a tenant to {@code state}. A tenant being deleted stays so: only {@link #remove} ends it.
     *
     * @throws java.util.NoSuchElementException when it was not created
     * @throws IllegalStateException when it is being deleted
     */
    public synchronized Tenant setState(String name, Tenant.State state) {
        Tenant tenant = existing(name);
        if (tenant.state() == Tenant.State.DELETING && state != Tenant.State.DELETING) {
            throw new IllegalStateException("tenant '" + name + "' is being deleted");
        }
        return tenant.state() == state ? tenant : put(tenant.in(state));
    }

    /**
     * Marks a tenant for deletion, creating its record first when it is implicit, so that the
     * deletion is resumed after a restart.
     */
    public synchronized Tenant markDeleting(String name) {
        Tenant tenant = tenants.get(name);
        if (tenant == null) {
            tenant = new Tenant(name, clock.instant(), Tenant.State.DELETING, Tenants.Quotas.NONE);
        }
        return put(tenant.in(Tenant.State.DELETING));
    }

    /** Forgets a tenant (the end of its deletion). */
    public synchronized void remove(String name) {
        if (!tenants.containsKey(name)) {
            return;
        }
        Map<String, Tenant> next = new LinkedHashMap<>(tenants);
        next.remove(name);
        save(next);
    }

    private Tenant existing(String name) {
        Tenant tenant = tenants.get(name);
        if (tenant == null) {
            throw new java.util.NoSuchElementException("no tenant '" + name + "'");
        }
        return tenant;
    }

    private Tenant put(Tenant tenant) {
        Map<String, Tenant> next = new LinkedHashMap<>(tenants);
        next.put(tenant.name(), tenant);
        save(next);
        return tenant;
    }

    /** Durable first, then visible: a failed write leaves the registry as it was. */
    private void save(Map<String, Tenant> next) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StorageFailureException("cannot create the directory of", file, e);
        }
        TenantFile.write(file, List.copyOf(next.values()));
        tenants = Map.copyOf(next);
    }
}
