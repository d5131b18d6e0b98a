package dev.peregrine.store.backup;

/**
 * One file of a backup, as its manifest records it.
 *
 * @param name the file's path inside the store directory, with {@code /} separators (for example
 *        {@code log/00000000000000000001.seg} or {@code fields.dict})
 * @param bytes how many bytes of it the backup holds: the file up to the backup's position
 * @param capacity the length restore gives the file: a segment's full size (restore appends zeros,
 *        as the store's pre-allocated segments have), or {@code bytes} for every other file
 * @param sha256 SHA-256 of the {@code bytes} bytes, lower-case hex
 */
public record BackupFile(String name, long bytes, long capacity, String sha256) {

    /** Checks the fields. */
    public BackupFile {
        if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains("\\")) {
            throw new IllegalArgumentException("not a relative file name: " + name);
        }
        if (bytes < 0 || capacity < bytes) {
            throw new IllegalArgumentException("bad lengths for " + name + ": bytes " + bytes + ", capacity " + capacity);
        }
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256);
        }
    }

    /**
     * @return the name the bytes are kept under in the backup directory: the file's name followed by
     *         the start of its digest, so that a newer copy never overwrites the one an older manifest
     *         still refers to
     */
    public String storedName() {
        return name + "." + sha256.substring(0, 16);
    }
}
