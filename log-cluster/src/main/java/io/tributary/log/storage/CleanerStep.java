package io.tributary.log.storage;

/**
 * The points of a cleaning pass, in order, at which {@link CleanerHooks} are called: where a test holds a pass
 * (to show appends and reads go on meanwhile) or simulates a crash (to show the next load recovers from the files
 * left at that point). {@link #LOG_SWAP_RENAMED} is the commit point of a segment's swap.
 */
enum CleanerStep {
  /** The offset map of the dirty section is built; no file was written yet, the log's lock is not held. */
  OFFSET_MAP_BUILT,
  /** {@code <base>.log.cleaned} and {@code <base>.txnindex.cleaned} are written and fsynced; lock not held. */
  CLEANED_WRITTEN,
  /** Under the lock: {@code <base>.txnindex.cleaned} renamed {@code <base>.txnindex.swap}. */
  TXN_INDEX_SWAP_RENAMED,
  /** Under the lock: {@code <base>.log.cleaned} renamed {@code <base>.log.swap} and the directory fsynced (commit). */
  LOG_SWAP_RENAMED,
  /** Under the lock: the old segment's four files renamed {@code .deleted}. */
  OLD_SEGMENT_RENAMED_DELETED,
  /** Under the lock: {@code <base>.txnindex.swap} renamed {@code <base>.txnindex}. */
  TXN_INDEX_SWAPPED_IN,
  /** Under the lock: {@code <base>.log.swap} renamed {@code <base>.log}; indexes not yet rebuilt. */
  LOG_SWAPPED_IN
}
