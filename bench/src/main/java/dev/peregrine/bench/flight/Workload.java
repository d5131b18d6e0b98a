package dev.peregrine.bench.flight;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The workload every logger gets: an INFO event on a constant logger with the template
 * {@value #TEMPLATE} and a long, an int and a double that change on every call. One per thread.
 */
@State(Scope.Thread)
public class Workload {
    /** The message template shared by all peers. */
    public static final String TEMPLATE = "order {} filled qty={} px={}";
    /** The logger (target) name shared by all peers. */
    public static final String LOGGER = "bench.orders";

    private long next;

    /** Advances to the next order and returns its id. */
    public long nextId() {
        return ++next;
    }

    public static int qty(long id) {
        return (int) (id & 63);
    }

    public static double px(long id) {
        return 100.0 + (id & 255) * 0.25;
    }

    /** The event through flight's typed API. */
    static void flight(dev.peregrine.flight.FlightLogger log, long id) {
        log.atInfo(TEMPLATE).arg(id).arg(qty(id)).arg(px(id)).log();
    }

    /** The event through the SLF4J API (boxing: SLF4J has no primitive overloads). */
    static void slf4j(org.slf4j.Logger log, long id) {
        log.info(TEMPLATE, id, qty(id), px(id));
    }

    /** The event through Log4j2's API with {@code Unbox.box}, its documented garbage-free idiom. */
    static void log4j(org.apache.logging.log4j.Logger log, long id) {
        log.info(TEMPLATE, org.apache.logging.log4j.util.Unbox.box(id), org.apache.logging.log4j.util.Unbox.box(qty(id)),
                org.apache.logging.log4j.util.Unbox.box(px(id)));
    }
}
