package io.tributary.registry.store;

import java.util.ArrayList;
import java.util.List;

/** A log kept in a list and applied synchronously: the same state machine, no Kafka. */
public final class InMemoryLogStore implements LogStore {
  private final RegistryState state = new RegistryState();
  private final List<StoreRecord> log = new ArrayList<>();

  @Override
  public void start() {}

  @Override
  public synchronized long append(StoreRecord record) {
    long offset = log.size();
    log.add(record);
    state.apply(offset, record);
    return offset;
  }

  @Override
  public void waitApplied(long offset, long timeoutMs) {}

  @Override
  public RegistryState state() {
    return state;
  }

  /** The records appended so far (for replay tests). */
  public synchronized List<StoreRecord> records() {
    return new ArrayList<>(log);
  }

  @Override
  public void close() {}
}
