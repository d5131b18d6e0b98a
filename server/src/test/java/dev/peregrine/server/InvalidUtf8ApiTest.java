package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The strict UTF-8 corpus through every string of every kind of request, over real HTTP: event
 * fields (ids, type, tenant, event id, payload and metadata keys and values at every depth, even an
 * unknown field) in single, batch and bare-array bodies and NDJSON lines; view definitions; query
 * parameters; path parameters, percent-escaped and raw. Every request must be a 400 naming the
 * string and the byte, and must leave the store exactly as it was.
 */
class InvalidUtf8ApiTest extends SharedServer {
    private static final long SEED = 0x0BAD_07F8L;
    private static final String GOOD = EventApiTest.event("utf.ok", "utf-good", "{\"a\":1}");

    /**
     * An event with {@code @} where the bad bytes go; {@code path} is what the error names (the
     * object holding it for a field name), {@code before} the bytes of the string before the damage.
     */
    record Field(String template, String path, boolean fieldName, int before) {
        String label(String prefix) {
            return fieldName ? "field name in " + prefix + path : prefix + path;
        }
    }

    static final List<Field> EVENT_FIELDS = List.of(
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad@\",\"payload\":{}}", "entity_id", false, 7),
            new Field("{\"event_type\":\"utf.@\",\"entity_id\":\"utf-bad\",\"payload\":{}}", "event_type", false, 4),
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"tenant_id\":\"t@\",\"payload\":{}}",
                    "tenant_id", false, 1),
            new Field("{\"event_id\":\"@\",\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"payload\":{}}",
                    "event_id", false, 0),
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"payload\":{\"note\":\"x@\"}}",
                    "payload.note", false, 1),
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"payload\":{\"ok\":1,\"k@\":1}}",
                    "payload", true, 1),
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"payload\":{\"user\":{\"name\":\"@\"}}}",
                    "payload.user.name", false, 0),
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"payload\":{\"tags\":[\"a\",\"\u00e9@\"]}}",
                    "payload.tags[1]", false, 2),
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"payload\":{},\"metadata\":{\"source\":\"@\"}}",
                    "metadata.source", false, 0),
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"payload\":{},\"metadata\":{\"@\":\"x\"}}",
                    "metadata", true, 0),
            new Field("{\"event_type\":\"utf.t\",\"entity_id\":\"utf-bad\",\"payload\":{},\"extra\":\"@\"}",
                    "extra", false, 0));

    static final List<Field> VIEW_FIELDS = List.of(
            new Field("{\"name\":\"v@\"}", "name", false, 1),
            new Field("{\"name\":\"v\",\"event_types\":[\"a@\"]}", "event_types[0]", false, 1),
            new Field("{\"name\":\"v\",\"where\":{\"field\":\"a\",\"op\":\"=\",\"value\":\"x@\"}}", "where.value", false, 1),
            new Field("{\"name\":\"v\",\"where\":{\"field\":\"a@\",\"op\":\"=\",\"value\":1}}", "where.field", false, 1),
            new Field("{\"name\":\"v\",\"select\":[{\"field\":\"a\",\"as\":\"c@\"}]}", "select[0].as", false, 1),
            new Field("{\"name\":\"v\",\"w@\":1}", "", true, 1));

    /** The sequences of the issue and one of every other kind, with the reason each must be given. */
    static final String[][] NAMED = {
        {"C0 AF", "overlong encoding"},
        {"C0 AE C0 AE C0 AF", "overlong encoding"},
        {"E0 80 AF", "overlong encoding"},
        {"C1 A1", "overlong encoding"},
        {"ED A0 80", "surrogate code point"},
        {"F4 90 80 80", "code point above U+10FFFF"},
        {"E2 82", "truncated sequence"},
        {"BF", "unexpected continuation byte"},
    };

    @BeforeAll
    static void seed() {
        TestServer.Response ok = server.postJson("/api/v1/events", GOOD);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(server.postJson("/api/v1/views", "{\"name\":\"kept\"}").status()).isEqualTo(200);
    }

    @Test
    void namedSequencesInEveryEventFieldOfEveryIngestForm() {
        for (Field field : EVENT_FIELDS) {
            for (String[] named : NAMED) {
                byte[] bad = HexFormat.ofDelimiter(" ").parseHex(named[0]);
                ingestEveryWay(field, bad, named[1], field.before(), field + " with " + named[0]);
            }
        }
    }

    @Test
    void generatedIllFormedSequencesInEveryEventField() {
        Random random = new Random(SEED);
        for (int i = 0; i < 120; i++) {
            byte[] bad = illFormed(random);
            Field field = EVENT_FIELDS.get(random.nextInt(EVENT_FIELDS.size()));
            int at = field.before() + jdkFirstInvalid(bad);
            ingestEveryWay(field, bad, null, at, "seed " + SEED + ", " + field + " with "
                    + HexFormat.ofDelimiter(" ").formatHex(bad));
        }
    }

    @Test
    void viewDefinitionsAreCheckedBeforeTheyAreRead() {
        for (Field field : VIEW_FIELDS) {
            for (String[] named : NAMED) {
                byte[] body = fill(field.template(), HexFormat.ofDelimiter(" ").parseHex(named[0]));
                String label = field.fieldName() ? "field name at the top level" : field.path();
                String expected = label + ": invalid UTF-8 (" + named[1] + ") at byte " + field.before();
                refused(() -> server.post("/api/v1/views", "application/json", body), expected, field + " " + named[0]);
            }
        }
    }

    @Test
    void queryParametersPercentEscapedOrRaw() {
        for (String[] named : NAMED) {
            String escaped = "%" + named[0].replace(" ", "%");
            String reason = "invalid UTF-8 (" + named[1] + ")";
            refused(() -> server.get("/api/v1/events/query?entity_id=x" + escaped),
                    "parameter 'entity_id': " + reason + " at byte 1 after percent-decoding", named[0]);
            refused(() -> server.get("/api/v1/events/query?limit=5&event_type=" + escaped + "&entity_id=ok"),
                    "parameter 'event_type': " + reason + " at byte 0 after percent-decoding", named[0]);
            refused(() -> server.get("/api/v1/events/query?unknown=" + escaped),
                    "parameter 'unknown': " + reason + " at byte 0 after percent-decoding", named[0]);
            refused(() -> server.get("/api/v1/events/query?" + escaped + "=1"),
                    "a query parameter name: " + reason + " at byte 0 after percent-decoding", named[0]);
            refused(() -> server.get("/api/v1/events/subscribe?entity_id=" + escaped),
                    "parameter 'entity_id': " + reason + " at byte 0 after percent-decoding", named[0]);
            byte[] bad = HexFormat.ofDelimiter(" ").parseHex(named[0]);
            refused(() -> rawGet(concat("/api/v1/events/query?entity_id=".getBytes(StandardCharsets.US_ASCII), bad)),
                    "parameter 'entity_id': " + reason + " at byte 0 after percent-decoding", "raw " + named[0]);
        }
    }

    @Test
    void pathParametersPercentEscapedOrRaw() {
        for (String[] named : NAMED) {
            String escaped = "%" + named[0].replace(" ", "%");
            String reason = "invalid UTF-8 (" + named[1] + ")";
            refused(() -> server.get("/api/v1/entities/utf-bad" + escaped + "/state"),
                    "path parameter 'id': " + reason + " at byte 7 after percent-decoding", named[0]);
            refused(() -> server.get("/api/v1/views/" + escaped),
                    "path parameter 'name': " + reason + " at byte 0 after percent-decoding", named[0]);
            byte[] bad = HexFormat.ofDelimiter(" ").parseHex(named[0]);
            refused(() -> rawGet(concat("/api/v1/entities/".getBytes(StandardCharsets.US_ASCII), bad,
                    "/state".getBytes(StandardCharsets.US_ASCII))),
                    "path parameter 'id': " + reason + " at byte 0 after percent-decoding", "raw " + named[0]);
        }
    }

    @Test
    void wellFormedUtf8InAUrlIsReadAsUtf8WhetherEscapedOrRaw() {
        String entity = "caf\u00e9-\u65e5\ud83d\ude00";
        TestServer.Response ok = server.postJson("/api/v1/events", EventApiTest.event("utf.ok", entity, "{\"a\":2}"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        String escaped = java.net.URLEncoder.encode(entity, StandardCharsets.UTF_8);
        TestServer.Response viaEscapes = server.get("/api/v1/entities/" + escaped + "/state");
        assertThat(viaEscapes.status()).as(viaEscapes.body()).isEqualTo(200);
        assertThat(viaEscapes.json().get("entity_id").asText()).isEqualTo(entity);
        TestServer.Response raw = rawGet(concat("/api/v1/entities/".getBytes(StandardCharsets.US_ASCII),
                entity.getBytes(StandardCharsets.UTF_8), "/state".getBytes(StandardCharsets.US_ASCII)));
        assertThat(raw.status()).as(raw.body()).isEqualTo(200);
        assertThat(raw.json().get("entity_id").asText()).isEqualTo(entity);
        TestServer.Response query = rawGet(concat("/api/v1/events/query?entity_id=".getBytes(StandardCharsets.US_ASCII),
                entity.getBytes(StandardCharsets.UTF_8)));
        assertThat(query.status()).as(query.body()).isEqualTo(200);
        assertThat(query.json().get("count").asInt()).isEqualTo(1);
        // Form encoding in a query: '+' is a space, as before.
        assertThat(server.get("/api/v1/events/query?entity_id=no+such+entity").json().get("count").asInt()).isZero();
    }

    /**
     * The one event in {@code field}, sent as a single event, in both batch forms (after a good
     * event) and as NDJSON (before one); {@code reason} null when any reason will do.
     */
    private static void ingestEveryWay(Field field, byte[] bad, String reason, int at, String context) {
        byte[] event = fill(field.template(), bad);
        byte[] good = GOOD.getBytes(StandardCharsets.UTF_8);
        String tail = " at byte " + at;
        refused(() -> server.post("/api/v1/events", "application/json", event), field.label(""), reason, tail, context);
        refused(() -> server.post("/api/v1/events/batch", "application/json",
                concat(bytes("{\"events\":["), good, bytes(","), event, bytes("]}"))),
                field.label("events[1]."), reason, tail, context);
        refused(() -> server.post("/api/v1/events/batch", "application/json",
                concat(bytes("["), good, bytes(","), event, bytes("]"))), field.label("[1]."), reason, tail, context);
        TestServer.Response ndjson = refused(() -> server.post("/api/v1/events/batch", NdjsonIngest.MEDIA_TYPE,
                concat(event, bytes("\n"), good, bytes("\n"))), "line 1: " + field.label(""), reason, tail, context);
        assertThat(ndjson.json().get("ingested").asLong()).as(context).isZero();
    }

    private static TestServer.Response refused(java.util.function.Supplier<TestServer.Response> request,
            String message, String context) {
        int colon = message.indexOf(": invalid UTF-8 (");
        int close = message.indexOf(')', colon);
        return refused(request, message.substring(0, colon), message.substring(colon + 17, close),
                message.substring(close + 1), context);
    }

    /**
     * Sends a request that must be refused: 400, the error {@code label: invalid UTF-8 (reason)tail}
     * (any reason when it is null), and no change to the store's counts or views.
     */
    private static TestServer.Response refused(java.util.function.Supplier<TestServer.Response> request,
            String label, String reason, String tail, String context) {
        JsonNode before = EventApiTestSupport.stats(server);
        int views = server.get("/api/v1/views").json().get("count").asInt();
        TestServer.Response response = request.get();
        assertThat(response.status()).as("%s → %s", context, response).isEqualTo(400);
        String error = response.json().get("error").asText();
        if (reason == null) {
            assertThat(error).as(context).startsWith(label + ": invalid UTF-8 (").endsWith(")" + tail);
        } else {
            assertThat(error).as(context).isEqualTo(label + ": invalid UTF-8 (" + reason + ")" + tail);
        }
        JsonNode after = EventApiTestSupport.stats(server);
        assertThat(after.get("total_events")).as(context).isEqualTo(before.get("total_events"));
        assertThat(after.get("last_position")).as(context).isEqualTo(before.get("last_position"));
        assertThat(server.get("/api/v1/events/query?entity_id=utf-bad").json().get("count").asInt()).as(context).isZero();
        assertThat(server.get("/api/v1/views").json().get("count").asInt()).as(context).isEqualTo(views);
        return response;
    }

    /** One to four non-ASCII bytes that the JDK's strict decoder rejects. */
    private static byte[] illFormed(Random random) {
        while (true) {
            byte[] bad = new byte[1 + random.nextInt(4)];
            for (int i = 0; i < bad.length; i++) {
                bad[i] = (byte) (0x80 + random.nextInt(0x80));
            }
            if (jdkFirstInvalid(bad) >= 0) {
                return bad;
            }
        }
    }

    /** Where the JDK's decoder, strict with REPORT, finds the first malformed input, or -1. */
    static int jdkFirstInvalid(byte[] text) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(text);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(text.length * 2 + 2), true);
        return result.isError() ? in.position() : -1;
    }

    /**
     * A GET whose request target is sent as the given bytes, unescaped, as a client that does not
     * percent-encode would send it (Java's HttpClient always encodes).
     */
    private static TestServer.Response rawGet(byte[] target) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(concat(bytes("GET "), target, bytes(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            return new TestServer.Response(status, body, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] fill(String template, byte[] bad) {
        String[] halves = template.split("@", 2);
        return concat(halves[0].getBytes(StandardCharsets.UTF_8), bad, halves[1].getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
