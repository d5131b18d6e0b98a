package dev.peregrine.server.tenant;

import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes {@code <data>/security/tenants}, the tenants an admin created, through the
 * store's {@link AtomicFile} (header, CRC-32C footer, atomic replacement). Stateless.
 *
 * <pre>
 *  header (format "tenants", version 3; see docs/storage-format.md)
 *  count u32
 *  per tenant: name (u32 length + UTF-8) | created (i64, epoch ms) | state (u8: 0 active,
 *              1 deactivated, 2 deleting) | max bytes (i64, 0 = none) | max entities (i64, 0 = none)
 *              | max field names (i64, 0 = none)
 *  footer
 * </pre>
 * Numbers little-endian, as in every file of the framing.
 * Version 2 is the first (the framing's versions start there); it has no max field names, read as
 * none. Not derived from the log: a damaged file is refused, never rebuilt, so that a quota or a
 * deactivation is never silently lost.
 */
final class TenantFile {
    /** The version before the field name quota: its tenants have none. */
    private static final int WITHOUT_FIELD_NAMES = 2;
    static final FileFormat FORMAT = new FileFormat("tenants", WITHOUT_FIELD_NAMES, 3, null);
    static final String DIRECTORY = "security";
    static final String FILE_NAME = "tenants";
    /** Each tenant takes at least this many bytes, which bounds the count a damaged file may claim. */
    private static final int MIN_ENTRY_BYTES = 4 + 1 + 8 + 1 + 8 + 8;

    private TenantFile() {
    }

    static Path of(Path dataDirectory) {
        return dataDirectory.resolve(DIRECTORY).resolve(FILE_NAME);
    }

    /**
     * @return the tenants in {@code file}, empty when there is none
     * @throws dev.peregrine.store.CorruptFileException when it is damaged
     */
    static List<Tenant> read(Path file) {
        Optional<FileBody> found = AtomicFile.read(file, FORMAT);
        if (found.isEmpty()) {
            return List.of();
        }
        FileBody body = found.get();
        int count = body.getCount(MIN_ENTRY_BYTES);
        List<Tenant> tenants = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = body.getString();
            Instant created = Instant.ofEpochMilli(body.getLong());
            int state = body.getByte();
            if (state < 0 || state >= Tenant.State.values().length) {
                throw body.corrupt("a tenant state 0-2", Integer.toString(state));
            }
            long maxBytes = body.getLong();
            long maxEntities = body.getLong();
            long maxFieldNames = body.version() == WITHOUT_FIELD_NAMES ? 0 : body.getLong();
            try {
                tenants.add(new Tenant(name, created, Tenant.State.values()[state],
                        new Tenants.Quotas(maxBytes, maxEntities, maxFieldNames)));
            } catch (IllegalArgumentException e) {
                throw body.corrupt("a valid tenant", e.getMessage());
            }
        }
        body.expectEnd();
        return List.copyOf(tenants);
    }

    /** Replaces {@code file} with {@code tenants}. */
    static void write(Path file, List<Tenant> tenants) {
        AtomicFile.write(file, FORMAT, out -> {
            out.putInt(tenants.size());
            for (Tenant tenant : tenants) {
                out.putString(tenant.name());
                out.putLong(tenant.created().toEpochMilli());
                out.putByte((byte) tenant.state().ordinal());
                out.putLong(tenant.quotas().maxBytes());
                out.putLong(tenant.quotas().maxEntities());
                out.putLong(tenant.quotas().maxFieldNames());
            }
        });
    }
}
