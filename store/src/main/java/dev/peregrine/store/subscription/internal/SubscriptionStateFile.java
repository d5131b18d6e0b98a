package dev.peregrine.store.subscription.internal;

import static dev.peregrine.store.subscription.internal.SubscriptionStateLayout.*;

import dev.peregrine.store.CorruptFileException;
import dev.peregrine.store.InvalidEventException;
import dev.peregrine.store.UnsupportedFormatException;
import dev.peregrine.store.framing.AtomicFile;
import dev.peregrine.store.framing.FileBody;
import dev.peregrine.store.framing.FileFormat;
import dev.peregrine.store.subscription.ConsumerStrategy;
import dev.peregrine.store.subscription.GroupOptions;
import dev.peregrine.store.subscription.ParkedEvent;
import dev.peregrine.store.subscription.StartPosition;
import dev.peregrine.store.subscription.SubscriptionFilter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/** Reads and writes subscription checkpoint files ({@link SubscriptionStateLayout}). Stateless. */
final class SubscriptionStateFile {

    /**
     * Version 4 adds the prefixes and regular expressions of a group's filter; version 3 (a group's
     * options without them), version 2 (this framing without options) and version 1 (the previous
     * release's layout) are read and replaced at the next write.
     */
    static final FileFormat FORMAT = new FileFormat("subscription-state", FileFormat.LEGACY_VERSION,
            MATCH_VERSION, LEGACY_MAGIC);

    /**
     * A subscription's persisted state.
     *
     * @param options a group's options; empty for a durable subscription and for a group file written
     *     before version 3
     */
    record State(short kind, long position, List<ParkedEvent> parked, Optional<GroupOptions> options) {}

    private SubscriptionStateFile() {}

    /**
     * Replaces the file atomically.
     *
     * @param options a group's options (required for {@link SubscriptionStateLayout#KIND_GROUP}),
     *     or {@code null} for a durable subscription
     */
    static void write(Path file, short kind, long position, List<ParkedEvent> parked, GroupOptions options) {
        if ((kind == KIND_GROUP) != (options != null)) {
            throw new IllegalArgumentException("a group's state carries its options, a durable subscription's none");
        }
        AtomicFile.write(file, FORMAT, out -> {
            out.putShort(kind);
            out.putLong(position);
            out.putInt(parked.size());
            for (ParkedEvent p : parked) {
                out.putLong(p.position());
                out.putInt(p.attempts());
                out.putString(orEmpty(p.entityId()));
                out.putString(orEmpty(p.eventType()));
                out.putString(orEmpty(p.reason()));
            }
            if (options != null) {
                writeOptions(out, options);
            }
        });
    }

    private static void writeOptions(AtomicFile.Output out, GroupOptions o) throws IOException {
        out.putLong(switch (o.start()) {
            case StartPosition.At at -> at.position();
            case StartPosition.Now now -> START_NOW;
        });
        out.putInt(o.maxAttempts());
        out.putLong(o.ackTimeout().toNanos());
        out.putInt(o.maxInFlight());
        out.putByte(switch (o.strategy()) {
            case ROUND_ROBIN -> STRATEGY_ROUND_ROBIN;
            case DISPATCH_TO_SINGLE -> STRATEGY_DISPATCH_TO_SINGLE;
            case PINNED -> STRATEGY_PINNED;
        });
        out.putInt(o.maxMembers());
        SubscriptionFilter f = o.filter();
        putOptional(out, f.entityId());
        putOptional(out, f.tenantId());
        putStrings(out, f.eventTypes());
        putStrings(out, f.eventTypePrefixes());
        putOptional(out, f.eventTypePattern());
        putStrings(out, f.entityIdPrefixes());
        putOptional(out, f.entityIdPattern());
    }

    private static void putStrings(AtomicFile.Output out, java.util.Set<String> strings) throws IOException {
        out.putInt(strings.size());
        for (String s : strings) {
            out.putString(s);
        }
    }

    private static void putOptional(AtomicFile.Output out, Optional<String> s) throws IOException {
        out.putByte((byte) (s.isPresent() ? 1 : 0));
        if (s.isPresent()) {
            out.putString(s.get());
        }
    }

    /**
     * @param file a state file
     * @return its state, or empty if there is no file
     * @throws CorruptFileException naming the file and offset when damaged
     * @throws UnsupportedFormatException when of a format version this build does not read
     */
    static Optional<State> read(Path file) {
        return AtomicFile.read(file, FORMAT).map(body -> {
            if (body.version() == FileFormat.LEGACY_VERSION) {
                return parse(legacyBody(body));
            }
            return parse(body);
        });
    }

