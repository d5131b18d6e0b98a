package dev.peregrine.store.framing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One kind of store file: the format name its header carries, the version this build writes, and the
 * oldest version it still reads. Readers are handed a format and accept exactly the versions
 * {@code [oldestVersion, currentVersion]}; a file outside that range is an
 * {@link dev.peregrine.store.UnsupportedFormatException}, a file of another format a
 * {@link dev.peregrine.store.CorruptFileException}.
 *
 * <p><b>Version 1</b> of every format is the layout the previous release wrote, before this framing
 * existed. Such a file does not start with {@link FramingDescriptor#MAGIC}; it is recognised by its own
 * magic ({@code legacyMagic}) and reported as version 1, so a reader that still reads it can parse the
 * old layout, and one that does not reports it as too old. Versions written in this framing start at 2.
 *
 * @param name the format name in the header: 1 to {@link FramingDescriptor#MAX_NAME_LENGTH} characters
 *             of {@code a-z}, {@code 0-9} and {@code -}
 * @param oldestVersion the oldest version read (1 to read the previous release's layout)
 * @param currentVersion the version written, at least 2
 * @param legacyMagic the first bytes of a version-1 file (ASCII), or {@code null} when there was none
 */
public record FileFormat(String name, int oldestVersion, int currentVersion, String legacyMagic) {

    /** The version number of a file in the previous release's layout. */
    public static final int LEGACY_VERSION = 1;

    /**
     * @throws IllegalArgumentException if the name is not a short lower-case ASCII word or the range is empty
     */
    public FileFormat {
        if (name.isEmpty() || name.length() > FramingDescriptor.MAX_NAME_LENGTH
                || !name.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
            throw new IllegalArgumentException("format name must be 1-" + FramingDescriptor.MAX_NAME_LENGTH
                    + " characters of a-z, 0-9 and '-': '" + name + "'");
        }
        if (currentVersion <= LEGACY_VERSION || oldestVersion < LEGACY_VERSION || oldestVersion > currentVersion) {
            throw new IllegalArgumentException("versions " + oldestVersion + ".." + currentVersion + " of " + name);
        }
        if (oldestVersion == LEGACY_VERSION && legacyMagic == null) {
            throw new IllegalArgumentException(name + " reads version 1 but names no magic to recognise it by");
        }
        if (legacyMagic != null && (legacyMagic.isEmpty() || legacyMagic.startsWith("PRGF"))) {
            throw new IllegalArgumentException(name + ": the previous release's magic must be non-empty and "
                    + "must not start like this framing's header");
        }
    }

    /**
     * A format that reads only the version it writes.
     *
     * @param name the format name
     * @param version the version read and written
     * @param legacyMagic the first bytes of the previous release's file, or {@code null}
     * @return the format
     */
    public static FileFormat of(String name, int version, String legacyMagic) {
        return new FileFormat(name, version, version, legacyMagic);
    }

    /** @return whether {@code version} is one this build reads */
    boolean accepts(int version) {
        return version >= oldestVersion && version <= currentVersion;
    }

    /** @return whether a file's first bytes are the previous release's magic of this format */
    boolean isLegacy(byte[] start) {
        if (legacyMagic == null) {
            return false;
        }
        byte[] magic = legacyMagic.getBytes(StandardCharsets.US_ASCII);
        return start.length >= magic.length && Arrays.equals(start, 0, magic.length, magic, 0, magic.length);
    }

    /** @return the header this format's files start with */
    byte[] header() {
        return FileHeader.encode(this);
    }
}
