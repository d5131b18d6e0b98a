package dev.peregrine.store.log;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Allocates a file's blocks for real, so that the mapping over them can never fault for lack of space.
 *
 * <p><b>Why.</b> A segment is mapped for reading over its whole size. If its blocks are holes of a
 * sparse file, the first touch of a page through the mapping may need the file system to find space
 * (tmpfs backs even a read fault with a new page), and when it cannot, the kernel answers with
 * {@code SIGBUS}, which the JVM turns into an {@code InternalError} or a crash. With the blocks
 * allocated up front, running out of space is an ordinary {@link IOException} at segment creation,
 * which the store reports and recovers from.
 *
 * <p><b>How.</b> {@code posix_fallocate(3)} through the FFM API: the JDK has no call for it, and it
 * allocates 128 MiB in milliseconds where writing zeros would take the sequencer seconds. The JDK
 * does not expose a channel's descriptor, so the file is opened once more by path. Where the C
 * library cannot be linked (not Linux or macOS), zeros are written instead, which allocates too.
 *
 * <p>Thread safety: stateless; any thread.
 */
public final class SpaceAllocator {

    private static final int O_WRONLY = 1;
    private static final int ENOSPC = 28;
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Optional<Native> NATIVE = Native.link();

    private SpaceAllocator() {
    }

    /**
     * Allocates bytes {@code [offset, offset + length)} of the file. Bytes already written keep their
     * contents; new blocks read as zeros.
     *
     * @param path the file (for the native call)
     * @param channel the same file, open for writing (for the fallback)
     * @param offset first byte
     * @param length bytes to allocate
     * @throws IOException if the space cannot be allocated (for example {@code ENOSPC})
     */
    public static void allocate(Path path, FileChannel channel, long offset, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        if (NATIVE.isPresent()) {
            NATIVE.get().fallocate(path, offset, length);
        } else {
            writeZeros(channel, offset, length);
        }
    }

    private static void writeZeros(FileChannel channel, long offset, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long at = offset; at < offset + length; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), offset + length - at));
            at += channel.write(zeros, at);
        }
    }

    /** The C library's {@code open}, {@code posix_fallocate} and {@code close}. */
    private record Native(MethodHandle open, MethodHandle fallocate, MethodHandle close) {

        static Optional<Native> link() {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                        Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
                MethodHandle fallocate = linker.downcallHandle(libc.find("posix_fallocate").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG));
                MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                return Optional.of(new Native(open, fallocate, close));
            } catch (RuntimeException | LinkageError e) {
                return Optional.empty(); // no C library to link (or native access denied): write zeros
            }
        }

        void fallocate(Path path, long offset, long length) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment errno = arena.allocate(CALL_STATE);
                int fd = (int) open.invokeExact(errno, arena.allocateFrom(path.toString()), O_WRONLY);
                if (fd < 0) {
                    throw new IOException("open for allocation failed: errno " + (int) ERRNO.get(errno, 0L));
                }
                int result;
                try {
                    result = (int) fallocate.invokeExact(fd, offset, length);
                } finally {
                    int ignored = (int) close.invokeExact(fd);
                }
                if (result != 0) { // posix_fallocate returns the error number instead of setting errno
                    throw new IOException(result == ENOSPC ? "No space left on device" : "posix_fallocate failed: error " + result);
                }
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("posix_fallocate failed", t);
            }
        }

    }
}
