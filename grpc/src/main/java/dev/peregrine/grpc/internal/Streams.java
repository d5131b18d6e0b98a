package dev.peregrine.grpc.internal;

import com.google.protobuf.ByteString;
import dev.peregrine.store.ExpectedVersion;
import dev.peregrine.store.InvalidEventException;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import java.nio.charset.StandardCharsets;

/**
 * KurrentDB's stream numbers in Peregrine's terms: a stream revision is the event's version − 1
 * (KurrentDB counts from 0, Peregrine from 1), so a stream at version {@code v} has current revision
 * {@code v − 1}, and version 0 is "no stream".
 */
final class Streams {
    /** KurrentDB's raw expected-version numbers, as the wrong-expected-version trailers carry them. */
    static final long RAW_ANY = -2;
    static final long RAW_NO_STREAM = -1;
    static final long RAW_STREAM_EXISTS = -4;

    private Streams() {
    }

    static Shared.StreamIdentifier identifier(String stream) {
        return Shared.StreamIdentifier.newBuilder().setStreamName(ByteString.copyFromUtf8(stream)).build();
    }

    static String name(Shared.StreamIdentifier identifier) {
        return identifier.getStreamName().toString(StandardCharsets.UTF_8);
    }

    /**
     * The expected version an append's, delete's or tombstone's options ask for (their
     * {@code expected_stream_revision} oneof, the same in the three messages); none set is {@code any}.
     */
    static ExpectedVersion expected(boolean hasRevision, long revision, boolean noStream, boolean exists) {
        if (hasRevision) {
            return exactRevision(revision);
        }
        return noStream ? ExpectedVersion.noStream() : exists ? ExpectedVersion.exists() : ExpectedVersion.any();
    }

    /** The expectation for an exact revision: the stream's version must be {@code revision + 1}. */
    static ExpectedVersion exactRevision(long revision) {
        if (revision < 0 || revision == Long.MAX_VALUE) {
            throw new InvalidEventException("revision", "must be within 0.." + (Long.MAX_VALUE - 1)
                    + ", got " + Long.toUnsignedString(revision));
        }
        return ExpectedVersion.exact(revision + 1);
    }

    /** An expected version in KurrentDB's raw numbering (see {@link #RAW_ANY} and the others). */
    static long raw(ExpectedVersion expected) {
        return switch (expected.kind()) {
            case ANY -> RAW_ANY;
            case NO_STREAM -> RAW_NO_STREAM;
            case EXISTS -> RAW_STREAM_EXISTS;
            case EXACT -> expected.version() - 1;
        };
    }

    /** A current stream version in KurrentDB's raw numbering: its revision, or −1 for no stream. */
    static long rawCurrent(long version) {
        return version == 0 ? RAW_NO_STREAM : version - 1;
    }

    /** The body KurrentDB answers an append that expected another revision with. */
    static AppendResp wrongExpectedVersion(ExpectedVersion expected, long actualVersion) {
        AppendResp.WrongExpectedVersion.Builder wrong = AppendResp.WrongExpectedVersion.newBuilder();
        Shared.Empty empty = Shared.Empty.getDefaultInstance();
        if (actualVersion == 0) {
            wrong.setCurrentNoStream(empty).setNoStream2060(empty);
        } else {
            wrong.setCurrentRevision(actualVersion - 1).setCurrentRevision2060(actualVersion - 1);
        }
        switch (expected.kind()) {
            case ANY -> wrong.setExpectedAny(empty).setAny2060(empty);
            case NO_STREAM -> wrong.setExpectedNoStream(empty);
            case EXISTS -> wrong.setExpectedStreamExists(empty).setStreamExists2060(empty);
            case EXACT -> wrong.setExpectedRevision(expected.version() - 1).setExpectedRevision2060(expected.version() - 1);
        }
        return AppendResp.newBuilder().setWrongExpectedVersion(wrong).build();
    }
}
