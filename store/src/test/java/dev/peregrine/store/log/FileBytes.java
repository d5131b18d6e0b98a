package dev.peregrine.store.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Reads and damages bytes of a file by hand, for the log's unit tests. */
final class FileBytes {

    private FileBytes() {
    }

    static byte[] read(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[length];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }

    static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(bytes);
        }
    }

    /** Flips one bit of the byte at {@code offset}. */
    static void flip(Path file, long offset) throws IOException {
        byte[] b = read(file, offset, 1);
        b[0] ^= 0x10;
        write(file, offset, b);
    }
}
