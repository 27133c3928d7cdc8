package io.tributary.log.storage;

import org.apache.kafka.common.Uuid;

/**
 * What {@link LogManager#getOrCreate} does for one partition, given what the log manager holds for it. New logs are
 * created outside the log manager's lock (their fsyncs would otherwise serialise every creation), so a second caller
 * for the same partition may find a creation in flight: it waits for it and decides again, so that two creators of
 * one partition always end up with one log.
 */
enum LogCreationStep {
  /** The partition has a log of this topic (or a topic id is unknown on either side): use it. */
  USE_EXISTING,
  /** The partition has a log of another topic id (the topic was deleted and recreated): delete it, then create. */
  REPLACE_EXISTING,
  /** Another caller is creating this partition's log: wait for it, then decide again. */
  AWAIT_CREATOR,
  /** No log and no creation in flight: this caller creates it. */
  CREATE;

  /**
   * @param creationInFlight another caller reserved this partition's creation and has not finished
   * @param existingTopicId the topic id of the partition's log, or null when it has none
   * @param requestedTopicId the topic id the caller wants (null or {@link Uuid#ZERO_UUID}: unknown)
   */
  static LogCreationStep decide(boolean creationInFlight, Uuid existingTopicId, Uuid requestedTopicId) {
    if (creationInFlight) {
      return AWAIT_CREATOR;
    }
    if (existingTopicId == null) {
      return CREATE;
    }
    boolean bothKnown = requestedTopicId != null && !requestedTopicId.equals(Uuid.ZERO_UUID)
        && !existingTopicId.equals(Uuid.ZERO_UUID);
    return bothKnown && !existingTopicId.equals(requestedTopicId) ? REPLACE_EXISTING : USE_EXISTING;
  }
}
