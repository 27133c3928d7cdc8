package io.tributary.log.protocol;

import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The request versions of transactions v2 (KIP-890 part 2), newer than the pinned kafka-clients codec knows.
 * Produce v12 and TxnOffsetCommit v5 are byte for byte the versions before them: the bump only tells the
 * broker that the client relies on the broker adding the partition to the transaction. EndTxn v5's request is
 * v4's too; its response adds the producer id and epoch after the bump ({@link EndTxnV5Response}). Each is
 * decoded and encoded with the codec's version it equals on the wire.
 */
public final class TransactionsV2Versions {
  private TransactionsV2Versions() {}

  /** The finalized feature a 4.x client reads from ApiVersions to turn transactions v2 on. */
  public static final String FEATURE = "transaction.version";
  /** {@value FEATURE} levels supported (0..2) and finalized (2): v2 is what the brokers serve. */
  public static final short FEATURE_MIN_LEVEL = 0;
  public static final short FEATURE_LEVEL = 2;
  /** The finalized features never change while brokers run: one epoch (clients take any epoch above -1). */
  public static final long FINALIZED_FEATURES_EPOCH = 1;

  /** First version of each API that means transactions v2 (Kafka's LAST_BEFORE_TRANSACTION_V2_VERSION + 1). */
  public static final short PRODUCE_V2 = 12;
  public static final short TXN_OFFSET_COMMIT_V2 = 5;
  public static final short END_TXN_V2 = 5;

  /** Each v2 version and the codec version with the same bytes on the wire (EndTxn: request only). */
  private static final Map<ApiKeys, short[]> SAME_WIRE = Map.of(
      ApiKeys.PRODUCE, new short[] {PRODUCE_V2, PRODUCE_V2 - 1},
      ApiKeys.TXN_OFFSET_COMMIT, new short[] {TXN_OFFSET_COMMIT_V2, TXN_OFFSET_COMMIT_V2 - 1},
      ApiKeys.END_TXN, new short[] {END_TXN_V2, END_TXN_V2 - 1});

  /** The highest version served of each API transactions v2 raises. */
  static Map<ApiKeys, Short> maxVersions() {
    return Map.of(ApiKeys.PRODUCE, PRODUCE_V2, ApiKeys.TXN_OFFSET_COMMIT, TXN_OFFSET_COMMIT_V2,
        ApiKeys.END_TXN, END_TXN_V2);
  }

  /** The version the codec reads and writes {@code api} at {@code version} with; the version itself if it knows it. */
  public static short codecVersion(ApiKeys api, short version) {
    short[] pair = SAME_WIRE.get(api);
    return pair != null && version == pair[0] ? pair[1] : version;
  }

  /** Whether a produce request of this version asks the broker to add its partitions to the transaction. */
  public static boolean produceAddsPartitions(short produceVersion) {
    return produceVersion >= PRODUCE_V2;
  }

  /** Whether a TxnOffsetCommit of this version asks the broker to add the offsets partition to the transaction. */
  public static boolean txnOffsetCommitAddsPartition(short version) {
    return version >= TXN_OFFSET_COMMIT_V2;
  }

  /** Whether an EndTxn of this version bumps the epoch (and answers with the new producer id and epoch). */
  public static boolean endTxnBumpsEpoch(short version) {
    return version >= END_TXN_V2;
  }
}
