package io.tributary.log.storage;

/**
 * Proof that the transaction coordinator was asked whether a partition is in a producer's transaction
 * (KIP-890 part 1), as Kafka's {@code VerificationGuard}. The partition creates one before the leader asks
 * the coordinator and forgets it when a marker closes the producer's transaction or the transaction's first
 * batch is written; an append presenting a guard that is no longer the partition's is refused. A unique
 * object (compared by identity), so that a stale "verified" answer cannot pass after an abort marker and a
 * new verification (the ABA case Kafka describes).
 */
public final class VerificationGuard {
  /** No guard: the producer had a transaction open here, or verification was not asked for. */
  public static final VerificationGuard SENTINEL = new VerificationGuard();

  VerificationGuard() {}

  /** Whether {@code presented} is this partition's live guard (never true for the sentinel). */
  boolean verify(VerificationGuard presented) {
    return presented != SENTINEL && presented == this;
  }

  @Override
  public String toString() {
    return this == SENTINEL ? "VerificationGuard(SENTINEL)" : "VerificationGuard@" + Integer.toHexString(System.identityHashCode(this));
  }
}
