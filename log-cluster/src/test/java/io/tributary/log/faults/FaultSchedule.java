package io.tributary.log.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fault run's plan, a pure function of the seed: the same seed and shape give the same steps, so a run is
 * replayed with its printed seed. Every enabled kind comes once first (in a seeded order) so that even a short
 * run covers all of them; the rest are faults drawn at random, each followed by an operation now and then.
 */
final class FaultSchedule {
  /** Shortest and longest time a fault is held before it is healed. */
  static final long MIN_HOLD_MS = 1_000;
  static final long MAX_HOLD_MS = 9_000;
  /** Chance, in percent, that a random fault is followed by an operation (leader election or reassignment). */
  static final int OPERATION_PERCENT = 15;

  /** The cluster the plan is for. {@code fullDiskBroker} is the broker whose log directory is the small disk. */
  record Shape(int brokers, int zooKeepers, int fullDiskBroker, Set<FaultKind> enabled) {
    Shape {
      if (brokers < 2 || zooKeepers < 1) {
        throw new IllegalArgumentException("a fault run needs at least 2 brokers and 1 ZooKeeper member: " + brokers
            + " brokers, " + zooKeepers + " ZooKeeper members");
      }
      if (enabled.stream().noneMatch(k -> !k.isOperation())) {
        throw new IllegalArgumentException("no fault kind enabled: " + enabled);
      }
      if (fullDiskBroker < 0 || fullDiskBroker >= brokers) {
        throw new IllegalArgumentException("fullDiskBroker " + fullDiskBroker + " is not one of " + brokers + " brokers");
      }
    }
  }

  private FaultSchedule() {}

  /** Exactly {@code faults} faults (plus operations) for {@code shape}, drawn from {@code seed}. */
  static List<Fault> plan(long seed, int faults, Shape shape) {
    if (faults < 0) {
      throw new IllegalArgumentException("faults must be >= 0: " + faults);
    }
    Random random = new Random(seed);
    List<FaultKind> coverage = new ArrayList<>(new TreeSet<>(shape.enabled()));
    Collections.shuffle(coverage, random);
    List<FaultKind> faultKinds = coverage.stream().filter(k -> !k.isOperation()).sorted().toList();
    List<FaultKind> operations = coverage.stream().filter(FaultKind::isOperation).sorted().toList();

    List<Fault> out = new ArrayList<>();
    int planned = 0;
    for (FaultKind kind : coverage) {
      if (planned >= faults) {
        break;
      }
      out.add(step(out.size(), kind, shape, random));
      planned += kind.isOperation() ? 0 : 1;
    }
    while (planned < faults) {
      out.add(step(out.size(), faultKinds.get(random.nextInt(faultKinds.size())), shape, random));
      planned++;
      if (!operations.isEmpty() && random.nextInt(100) < OPERATION_PERCENT) {
        out.add(step(out.size(), operations.get(random.nextInt(operations.size())), shape, random));
      }
    }
    return out;
  }

  private static Fault step(int index, FaultKind kind, FaultSchedule.Shape shape, Random random) {
    if (kind.isOperation()) {
      return new Fault(index, kind, -1, -1, 0);
    }
    long hold = MIN_HOLD_MS + (long) random.nextInt((int) (MAX_HOLD_MS - MIN_HOLD_MS + 1));
    int target = -1;
    int peer = -1;
    switch (kind) {
      case KILL_BROKER, PAUSE_BROKER, PARTITION_BROKER_FROM_ZOOKEEPER -> target = random.nextInt(shape.brokers());
      case KILL_ZOOKEEPER, PAUSE_ZOOKEEPER -> target = random.nextInt(shape.zooKeepers());
      case PARTITION_BROKERS -> {
        target = random.nextInt(shape.brokers());
        peer = (target + 1 + random.nextInt(shape.brokers() - 1)) % shape.brokers();
      }
      case FULL_DISK -> target = shape.fullDiskBroker();
      default -> { } // the controller: chosen when the fault starts
    }
    return new Fault(index, kind, target, peer, hold);
  }
}
