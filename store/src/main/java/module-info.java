/** Peregrine's storage engine. */
module dev.peregrine.store {
    requires transitive dev.peregrine.record;
    requires org.slf4j;

    exports dev.peregrine.store.view;

}
