/**
 * Peregrine's storage engine. Only {@code dev.peregrine.store} is exported: the log, index and
 * internal packages are implementation.
 */
module dev.peregrine.store {
    requires transitive dev.peregrine.record;
    requires org.slf4j;

    exports dev.peregrine.store;
}
