package dev.peregrine.bench.peers;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Pre-serialised JSON payloads and metadata of exact sizes, generated once from a fixed seed so that
 * every peer appends the very same bytes. A pool of distinct documents is cycled through: enough
 * variety that no store can cheat on repeated bytes, small enough to stay in cache.
 */
final class Payloads {

  private static final int POOL = 1024;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ".toCharArray();

  private final byte[][] payloads;
  private final byte[][] metadata;

  /**
   * @param payloadBytes  exact size of each JSON payload
   * @param metadataBytes exact size of each JSON metadata document
   * @param seed          fixed seed
   */
  Payloads(int payloadBytes, int metadataBytes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    payloads = new byte[POOL][];
    metadata = new byte[POOL][];
    for (int i = 0; i < POOL; i++) {
      payloads[i] = payload(random, payloadBytes);
      metadata[i] = metadata(random, metadataBytes);
    }
  }

  byte[] payload(long n) {
    return payloads[(int) (n % POOL)];
  }

  byte[] metadata(long n) {
    return metadata[(int) (n % POOL)];
  }

  private static byte[] payload(SplittableRandom random, int size) {
    String head = "{\"amount\":" + random.nextInt(1, 1_000_000) + ",\"currency\":\"EUR\",\"account\":\"A"
        + random.nextInt(0, 100_000) + "\",\"note\":\"";
    return pad(random, head, "\"}", size);
  }

  private static byte[] metadata(SplittableRandom random, int size) {
    String head = "{\"correlation_id\":\"" + new java.util.UUID(random.nextLong(), random.nextLong())
        + "\",\"user\":\"u" + random.nextInt(0, 10_000) + "\",\"source\":\"";
    return pad(random, head, "\"}", size);
  }

  private static byte[] pad(SplittableRandom random, String head, String tail, int size) {
    int fill = size - head.length() - tail.length();
    if (fill < 0) {
      throw new IllegalArgumentException("a JSON document of " + size + " bytes is too small for its fields");
    }
    StringBuilder text = new StringBuilder(size).append(head);
    for (int i = 0; i < fill; i++) {
      text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    byte[] bytes = text.append(tail).toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length != size) {
      throw new IllegalStateException("generated " + bytes.length + " bytes, wanted " + size);
    }
    return bytes;
  }
}
