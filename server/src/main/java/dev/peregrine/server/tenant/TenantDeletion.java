package dev.peregrine.server.tenant;

import dev.peregrine.server.auth.ApiKey;
import dev.peregrine.server.auth.KeyRing;
import dev.peregrine.server.auth.User;
import dev.peregrine.store.EntityDeletedException;
import dev.peregrine.store.EntityNotFoundException;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.Query;
import dev.peregrine.store.QueryPage;
import dev.peregrine.store.StoredEvent;
import dev.peregrine.store.view.View;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a tenant with its data, in the background, one tenant at a time:
 * <ol>
 *   <li>marks it {@link Tenant.State#DELETING} (durably: its credentials are refused from here on,
 *       and a restart resumes the deletion);</li>
 *   <li>revokes the API keys and removes the users bound to it;</li>
 *   <li>drops its views and deletes its consumer groups (both named {@code tenant.name});</li>
 *   <li>tombstones every entity that holds its events, found by a scan of its events in log order
 *       (the store has no tenant index);</li>
 *   <li>forgets the tenant.</li>
 * </ol>
 * Every step can run again after a crash with the same result: a revoked key, a dropped view and a
 * tombstoned entity are each skipped the second time. Names are scoped {@code tenant.name} and
 * tenant-bound credentials cannot put a {@code '.'} in theirs, so the prefix matches this tenant's only. Tombstoned events are hidden at once; their
 * bytes are reclaimed by a scavenge (docs/operations.md).
 *
 * <p>Thread safety: {@link #start} and {@link #progress} from any thread; the work runs on the
 * deletion's own thread.
 */
public final class TenantDeletion implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantDeletion.class);
    /** Events read per query page of the scan. */
    static final int PAGE = 1_000;

    private final EventStore store;
    private final TenantRegistry registry;
    private final KeyRing keys;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "peregrine-tenant-deletion");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Progress> running = new ConcurrentHashMap<>();
    /** Set by {@link #close}: the scan stops at its next page, to be resumed at the next start. */
    private volatile boolean closing;

    /**
     * How far a deletion got.
     */
    public static final class Progress {
        private final AtomicLong scannedThrough = new AtomicLong();
        private final AtomicLong entitiesDeleted = new AtomicLong();
        private final long lastPosition;
        private volatile String failure;

        private Progress(long lastPosition) {
            this.lastPosition = lastPosition;
        }

        /** @return the log position the scan of the tenant's events has passed */
        public long scannedThrough() {
            return scannedThrough.get();
        }

        /** @return the store's last position when the deletion started: where the scan ends */
        public long lastPosition() {
            return lastPosition;
        }

        /** @return entities tombstoned so far */
        public long entitiesDeleted() {
            return entitiesDeleted.get();
        }

        /** @return why the deletion stopped, if it failed (it is resumed at the next start) */
        public Optional<String> failure() {
            return Optional.ofNullable(failure);
        }
    }

    public TenantDeletion(EventStore store, TenantRegistry registry, KeyRing keys) {
        this.store = store;
        this.registry = registry;
        this.keys = keys;
    }

    /** Resumes the deletions a previous run left unfinished. */
    public void resume() {
        for (Tenant tenant : registry.list()) {
            if (tenant.state() == Tenant.State.DELETING) {
                LOG.info("resuming the deletion of tenant '{}'", tenant.name());
                start(tenant.name());
            }
        }
    }

    /**
     * Starts deleting {@code tenant} (or returns the deletion already under way). The tenant is
     * marked deleting, durably, before this returns.
     *
     * @return its progress
     */
    public synchronized Progress start(String tenant) {
        Progress existing = running.get(tenant);
        if (existing != null) {
            return existing;
        }
        registry.markDeleting(tenant);
        Progress progress = new Progress(store.lastPosition());
        running.put(tenant, progress);
        thread.execute(() -> run(tenant, progress));
        return progress;
    }

    /** @return the progress of {@code tenant}'s deletion, while it runs */
    public Optional<Progress> progress(String tenant) {
        return Optional.ofNullable(running.get(tenant));
    }

    private void run(String tenant, Progress progress) {
        try {
            for (ApiKey key : keys.list()) {
                if (tenant.equals(key.tenant())) {
                    keys.revoke(key.id());
                }
            }
            for (User user : keys.users()) {
                if (tenant.equals(user.tenant())) {
                    keys.removeUser(user.name());
                }
            }
            String prefix = tenant + ".";
            for (View view : store.views().list()) {
                if (view.name().startsWith(prefix)) {
                    store.views().drop(view.name());
                }
            }
            for (String group : store.subscriptions().groupNames()) {
                if (group.startsWith(prefix)) {
                    store.subscriptions().deleteGroup(group);
                }
            }
            tombstoneEntities(tenant, progress);
            if (closing) {
                return;
            }
            registry.remove(tenant);
            running.remove(tenant);
            LOG.info("tenant '{}' deleted: {} entities tombstoned", tenant, progress.entitiesDeleted());
        } catch (RuntimeException e) {
            progress.failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.error("deleting tenant '{}' failed; it stays marked deleting and is resumed at the next start",
                    tenant, e);
        }
    }

    /**
     * Tombstones every entity holding an event of {@code tenant}, in pages of {@value #PAGE} events.
     * Events of entities tombstoned here vanish from later pages, so the scan goes by position.
     */
    private void tombstoneEntities(String tenant, Progress progress) {
        long from = 1;
        while (from <= progress.lastPosition && !closing) {
            QueryPage page = store.query(Query.builder().tenantId(tenant).fromPosition(from).limit(PAGE).build());
            if (page.events().isEmpty()) {
                break;
            }
            Set<String> entities = new LinkedHashSet<>();
            for (StoredEvent event : page.events()) {
                entities.add(event.entityId());
                from = event.position() + 1;
            }
            for (String entity : entities) {
                try {
                    store.tombstone(entity);
                    progress.entitiesDeleted.incrementAndGet();
                } catch (EntityDeletedException | EntityNotFoundException alreadyGone) {
                    // deleted by an earlier page, an earlier run, or a client: nothing to do
                }
            }
            progress.scannedThrough.set(from - 1);
        }
        if (!closing) {
            progress.scannedThrough.set(progress.lastPosition);
        }
    }

    @Override
    public void close() {
        // No interrupt: it would close the FileChannel of a credential or tenant file being written.
        closing = true;
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
