package dev.peregrine.store.view.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes an event to the views that can match it: views are indexed by the event types their source
 * filter names, plus a list of views that read every type. An event costs one hash lookup and then
 * only the views that read its type, so 1,000 views cost little when an event concerns a few.
 * Copy-on-write arrays: {@link #views(String)} is read by the feeder without locking while
 * registration (rare) replaces the arrays under the router's monitor.
 */
final class ViewRouter {

    private static final ViewHandle[] NONE = new ViewHandle[0];

    private volatile Map<String, ViewHandle[]> byType = Map.of();
    private volatile ViewHandle[] anyType = NONE;
    private volatile ViewHandle[] all = NONE;

    /**
     * @param eventType an event's type
     * @return the views that read that type (typed views first, then the untyped ones)
     */
    ViewHandle[] typed(String eventType) {
        return byType.getOrDefault(eventType, NONE);
    }

    /** @return the views that read every event type */
    ViewHandle[] untyped() {
        return anyType;
    }

    /** @return every routed view, for tombstones (which retract from any view) */
    ViewHandle[] all() {
        return all;
    }

    synchronized void add(ViewHandle view) {
        rebuild(view, null);
    }

    synchronized void remove(ViewHandle view) {
        rebuild(null, view);
    }

    private void rebuild(ViewHandle added, ViewHandle removed) {
        List<ViewHandle> views = new ArrayList<>(Arrays.asList(all));
        if (removed != null) {
            views.remove(removed);
        }
        if (added != null) {
            views.add(added);
        }
        Map<String, List<ViewHandle>> typed = new HashMap<>();
        List<ViewHandle> untyped = new ArrayList<>();
        for (ViewHandle v : views) {
            if (v.definition().eventTypes().isEmpty()) {
                untyped.add(v);
            } else {
                for (String t : v.definition().eventTypes()) {
                    typed.computeIfAbsent(t, k -> new ArrayList<>()).add(v);
                }
            }
        }
        Map<String, ViewHandle[]> frozen = new HashMap<>();
        typed.forEach((k, list) -> frozen.put(k, list.toArray(NONE)));
        byType = frozen;
        anyType = untyped.toArray(NONE);
        all = views.toArray(NONE);
    }
}
