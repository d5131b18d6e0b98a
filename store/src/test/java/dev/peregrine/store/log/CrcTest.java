package dev.peregrine.store.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Both entry-checksum paths cover exactly the bytes EntryDescriptor says: all but the CRC field. */
class CrcTest {

    private static final long SEED = 0xC4C_0007L;

    @Test
    void bothPathsCoverEverythingButTheCrcField() {
        Random rnd = new Random(SEED);
        byte[] bytes = new byte[4096];
        rnd.nextBytes(bytes);
        MemorySegment segment = MemorySegment.ofArray(bytes);
        Crc.EntryChecker checker = new Crc.EntryChecker(segment);
        for (int i = 0; i < 500; i++) {
            int length = EntryDescriptor.align(EntryDescriptor.HEADER_LENGTH + rnd.nextInt(1024));
            int offset = EntryDescriptor.align(rnd.nextInt(bytes.length - length - 8));
            int expected = reference(bytes, offset, length);
            assertThat(Crc.ofEntry(segment, offset, length)).as("seed %d, entry %d+%d", SEED, offset, length)
                    .isEqualTo(expected);
            assertThat(checker.ofEntry(offset, length)).as("seed %d, entry %d+%d", SEED, offset, length)
                    .isEqualTo(expected);

            int at = offset + rnd.nextInt(length);
            bytes[at] ^= (byte) (1 << rnd.nextInt(8));
            boolean inCrcField = at - offset >= EntryDescriptor.CRC_OFFSET
                    && at - offset < EntryDescriptor.CRC_OFFSET + EntryDescriptor.CRC_LENGTH;
            assertThat(checker.ofEntry(offset, length) == expected)
                    .as("seed %d, flip at entry byte %d", SEED, at - offset).isEqualTo(inCrcField);
            assertThat(Crc.ofEntry(segment, offset, length)).isEqualTo(checker.ofEntry(offset, length));
        }
    }

    /** Bytes [0, 4) and [8, length) of the entry, written out by hand. */
    private static int reference(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, 4);
        crc.update(bytes, offset + 8, length - 8);
        return (int) crc.getValue();
    }
}
