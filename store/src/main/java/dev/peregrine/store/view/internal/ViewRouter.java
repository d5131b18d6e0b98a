package dev.peregrine.store.view.internal;

import dev.peregrine.store.view.ViewDefinition;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Routes an event to the views that can match it: views are indexed by the event types their source
 * filter names, plus a list of views that read every type. An event costs one hash lookup and then
 * only the views that read its type, so 1,000 views cost little when an event concerns a few.
 *
 * <p>Copy-on-write arrays: the lookups are read by the feeder without locking while registration
 * (rare) replaces the arrays under the router's monitor.
 *
 * @param <V> the routed view type ({@link ViewHandle} in the store; the engine itself in benchmarks)
 */
public final class ViewRouter<V> {

    private final Function<V, ViewDefinition> definitionOf;
    private final V[] none;
    private volatile Map<String, V[]> byType = Map.of();
    private volatile V[] anyType;
    private volatile V[] all;

    /**
     * @param type the routed class, for the arrays
     * @param definitionOf a routed view's definition
     */
    @SuppressWarnings("unchecked")
    public ViewRouter(Class<V> type, Function<V, ViewDefinition> definitionOf) {
        this.definitionOf = definitionOf;
        this.none = (V[]) Array.newInstance(type, 0);
        this.anyType = none;
        this.all = none;
    }

    /**
     * @param eventType an event's type
     * @return the views that name that type in their source filter
     */
    public V[] typed(String eventType) {
        return byType.getOrDefault(eventType, none);
    }

    /** @return the views that read every event type */
    public V[] untyped() {
        return anyType;
    }

    /** @return every routed view, for tombstones (which retract from any view) */
    public V[] all() {
        return all;
    }

    /** @param view a view to route to */
    public synchronized void add(V view) {
        rebuild(view, null);
    }

    /** @param view a routed view to forget */
    public synchronized void remove(V view) {
        rebuild(null, view);
    }

    private void rebuild(V added, V removed) {
        List<V> views = new ArrayList<>(Arrays.asList(all));
        if (removed != null) {
            views.remove(removed);
        }
        if (added != null) {
            views.add(added);
        }
        Map<String, List<V>> typed = new HashMap<>();
        List<V> untyped = new ArrayList<>();
        for (V v : views) {
            ViewDefinition d = definitionOf.apply(v);
            if (d.eventTypes().isEmpty()) {
                untyped.add(v);
            } else {
                for (String t : d.eventTypes()) {
                    typed.computeIfAbsent(t, k -> new ArrayList<>()).add(v);
                }
            }
        }
        Map<String, V[]> frozen = new HashMap<>();
        typed.forEach((k, list) -> frozen.put(k, list.toArray(none)));
        byType = frozen;
        anyType = untyped.toArray(none);
        all = views.toArray(none);
    }
}
