package dev.peregrine.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.store.testing.SmallFileSystem;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mapped index memory: blocks of every size class (cut from growing chunks, or mapped on their
 * own) are zeroed, aligned, off the heap and do not overlap; nothing is left in the directory, not
 * even what a crash left; and on a full file system blocks come from the heap instead.
 */
class MappedIndexMemoryTest {

    @TempDir
    Path dir;

    @Test
    void blocksAreZeroedAlignedOffTheHeapAndDisjoint() throws Exception {
        MappedIndexMemory memory = new MappedIndexMemory(dir);
        Random random = new Random(7);
        List<MemorySegment> blocks = new ArrayList<>();
        long asked = 0;
        // Past the first chunks' doubling, with blocks from 8 bytes to larger than a chunk.
        while (asked < 3 * MappedIndexMemory.MAX_CHUNK_BYTES) {
            long bytes = random.nextInt(50) == 0 ? MappedIndexMemory.MAX_CHUNK_BYTES / 2 + random.nextInt(1 << 20)
                    : 1 + random.nextInt(random.nextBoolean() ? 64 : 1 << 16);
            MemorySegment block = memory.allocate(bytes);
            assertThat(block.byteSize()).isGreaterThanOrEqualTo(bytes).isLessThan(bytes + Long.BYTES);
            assertThat(block.isNative()).isTrue();
            assertThat(block.address() % Long.BYTES).isZero();
            for (long i = 0; i < block.byteSize() / Long.BYTES; i += 511) {
                assertThat(block.getAtIndex(ValueLayout.JAVA_LONG, i)).isZero();
            }
            block.fill((byte) blocks.size()); // any overlap with an earlier block shows below
            blocks.add(block);
            asked += bytes;
        }
        for (int b = 0; b < blocks.size(); b++) {
            MemorySegment block = blocks.get(b);
            assertThat(block.get(ValueLayout.JAVA_BYTE, 0)).as("first byte of block %d", b).isEqualTo((byte) b);
            assertThat(block.get(ValueLayout.JAVA_BYTE, block.byteSize() - 1)).as("last byte of block %d", b)
                    .isEqualTo((byte) b);
        }
        assertThat(memory.mappedBytes()).isGreaterThanOrEqualTo(asked);
        assertThat(memory.heapFallbackBytes()).isZero();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("the scratch files are deleted once mapped").isEmpty();
        }
    }

    @Test
    void scratchFilesACrashLeftAreDeletedAndOtherFilesKept() throws Exception {
        Path left = Files.writeString(dir.resolve("index-123.scratch"), "left by a crash");
        Path other = Files.writeString(dir.resolve("index.ckpt"), "not scratch");
        new MappedIndexMemory(dir);
        assertThat(left).doesNotExist();
        assertThat(other).exists();
    }

    @Test
    void aFullFileSystemGivesHeapBlocksThatWorkTheSame() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(SmallFileSystem.Kind.TMPFS, 4, dir)) {
            MappedIndexMemory memory = new MappedIndexMemory(fs.root());
            fs.fill(64 * 1024);
            LongPagedList list = new LongPagedList(memory);
            for (int i = 0; i < 3 * LongPagedList.PAGE_SIZE; i++) {
                list.add(i * 5L);
            }
            for (int i = 0; i < list.size(); i++) {
                assertThat(list.get(i)).isEqualTo(i * 5L);
            }
            assertThat(memory.heapFallbackBytes()).isGreaterThanOrEqualTo(3L * LongPagedList.PAGE_SIZE * Long.BYTES);
            fs.freeBallast();
            MemorySegment mapped = memory.allocate(LongPagedList.PAGE_SIZE * Long.BYTES);
            assertThat(mapped.isNative()).as("mapped again once there is room").isTrue();
        }
    }
}
