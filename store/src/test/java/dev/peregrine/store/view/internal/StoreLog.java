package dev.peregrine.store.view.internal;

import dev.peregrine.record.FieldCursor;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordArray;
import dev.peregrine.store.EventStore;
import dev.peregrine.store.StoreInternals;
import dev.peregrine.store.StoredEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a store's whole raw log as {@link ViewOracle.Entry}s, payloads turned into plain maps. */
public final class StoreLog {

    private StoreLog() {}

    public static List<ViewOracle.Entry> read(EventStore store) {
        List<ViewOracle.Entry> out = new ArrayList<>();
        long next = 1;
        while (true) {
            List<StoredEvent> page = StoreInternals.read(store, next, 1000);
            if (page.isEmpty()) {
                return out;
            }
            for (StoredEvent e : page) {
                out.add(new ViewOracle.Entry(e.position(), e.eventType(), e.entityId(), e.tenantId(),
                        e.timestampNanos(), e.version(), e.isTombstone() ? null : toMap(e.payload())));
            }
            next = page.getLast().position() + 1; // not + size: a scavenge leaves gaps
        }
    }

    public static Map<String, Object> toMap(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        r.forEachField(c -> m.put(c.name(), value(c)));
        return m;
    }

    private static Object value(FieldCursor c) {
        return switch (c.type()) {
            case NULL -> null;
            case BOOL -> c.getBoolean();
            case I64 -> c.getLong();
            case F64 -> c.getDouble();
            case DECIMAL -> Values.canonical(c.getDecimal());
            case STRING -> c.getString();
            case OBJECT -> toMap(c.getRecord());
            case ARRAY -> toList(c.getArray());
            case BYTES -> c.getBytes();
        };
    }

    private static List<Object> toList(RecordArray a) {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            l.add(switch (a.typeOf(i)) {
                case NULL -> null;
                case BOOL -> a.getBoolean(i);
                case I64 -> a.getLong(i);
                case F64 -> a.getDouble(i);
                case DECIMAL -> Values.canonical(a.getDecimal(i));
                case STRING -> a.getString(i);
                case OBJECT -> toMap(a.getRecord(i));
                case ARRAY -> toList(a.getArray(i));
                case BYTES -> a.getBytes(i);
            });
        }
        return l;
    }
}
