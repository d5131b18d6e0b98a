/** Peregrine's flight recorder. */
module dev.peregrine.flight {
    requires org.slf4j;
}
