/**
 * The one framing of every file the store keeps beside its log: a header naming the file's format and
 * version ({@link dev.peregrine.store.framing.FramingDescriptor}), then either a whole body closed by a
 * checksum footer and replaced atomically ({@link dev.peregrine.store.framing.AtomicFile}), or
 * CRC-framed records appended one after another ({@link dev.peregrine.store.framing.RecordFile}).
 * Log segments have their own header and per-entry CRC ({@code dev.peregrine.store.log}).
 *
 * <p>Internal: exported only to {@code dev.peregrine.schema}, whose registry file is framed the same way.
 */
package dev.peregrine.store.framing;
