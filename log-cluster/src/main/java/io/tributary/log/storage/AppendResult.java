package io.tributary.log.storage;

/**
 * Result of an append: offsets assigned (or, for a duplicate, the original ones), the broker time used
 * for LogAppendTime topics (-1 otherwise), the log start offset and what was appended.
 */
public record AppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                           int batchCount, int recordCount, boolean duplicate) {}
