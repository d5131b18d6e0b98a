package dev.peregrine.flight.internal.slf4j;

import java.util.Deque;
import java.util.Map;
import org.slf4j.helpers.ThreadLocalMapOfStacks;
import org.slf4j.spi.MDCAdapter;

/**
 * SLF4J MDC for the flight recorder: per-thread key-value pairs that every event logged on the thread
 * carries as fields. Not inherited by child threads (as in Logback since 1.3). Thread-safe: each thread
 * sees only its own context.
 */
public final class FlightMdcAdapter implements MDCAdapter {
    private final ThreadLocal<MdcContext> contexts = ThreadLocal.withInitial(MdcContext::new);
    private final ThreadLocalMapOfStacks stacks = new ThreadLocalMapOfStacks();

    MdcContext context() {
        return contexts.get();
    }

    @Override
    public void put(String key, String val) {
        if (key == null) {
            throw new IllegalArgumentException("MDC key cannot be null");
        }
        contexts.get().put(key, val);
    }

    @Override
    public String get(String key) {
        return contexts.get().get(key);
    }

    @Override
    public void remove(String key) {
        contexts.get().remove(key);
    }

    @Override
    public void clear() {
        contexts.get().clear();
    }

    @Override
    public Map<String, String> getCopyOfContextMap() {
        return contexts.get().copy();
    }

    @Override
    public void setContextMap(Map<String, String> contextMap) {
        MdcContext context = contexts.get();
        context.clear();
        contextMap.forEach(context::put);
    }

    @Override
    public void pushByKey(String key, String value) {
        stacks.pushByKey(key, value);
    }

    @Override
    public String popByKey(String key) {
        return stacks.popByKey(key);
    }

    @Override
    public Deque<String> getCopyOfDequeByKey(String key) {
        return stacks.getCopyOfDequeByKey(key);
    }

    @Override
    public void clearDequeByKey(String key) {
        stacks.clearDequeByKey(key);
    }
}
