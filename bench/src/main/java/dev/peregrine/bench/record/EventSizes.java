package dev.peregrine.bench.record;

import com.google.flatbuffers.FlexBuffersBuilder;
import dev.peregrine.record.FieldDictionary;
import dev.peregrine.record.Record;
import dev.peregrine.record.RecordBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Goal: a 4-field event (i64, i64, bool, 7-character string) takes at most 64 bytes in total. Sizes are exact,
 * not timed, so this is a plain program: prints the encoded size in each format of the same event.
 * Run: {@code java -cp bench/target/benchmarks.jar dev.peregrine.bench.record.EventSizes}.
 */
public final class EventSizes {

    private EventSizes() {
    }

    /** Prints one line per format. */
    public static void main(String[] args) throws Exception {
        Record record = RecordBuilder.create(FieldDictionary.create())
                .put("ts", 1_700_000_000_000L).put("seq", 42L).put("ok", true).put("kind", "login!!").build();
        FlexBuffersBuilder flex = new FlexBuffersBuilder(256);
        int start = flex.startMap();
        flex.putInt("ts", 1_700_000_000_000L);
        flex.putInt("seq", 42L);
        flex.putBoolean("ok", true);
        flex.putString("kind", "login!!");
        flex.endMap(null, start);
        ByteBuffer flexBytes = flex.finish();
        System.out.printf("peregrine record  %3d bytes (field names live once in the dictionary)%n", record.sizeInBytes());
        System.out.printf("flexbuffers map   %3d bytes (keys inline)%n", flexBytes.remaining());
        System.out.printf("JSON (UTF-8)      %3d bytes%n", record.toJson().getBytes(StandardCharsets.UTF_8).length);
    }
}
