/**
 * Peregrine's binary record format: {@link dev.peregrine.record.Record}, {@link dev.peregrine.record.RecordBuilder},
 * {@link dev.peregrine.record.MutableRecord}, {@link dev.peregrine.record.FieldSlot}, the
 * {@link dev.peregrine.record.FieldDictionary} and the {@link dev.peregrine.record.JsonCodec}. The byte layout is
 * described in {@code docs/format.md}.
 */
module dev.peregrine.record {
    requires transitive com.fasterxml.jackson.core;

    exports dev.peregrine.record;
    // Unvalidated wrapping of the store's own CRC-checked log bytes, and the parser over whole request
    // bodies the server shares with the codec; not for applications.
    exports dev.peregrine.record.internal to dev.peregrine.store, dev.peregrine.server;
}