    private static State parse(FileBody in) {
        short kind = in.getShort();
        long position = in.getLong();
        int count = in.getCount(PARKED_MIN_LENGTH);
        List<ParkedEvent> parked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long p = in.getLong();
            int attempts = in.getInt();
            parked.add(new ParkedEvent(p, in.getString(), in.getString(), attempts, in.getString()));
        }
        Optional<GroupOptions> options = kind == KIND_GROUP && in.version() >= OPTIONS_VERSION
                ? Optional.of(readOptions(in)) : Optional.empty();
        in.expectEnd();
        return new State(kind, position, parked, options);
    }

    private static GroupOptions readOptions(FileBody in) {
        long start = in.getLong();
        if (start < 0) {
            throw in.corrupt("a start position of 0 or more", Long.toString(start));
        }
        int maxAttempts = positive(in, "max attempts", in.getInt());
        long timeoutNanos = in.getLong();
        if (timeoutNanos <= 0) {
            throw in.corrupt("a positive ack timeout", Long.toString(timeoutNanos));
        }
        int maxInFlight = positive(in, "max in flight", in.getInt());
        byte code = in.getByte();
        ConsumerStrategy strategy = switch (code) {
            case STRATEGY_ROUND_ROBIN -> ConsumerStrategy.ROUND_ROBIN;
            case STRATEGY_DISPATCH_TO_SINGLE -> ConsumerStrategy.DISPATCH_TO_SINGLE;
            case STRATEGY_PINNED -> ConsumerStrategy.PINNED;
            default -> throw in.corrupt("a strategy code 0-2", Byte.toString(code));
        };
        int maxMembers = in.getInt();
        if (maxMembers < 0) {
            throw in.corrupt("a member limit of 0 or more", Integer.toString(maxMembers));
        }
        SubscriptionFilter.Builder filter = SubscriptionFilter.builder();
        getOptional(in).ifPresent(filter::entityId);
        getOptional(in).ifPresent(filter::tenantId);
        filter.eventTypes(getStrings(in));
        if (in.version() >= MATCH_VERSION) {
            filter.eventTypePrefixes(getStrings(in));
            getOptional(in).ifPresent(filter::eventTypePattern);
            filter.entityIdPrefixes(getStrings(in));
            getOptional(in).ifPresent(filter::entityIdPattern);
        }
        SubscriptionFilter built;
        try {
            built = filter.build();
        } catch (InvalidEventException e) {
            throw in.corrupt("a filter the store accepts", e.getMessage());
        }
        return new GroupOptions(built, start == START_NOW ? StartPosition.now() : StartPosition.at(start),
                maxAttempts, Duration.ofNanos(timeoutNanos), maxInFlight, strategy, maxMembers);
    }

    private static String[] getStrings(FileBody in) {
        String[] strings = new String[in.getCount(Integer.BYTES)];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = in.getString();
        }
        return strings;
    }

    private static int positive(FileBody in, String what, int value) {
        if (value < 1) {
            throw in.corrupt("a positive " + what, Integer.toString(value));
        }
        return value;
    }

    private static Optional<String> getOptional(FileBody in) {
        byte flag = in.getByte();
        return switch (flag) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(in.getString());
            default -> throw in.corrupt("a presence flag 0 or 1", Byte.toString(flag));
        };
    }

    /**
     * Checks a version-1 file (its magic matched): its CRC-32C footer over every byte before it, then
     * its u16 version.
     *
     * @param whole the whole file
     * @return its body, between the version and the footer
     */
    private static FileBody legacyBody(FileBody whole) {
        byte[] bytes = whole.rest();
        Path file = whole.file();
        int minimum = LEGACY_BODY_OFFSET + PARKED_OFFSET + LEGACY_FOOTER_LENGTH;
        if (bytes.length < minimum) {
            throw new CorruptFileException(file, bytes.length, "at least " + minimum + " bytes", bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int footer = bytes.length - LEGACY_FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, footer);
        int stored = in.getInt(footer);
        if (stored != (int) crc.getValue()) {
            throw new CorruptFileException(file, footer, "CRC-32C " + FileBody.hex((int) crc.getValue()),
                    FileBody.hex(stored));
        }
        int version = Short.toUnsignedInt(in.getShort(LEGACY_VERSION_OFFSET));
        if (version != FileFormat.LEGACY_VERSION) {
            throw new UnsupportedFormatException(file, version, FORMAT.oldestVersion(), FORMAT.currentVersion());
        }
        return FileBody.of(file, FileFormat.LEGACY_VERSION, Arrays.copyOfRange(bytes, LEGACY_BODY_OFFSET, footer),
                LEGACY_BODY_OFFSET);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
