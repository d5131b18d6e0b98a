/**
 * Peregrine's binary record format: {@link dev.peregrine.record.Record}, {@link dev.peregrine.record.RecordBuilder},
 * {@link dev.peregrine.record.MutableRecord}, {@link dev.peregrine.record.FieldSlot}, the
 * {@link dev.peregrine.record.FieldDictionary} and the {@link dev.peregrine.record.JsonCodec}. The byte layout is
 * described in {@code docs/format.md}.
 */
module dev.peregrine.record {
    // Not transitive: no Jackson type is in this module's public API (JsonCodec hides it).
    requires com.fasterxml.jackson.core;

    exports dev.peregrine.record;
    // Unvalidated wrapping of the store's own CRC-checked log bytes (TrustedRecords), the parser over
    // whole request bodies (WholeInputParser), and the codec over the server's own Jackson parser and
    // generator (JsonStreams); not for applications.
    exports dev.peregrine.record.internal to dev.peregrine.store, dev.peregrine.server;
}
