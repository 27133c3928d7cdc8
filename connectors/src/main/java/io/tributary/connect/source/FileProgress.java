package io.tributary.connect.source;

/**
 * How far a files source has got in one file, as recorded in the log cluster. Every line before
 * {@code nextLine} (which starts at byte {@code nextByte}) is done: produced and acknowledged, sent to the
 * dead-letter topic, or not a record. Beyond that point, lines up to {@code goodThrough} that parse into a
 * record, and lines up to {@code badThrough} that are bad, are known to be in the sink topic and the
 * dead-letter topic already (a restarted source found them there); they are not produced again.
 *
 * <p>Why two thresholds: good lines and bad lines go to different topics, so after a crash one topic may hold
 * a later line than the other. Parsing is deterministic, so a re-read line is classified the same way and
 * checked against the threshold of its own topic.
 */
record FileProgress(long nextByte, long nextLine, long goodThrough, long badThrough) {
  static final FileProgress START = new FileProgress(0, 1, 0, 0);

  FileProgress {
    if (nextByte < 0 || nextLine < 1 || goodThrough < 0 || badThrough < 0) {
      throw new IllegalArgumentException("invalid file progress: byte " + nextByte + ", line " + nextLine
          + ", good through " + goodThrough + ", bad through " + badThrough);
    }
  }

  /** Whether line {@code line}, classified good (a record) or bad, is already in the log cluster. */
  boolean alreadyWritten(long line, boolean good) {
    return line < nextLine || line <= (good ? goodThrough : badThrough);
  }

  /** Everything before {@code nextLine} at {@code nextByte} is done; positions never go back. */
  FileProgress advancedTo(long byteOffset, long line) {
    if (byteOffset < nextByte || line < nextLine) {
      throw new IllegalStateException("a file position may only grow: from byte " + nextByte + " line " + nextLine
          + " to byte " + byteOffset + " line " + line);
    }
    return new FileProgress(byteOffset, line, goodThrough, badThrough);
  }

  /** This, knowing that line {@code line} (good or bad) was found in the log cluster. */
  FileProgress withWritten(long line, boolean good) {
    return good ? new FileProgress(nextByte, nextLine, Math.max(goodThrough, line), badThrough)
        : new FileProgress(nextByte, nextLine, goodThrough, Math.max(badThrough, line));
  }

  /** What both facts together say: the later position, the higher thresholds. */
  FileProgress merge(FileProgress other) {
    FileProgress later = other.nextByte > nextByte ? other : this;
    return new FileProgress(later.nextByte, later.nextLine, Math.max(goodThrough, other.goodThrough),
        Math.max(badThrough, other.badThrough));
  }
}
