package dev.peregrine.store.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system mounted for one test, so that "the disk is full" is the kernel's answer
 * and not a simulation: a loop-mounted ext4 image, or a tmpfs. Needs root (CI runs as root); elsewhere
 * the test is skipped with the reason printed.
 *
 * <p>{@link #fill(long)} writes a ballast file until only so many bytes are left, and
 * {@link #freeBallast()} deletes it: that is how a test fills the disk and frees it again.
 */
public final class SmallFileSystem implements AutoCloseable {

    /** The kinds of file system a test can ask for. */
    public enum Kind { EXT4, TMPFS }

    private final Path mountPoint;
    private final Path image;

    private SmallFileSystem(Path mountPoint, Path image) {
        this.mountPoint = mountPoint;
        this.image = image;
    }

    /**
     * Mounts a new file system, or aborts the test (skipped, with the reason) where that is impossible.
     *
     * @param kind which file system
     * @param megabytes its size
     * @param work a scratch directory of the test (holds the image and the mount point)
     */
    public static SmallFileSystem mount(Kind kind, int megabytes, Path work) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "disk-full tests mount a small file system and need root; skipped as " + System.getProperty("user.name"));
        Path mountPoint = Files.createDirectories(work.resolve("mnt"));
        Path image = null;
        if (kind == Kind.EXT4) {
            image = work.resolve("fs.img");
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(megabytes * (1L << 20));
            }
            run(true, "mkfs.ext4", "-q", "-F", "-m", "0", image.toString());
            run(true, "mount", "-o", "loop", image.toString(), mountPoint.toString());
        } else {
            run(true, "mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
        }
        return new SmallFileSystem(mountPoint, image);
    }

    /** @return the root of the mounted file system */
    public Path root() {
        return mountPoint;
    }

    /** @return bytes the file system has free for files */
    public long free() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /**
     * Writes a ballast file until at most {@code leave} bytes are free (then the disk is as full as
     * asked, whatever the file system keeps for itself).
     *
     * @param leave bytes to leave free
     */
    public void fill(long leave) throws IOException {
        Path ballast = mountPoint.resolve("ballast-" + System.nanoTime());
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 0x5A); // not zeros: nothing may store them sparsely
        try (var out = Files.newOutputStream(ballast)) {
            while (free() > leave) {
                out.write(chunk, 0, (int) Math.min(chunk.length, Math.max(4096, free() - leave)));
                out.flush();
            }
        } catch (IOException full) {
            // ENOSPC before the target: the disk is full, which is what was asked
        }
    }

    /** Deletes every ballast file. */
    public void freeBallast() throws IOException {
        try (var files = Files.list(mountPoint)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("ballast-")).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (!run(false, "umount", mountPoint.toString())) {
            run(false, "umount", "-l", mountPoint.toString()); // a file still open: detach lazily
        }
        if (image != null) {
            Files.deleteIfExists(image);
        }
    }

    private static boolean run(boolean required, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort(command[0] + " is not available (" + e.getMessage() + "); disk-full tests skipped");
            return false;
        }
        String output = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok && required) {
            Assumptions.abort(String.join(" ", cmd) + " failed (" + output.strip() + "); disk-full tests skipped");
        }
        return ok;
    }
}
