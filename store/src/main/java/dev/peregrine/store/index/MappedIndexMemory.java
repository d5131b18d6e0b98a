package dev.peregrine.store.index;

import dev.peregrine.store.log.SpaceAllocator;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index memory in shared mappings of scratch files in the store's directory, so that the indexes
 * take page cache, which the kernel writes back and reclaims under pressure, instead of heap, which
 * would grow with every event stored (about 40 bytes an event) until {@code -Xmx} ran out.
 *
 * <p><b>The files.</b> Each chunk is a new file, its blocks allocated for real
 * ({@link SpaceAllocator}: a write through the mapping can then never fault for lack of space),
 * mapped read-write, and deleted at once: the mapping keeps the blocks, and nothing is left in the
 * directory, not even after a crash (a crash between the creation and the deletion leaves a file
 * named {@code index-*.scratch}, which the next open deletes). The indexes are rebuilt from the
 * index checkpoint and the log at every open, so nothing in these files is ever read back.
 *
 * <p><b>Chunks.</b> Small blocks are cut from the current chunk in order; chunks start at
 * {@value #FIRST_CHUNK_BYTES} bytes (a store with few events takes little disk) and double up to
 * {@value #MAX_CHUNK_BYTES}. A block of a quarter of that or more gets a mapping of its own, which is
 * unmapped and returns its space once nothing refers to it (the id table, replaced when it doubles).
 * A small block a list outgrew stays in its chunk until the store closes: that waste is at most the
 * size of the blocks that replaced it.
 *
 * <p><b>Resident pages.</b> {@link #releaseResident()} drops the chunks' pages from the process's
 * resident set: a page written through a shared mapping is in the page cache of its file, so
 * dropping it from the page tables loses nothing, and the next access maps it again. For that the
 * memory keeps a reference to each chunk (so a chunk stays mapped until the store closes, as its
 * outgrown blocks do). The own mappings are left resident: the large one is the event-id table,
 * which every append writes at a random slot, so releasing it would only fault it back whole
 * within seconds, a page fault per 4 KiB on the sequencer (in a soak at 6,900 appends/s the
 * sequencer's time in the id table already grows with the table, from those faults and from the
 * kernel's write-back, which write-protects the pages it cleans).
 *
 * <p><b>When the disk is full</b> a chunk cannot be allocated, and the block comes from the heap
 * instead (logged once): the index works the same, only on the heap.
 *
 * <p>Thread safety: {@link #allocate} is synchronized (the sequencer, the loader and a scavenge's
 * install call it, rarely: once per page of 8,192 positions); {@link #releaseResident()} may run on
 * any thread.
 */
public final class MappedIndexMemory implements IndexMemory {

    private static final Logger LOG = LoggerFactory.getLogger(MappedIndexMemory.class);
    static final long FIRST_CHUNK_BYTES = 1L << 20;
    static final long MAX_CHUNK_BYTES = 64L << 20;
    private static final long OWN_MAPPING_BYTES = MAX_CHUNK_BYTES / 4;
    private static final String PREFIX = "index-";
    private static final String SUFFIX = ".scratch";

    private final Path directory;
    /** Every chunk mapped, oldest first: blocks are cut from the last. */
    private final List<MemorySegment> chunks = new ArrayList<>();
    private long chunkUsed;
    private long nextChunkBytes = FIRST_CHUNK_BYTES;
    private long mappedBytes;
    private long heapBytes;
    private boolean warned;

    /**
     * @param directory the store's directory (the files take space on its file system); scratch
     *        files a crash left there are deleted
     */
    public MappedIndexMemory(Path directory) {
        this.directory = directory;
        deleteLeftovers(directory);
    }

    private static void deleteLeftovers(Path directory) {
        try (DirectoryStream<Path> left = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path file : left) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the index scratch files left in {}: {}", directory, e.toString());
        }
    }

    @Override
    public synchronized MemorySegment allocate(long bytes) {
        long size = (bytes + Long.BYTES - 1) & -Long.BYTES;
        if (size >= OWN_MAPPING_BYTES) {
            MemorySegment own = map(size);
            return own != null ? own : heap(size);
        }
        if (chunks.isEmpty() || chunkUsed + size > chunks.getLast().byteSize()) {
            MemorySegment next = map(Math.max(nextChunkBytes, size));
            if (next == null) {
                return heap(size);
            }
            nextChunkBytes = Math.min(MAX_CHUNK_BYTES, nextChunkBytes * 2);
            chunks.add(next);
            chunkUsed = 0;
        }
        MemorySegment block = chunks.getLast().asSlice(chunkUsed, size);
        chunkUsed += size;
        return block;
    }

    /** @return a new zeroed mapping of {@code size} bytes, or null if the file system cannot give it */
    private MemorySegment map(long size) {
        Path file = null;
        try {
            file = Files.createTempFile(directory, PREFIX, SUFFIX);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                SpaceAllocator.allocate(file, channel, 0, size);
                // An automatic arena: a replaced page or table may still be read by a reader that loaded
                // it, so it is unmapped by the garbage collector once nothing refers to it.
                MemorySegment mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, Arena.ofAuto());
                mappedBytes += size;
                return mapping;
            }
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot map {} bytes of index memory in {} ({}); this and later index blocks that cannot"
                        + " be mapped are kept on the heap", size, directory, e.toString());
            }
            return null;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("cannot delete index scratch file {} (deleted at the next open): {}", file, e.toString());
                }
            }
        }
    }

    @Override
    public void releaseResident() {
        List<MemorySegment> mapped;
        synchronized (this) { // the unloads themselves run outside: allocate() need not wait for them
            mapped = List.copyOf(chunks);
        }
        for (MemorySegment segment : mapped) {
            segment.unload();
        }
    }

    private MemorySegment heap(long size) {
        heapBytes += size;
        return IndexMemory.onHeap(size);
    }

    /** @return bytes mapped so far (for measurement; replaced blocks included until unmapped) */
    public synchronized long mappedBytes() {
        return mappedBytes;
    }

    /** @return bytes that had to come from the heap because no mapping could be made */
    public synchronized long heapFallbackBytes() {
        return heapBytes;
    }

    @Override
    public String toString() {
        return "mapped scratch files in " + directory;
    }
}
