/** Peregrine's binary record format. */
module dev.peregrine.record {
    requires com.fasterxml.jackson.core;
}
