/**
 * Peregrine's storage engine. Only {@code dev.peregrine.store} and the backup, retention, view and subscription APIs are
 * exported: the log, index and internal packages are implementation.
 */
module dev.peregrine.store {
    requires transitive dev.peregrine.record;
    requires com.fasterxml.jackson.core; // view definitions' JSON; not in the store's API
    requires org.slf4j;
    requires re2j; // users' regular expressions in linear time (SubscriptionFilter); a filename automodule

    exports dev.peregrine.store;
    exports dev.peregrine.store.backup;
    exports dev.peregrine.store.replay;
    exports dev.peregrine.store.retention;
    exports dev.peregrine.store.subscription;
    exports dev.peregrine.store.view;
    // The one framing of store files, for the server's and the schema registry's own files in the data directory.
    exports dev.peregrine.store.framing to dev.peregrine.server, dev.peregrine.schema;
}
