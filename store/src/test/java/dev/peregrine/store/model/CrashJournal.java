package dev.peregrine.store.model;

import dev.peregrine.store.AppendResult;
import dev.peregrine.store.ExpectedVersion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The lines {@link ModelCrashChild} writes to its journal file, and their parsing
 * by {@link StoreModelCrashTest}. A request is announced completely before it is submitted, so the
 * parent knows everything that can be in the log; its outcome follows once the store answered:
 *
 * <pre>
 * READY &lt;last position&gt;
 * EV {"req":3,"id":"…","client":true,"type":"…","entity":"…","tenant":"…","payload":{…},"metadata":null}
 * SENT &lt;req&gt; &lt;events&gt;                        (after all EV lines of the request; then it is appended)
 * ACK &lt;req&gt; &lt;events&gt; &lt;position&gt;,&lt;version&gt;,&lt;nanos&gt; …
 * FAIL &lt;req&gt; &lt;exception&gt;
 * TSENT &lt;req&gt; "entity"                       (then the tombstone is appended)
 * TACK &lt;req&gt; &lt;position&gt;
 * MISMATCH &lt;what&gt;                            (the child's model disagreed with the store)
 * </pre>
 * A line cut short by the kill does not parse and is ignored: its request was never submitted (for
 * EV/SENT lines) or its outcome is unknown (for ACK lines).
 */
final class CrashJournal {

    private CrashJournal() {
    }

    /** A request the child announced. */
    static final class Request {
        final String key;
        final List<StoreModel.Event> events = new ArrayList<>();
        /** The entity of a tombstone request, else null. */
        String tombstone;
        boolean sent;
        /** Acknowledged results (positions, versions, nanos), or null. */
        List<long[]> acked;
        long tombstoneAcked;
        boolean failed;

        Request(String key) {
            this.key = key;
        }
    }

    static String event(long req, StoreModel.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("req", req);
        m.put("id", e.id().toString());
        m.put("client", e.clientId());
        m.put("type", e.type());
        m.put("entity", e.entity());
        m.put("tenant", e.tenant());
        m.put("payload", e.payload());
        m.put("metadata", e.metadata());
        return "EV " + ModelJson.write(m);
    }

    static String ack(long req, List<AppendResult> results) {
        StringBuilder line = new StringBuilder("ACK ").append(req).append(' ').append(results.size());
        for (AppendResult r : results) {
            line.append(' ').append(r.position()).append(',').append(r.version()).append(',')
                    .append(r.timestamp().getEpochSecond() * 1_000_000_000L + r.timestamp().getNano());
        }
        return line.toString();
    }

    /**
     * Applies one line to the requests announced so far.
     *
     * @param line the line
     * @param round prefix that makes request numbers unique across children
     * @param requests announced requests by key, updated
     * @param mismatches collects MISMATCH lines
     */
    @SuppressWarnings("unchecked")
    static void apply(String line, int round, Map<String, Request> requests, List<String> mismatches) {
        String[] parts = line.split(" ", 3);
        try {
            switch (parts[0]) {
                case "EV" -> {
                    Map<String, Object> m = ModelJson.readObject(line.substring(3));
                    Request r = requests.computeIfAbsent(round + "/" + m.get("req"), Request::new);
                    r.events.add(new StoreModel.Event(UUID.fromString((String) m.get("id")), (Boolean) m.get("client"),
                            (String) m.get("type"), (String) m.get("entity"), (String) m.get("tenant"),
                            (Map<String, Object>) m.get("payload"), (Map<String, Object>) m.get("metadata"),
                            ExpectedVersion.any()));
                }
                case "SENT" -> {
                    Request r = requests.get(round + "/" + parts[1]);
                    if (r != null && r.events.size() == Integer.parseInt(parts[2])) {
                        r.sent = true;
                    }
                }
                case "ACK" -> {
                    String[] f = line.split(" ");
                    Request r = requests.get(round + "/" + f[1]);
                    int n = Integer.parseInt(f[2]);
                    if (r == null || f.length != 3 + n) {
                        return;
                    }
                    List<long[]> results = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        String[] v = f[3 + i].split(",");
                        if (v.length != 3) {
                            return;
                        }
                        results.add(new long[] {Long.parseLong(v[0]), Long.parseLong(v[1]), Long.parseLong(v[2])});
                    }
                    r.acked = results;
                }
                case "FAIL" -> requests.get(round + "/" + parts[1]).failed = true;
                case "TSENT" -> {
                    Request r = requests.computeIfAbsent(round + "/" + parts[1], Request::new);
                    r.tombstone = (String) ModelJson.readObject("{\"e\":" + parts[2] + "}").get("e");
                    r.sent = true;
                }
                case "TACK" -> requests.get(round + "/" + parts[1]).tombstoneAcked = Long.parseLong(parts[2]);
                case "MISMATCH" -> mismatches.add(line);
                default -> {
                    // READY and anything cut short
                }
            }
        } catch (RuntimeException cutShort) {
            // the last line of a killed child: its request or outcome is unknown, as documented
        }
    }
}
