/**
 * Peregrine's schema registry: JSON Schemas per event type, with versions and compatibility checks,
 * and the validation of payloads before they are appended ({@link dev.peregrine.schema.SchemaRegistry}).
 * A module of its own so that the store, embedded, carries neither the validator nor Jackson 3.
 */
module dev.peregrine.schema {
    requires transitive dev.peregrine.store;
    requires com.networknt.schema;
    requires tools.jackson.core;
    requires tools.jackson.databind;
    requires org.slf4j;

    exports dev.peregrine.schema;
}
