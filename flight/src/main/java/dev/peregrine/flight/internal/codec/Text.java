package dev.peregrine.flight.internal.codec;

import dev.peregrine.flight.FlightEvent;
import dev.peregrine.flight.FlightField;
import dev.peregrine.flight.FlightValue;
import java.util.List;

/** Renders events as messages and JSON lines. Stateless and thread-safe. */
public final class Text {
    private Text() {
    }

    /**
     * Replaces each {@code {}} of the template with the next argument's text, as SLF4J does: {@code \{}}
     * stands for a literal {@code {}} and {@code \\{}} for a backslash followed by a placeholder. Missing
     * arguments leave the placeholder; a throwable argument not used by a placeholder is appended.
     */
    public static String render(String template, List<FlightValue> args) {
        StringBuilder out = new StringBuilder(template.length() + 16 * args.size());
        int next = 0;
        int n = template.length();
        for (int i = 0; i < n; i++) {
            char c = template.charAt(i);
            if (c == '\\' && i + 2 < n && template.charAt(i + 1) == '{' && template.charAt(i + 2) == '}') {
                if (i > 0 && template.charAt(i - 1) == '\\') {
                    // "\\{}": the first backslash escapes the second, which is kept, and the placeholder applies.
                    continue;
                }
                out.append("{}");
                i += 2;
            } else if (c == '{' && i + 1 < n && template.charAt(i + 1) == '}' && next < args.size()) {
                out.append(args.get(next++).text());
                i++;
            } else {
                out.append(c);
            }
        }
        for (; next < args.size(); next++) {
            if (args.get(next) instanceof FlightValue.ThrowableValue t) {
                out.append(' ').append(t.text());
            }
        }
        return out.toString();
    }

    /** Full JSON of an event, one line. */
    public static String eventJson(FlightEvent e) {
        StringBuilder s = new StringBuilder(256).append('{');
        openingFields(s, e);
        s.append(",\"thread_id\":").append(e.threadId());
        s.append(",\"target\":");
        string(s, e.target());
        body(s, e);
        return s.append('}').toString();
    }

    /** The fields both JSON forms open with: when, in which order, at what level, on which thread. */
    private static void openingFields(StringBuilder s, FlightEvent e) {
        s.append("\"timestamp\":");
        string(s, e.timestamp().toString());
        s.append(",\"timestamp_nanos\":").append(e.timestampNanos());
        s.append(",\"sequence\":").append(e.sequence());
        s.append(",\"level\":");
        string(s, e.level().name());
        s.append(",\"thread\":");
        string(s, e.threadName());
    }

    /** JSON in Peregrine's ingest shape, one line. */
    public static String ingestJson(FlightEvent e) {
        StringBuilder s = new StringBuilder(256);
        s.append("{\"event_type\":");
        string(s, "log." + e.level().lowerName());
        s.append(",\"entity_id\":");
        string(s, e.target());
        s.append(",\"payload\":{");
        openingFields(s, e);
        body(s, e);
        return s.append("}}").toString();
    }

    private static void body(StringBuilder s, FlightEvent e) {
        s.append(",\"message\":");
        string(s, e.message());
        s.append(",\"template\":");
        string(s, e.template());
        s.append(",\"args\":[");
        for (int i = 0; i < e.args().size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            value(s, e.args().get(i));
        }
        s.append("],\"fields\":{");
        for (int i = 0; i < e.fields().size(); i++) {
            FlightField f = e.fields().get(i);
            if (i > 0) {
                s.append(',');
            }
            string(s, f.key());
            s.append(':');
            value(s, f.value());
        }
        s.append('}');
        if (e.truncated()) {
            s.append(",\"truncated\":true");
        }
    }

    private static void value(StringBuilder s, FlightValue v) {
        switch (v) {
            case FlightValue.LongValue l -> s.append(l.value());
            case FlightValue.DoubleValue d -> {
                if (Double.isFinite(d.value())) {
                    s.append(d.value());
                } else {
                    // JSON has no NaN or infinity: keep the value as a string rather than lose it.
                    string(s, Double.toString(d.value()));
                }
            }
            case FlightValue.BooleanValue b -> s.append(b.value());
            case FlightValue.StringValue str -> string(s, str.value());
            case FlightValue.ThrowableValue t -> {
                s.append("{\"exception\":");
                string(s, t.className());
                s.append(",\"message\":");
                string(s, t.message());
                s.append('}');
            }
            case FlightValue.NullValue n -> s.append("null");
        }
    }

    private static final String RESET = "\u001b[0m";

    /**
     * Appends a human-readable line (no line separator):
     * {@code 2026-11-21T23:02:59.123456789Z INFO  [main] orders - order 42 filled {venue=XNAS}}, with the
     * level in ANSI colour if {@code color}.
     */
    public static void line(StringBuilder s, FlightEvent e, boolean color) {
        s.append(e.timestamp()).append(' ');
        if (color) {
            s.append(switch (e.level()) {
                case ERROR -> "\u001b[31;1m";
                case WARN -> "\u001b[33m";
                case INFO -> "\u001b[32m";
                case DEBUG -> "\u001b[36m";
                default -> "\u001b[90m";
            });
        }
        String level = e.level().name();
        s.append(level);
        if (color) {
            s.append(RESET);
        }
        s.append(" ".repeat(6 - level.length())).append('[').append(e.threadName()).append("] ").append(e.target()).append(" - ");
        s.append(e.message());
        if (!e.fields().isEmpty()) {
            s.append(" {");
            for (int i = 0; i < e.fields().size(); i++) {
                FlightField f = e.fields().get(i);
                if (i > 0) {
                    s.append(", ");
                }
                s.append(f.key()).append('=').append(f.value().text());
            }
            s.append('}');
        }
        if (e.truncated()) {
            s.append(" [truncated]");
        }
    }

    /** Appends {@code v} as a JSON string literal. */
    public static void string(StringBuilder s, String v) {
        s.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
