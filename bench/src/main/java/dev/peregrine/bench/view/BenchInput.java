package dev.peregrine.bench.view;

import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import dev.peregrine.store.view.internal.ViewInput;
import java.util.Map;
import java.util.Random;

/** A prebuilt event for the view benchmarks, so the measurement holds only view maintenance. */
record BenchInput(long position, String eventType, String entityId, String tenantId, long timestamp, long version,
                  Record payload) implements ViewInput {

    /**
     * An order event: {@code {"amount": 0..499, "status": "new"|"paid", "customer": {"id": "c<k>", "tier": 0..2}}}.
     *
     * @param dict the dictionary
     * @param rnd randomness (fixed seed)
     * @param position the log position
     * @param type the event type
     * @param customers how many distinct customers
     * @return the event
     */
    static BenchInput order(FieldDictionary dict, Random rnd, long position, String type, int customers) {
        int customer = rnd.nextInt(customers);
        Record payload = RecordBuilder.create(dict).withFields(Map.of(
                "amount", (long) rnd.nextInt(500),
                "status", rnd.nextBoolean() ? "new" : "paid",
                "customer", Map.of("id", "c" + customer, "tier", (long) rnd.nextInt(3)))).build();
        return new BenchInput(position, type, "order-" + position, "t1", position * 1000, 1, payload);
    }
}
