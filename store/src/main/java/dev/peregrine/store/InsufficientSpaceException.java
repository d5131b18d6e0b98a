package dev.peregrine.store;

/**
 * An append or tombstone was refused because the disk's free space is below the store's watermark
 * ({@link StoreOptions#minFreeBytes()}). Nothing of it was stored, so retrying is safe; reads go on,
 * and appends succeed again by themselves once space is freed, without a restart. The watermark
 * refuses writes before the disk is actually full, so that the last segment roll, the checkpoints
 * and the operator's own tools still have room.
 */
public final class InsufficientSpaceException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final long freeBytes;
    private final long watermarkBytes;

    /**
     * @param freeBytes the free space found, in bytes
     * @param watermarkBytes the watermark, in bytes
     */
    public InsufficientSpaceException(long freeBytes, long watermarkBytes) {
        super("insufficient storage: " + freeBytes + " bytes free, below the watermark of " + watermarkBytes
                + " bytes; nothing was stored, retry once space is freed", false);
        this.freeBytes = freeBytes;
        this.watermarkBytes = watermarkBytes;
    }

    /** @return the free space found when the write was refused, in bytes */
    public long freeBytes() {
        return freeBytes;
    }

    /** @return the watermark, in bytes */
    public long watermarkBytes() {
        return watermarkBytes;
    }
}
