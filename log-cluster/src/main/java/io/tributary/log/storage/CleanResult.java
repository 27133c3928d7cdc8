package io.tributary.log.storage;

/** Result of one compaction pass: bytes of the cleaned segments before and after, and records dropped. */
public record CleanResult(long bytesBefore, long bytesAfter, long recordsRemoved) {}
