package dev.peregrine.flight.internal.slf4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One thread's MDC as two parallel arrays, so the logger can copy it into an event without creating an
 * iterator or entry objects. Owned by one thread.
 */
final class MdcContext {
    String[] keys = new String[8];
    String[] values = new String[8];
    int size;

    void put(String key, String value) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                values[i] = value;
                return;
            }
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
    }

    String get(String key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return values[i];
            }
        }
        return null;
    }

    void remove(String key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                size--;
                keys[i] = keys[size];
                values[i] = values[size];
                keys[size] = null;
                values[size] = null;
                return;
            }
        }
    }

    void clear() {
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    Map<String, String> copy() {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < size; i++) {
            map.put(keys[i], values[i]);
        }
        return map;
    }
}
