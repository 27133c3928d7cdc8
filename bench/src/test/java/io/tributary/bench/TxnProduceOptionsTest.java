package io.tributary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The txn-produce options: defaults, and every refusal names the option and why. */
class TxnProduceOptionsTest {

  private static TxnProduceOptions parse(String... argv) {
    return TxnProduceOptions.from(new Args(argv, TxnProduceOptions.FLAGS, TxnProduceOptions.OPTIONS));
  }

  @Test
  void defaultsAreIssue14sWorkload() {
    TxnProduceOptions o = parse();
    assertEquals(1_000_000, o.records());
    assertEquals(100, o.recordsPerTxn());
    assertEquals(4, o.producers());
    assertEquals(3, o.brokers());
    assertEquals("both", o.only());
    assertEquals(10_000, o.transactions());
  }

  @Test
  void acceptedSettings() {
    TxnProduceOptions o = parse("--records", "20k", "--per-txn", "50", "--producers", "2", "--warmup-txns", "0",
        "--only", "tributary", "--brokers", "4");
    assertEquals(20_000, o.records());
    assertEquals(400, o.transactions());
    assertEquals(2, o.producers());
    assertEquals(0, o.warmupTxnsPerProducer());
    assertEquals("tributary", o.only());
    assertEquals(4, o.brokers());
  }

  private record Refused(List<String> argv, String messagePart) {}

  @Test
  void badSettingsAreRefusedWithTheReason() {
    List<Refused> table = List.of(
        new Refused(List.of("--records", "0"), "--records must be within"),
        new Refused(List.of("--records", "3000000000"), "--records must be within"),
        new Refused(List.of("--records", "1050"), "is not a multiple of --per-txn 100"),
        new Refused(List.of("--per-txn", "0"), "--per-txn must be within"),
        new Refused(List.of("--per-txn", "100001"), "--per-txn must be within"),
        new Refused(List.of("--producers", "0"), "--producers must be within"),
        new Refused(List.of("--producers", "65"), "--producers must be within"),
        new Refused(List.of("--records", "300", "--producers", "4"), "fewer than --producers 4"),
        new Refused(List.of("--warmup-txns", "-1"), "--warmup-txns must be 0 or more"),
        new Refused(List.of("--brokers", "2"), "at least 3 (the topic's replication factor)"),
        new Refused(List.of("--only", "redpanda"), "--only takes kafka or tributary"),
        new Refused(List.of("--records", "many"), "--records: not a number"),
        new Refused(List.of("--per-txn-count", "5"), "unknown option --per-txn-count"));
    for (Refused r : table) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> parse(r.argv().toArray(String[]::new)), r.argv().toString());
      assertTrue(e.getMessage().contains(r.messagePart()), r.argv() + ": " + e.getMessage());
    }
  }
}
