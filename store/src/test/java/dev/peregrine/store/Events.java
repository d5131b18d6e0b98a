package dev.peregrine.store;

import dev.peregrine.record.JsonCodec;

import java.util.UUID;

/** Test helpers: build events from JSON with a store's dictionary. */
final class Events {

    private Events() {
    }

    static NewEvent.Builder event(EventStore store, String type, String entity, String json) {
        return NewEvent.builder().eventType(type).entityId(entity)
                .payload(JsonCodec.defaults().parse(store.dictionary(), json));
    }

    static NewEvent event(EventStore store, String type, String entity, String json, UUID id) {
        return event(store, type, entity, json).eventId(id).build();
    }
}
