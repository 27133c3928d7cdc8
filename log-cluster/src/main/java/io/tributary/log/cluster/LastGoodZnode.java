package io.tributary.log.cluster;

import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule for every znode a broker or the controller reads: content that does not decode (not JSON,
 * or JSON of an unexpected shape) is logged with the znode's path and skipped, and the last good
 * decoding of that znode, if there was one, stays in force. A damaged znode is never acted on — neither
 * its content nor its apparent absence (a topic that "disappears" because its znode reads as garbage
 * would otherwise lose every replica).
 */
final class LastGoodZnode {
  private static final Logger log = LoggerFactory.getLogger(LastGoodZnode.class);

  private LastGoodZnode() {}

  /**
   * {@code decode(data)}, or {@code lastGood} when {@code data} does not decode.
   *
   * @param lastGood what this znode decoded to before, or null when nothing was known (then the znode
   *     is skipped: the caller leaves it out)
   */
  static <T> T decodeOrKeep(String path, byte[] data, Function<byte[], T> decode, T lastGood) {
    try {
      return decode.apply(data);
    } catch (RuntimeException e) {
      log.error("ignoring znode {}: {}; {}", path, e.getMessage(),
          lastGood == null ? "nothing was known of it before, so it is skipped" : "keeping its last good content");
      return lastGood;
    }
  }
}
