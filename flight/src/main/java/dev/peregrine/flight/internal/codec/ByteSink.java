package dev.peregrine.flight.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte buffer with little-endian and varint writers. The writers do not check capacity:
 * callers reserve room with {@link #ensure} once per record, which keeps the per-byte path short.
 * Single-threaded.
 */
final class ByteSink {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    byte[] bytes;
    int size;

    ByteSink(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    void put(byte b) {
        bytes[size++] = b;
    }

    void put(byte[] src, int offset, int length) {
        System.arraycopy(src, offset, bytes, size, length);
        size += length;
    }

    void putShort(int v) {
        SHORT_LE.set(bytes, size, (short) v);
        size += 2;
    }

    void putInt(int v) {
        INT_LE.set(bytes, size, v);
        size += 4;
    }

    void putLong(long v) {
        LONG_LE.set(bytes, size, v);
        size += 8;
    }

    void putVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
    }

    void putZigzag(long v) {
        putVarint((v << 1) ^ (v >> 63));
    }

    void setInt(int at, int v) {
        INT_LE.set(bytes, at, v);
    }

    void setLong(int at, long v) {
        LONG_LE.set(bytes, at, v);
    }

    void setShort(int at, int v) {
        SHORT_LE.set(bytes, at, (short) v);
    }
}
