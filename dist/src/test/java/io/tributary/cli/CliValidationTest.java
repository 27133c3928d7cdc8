package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.testkit.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument and configuration errors: a non-zero exit and one clear line, no stack trace. */
class CliValidationTest {
  @TempDir Path tmp;

  private static void assertOneLineError(Cli.Result r, String expected) {
    assertNotEquals(0, r.code(), r.toString());
    assertTrue(r.err().startsWith("error: "), r.toString());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in\n" + r);
    assertFalse(r.err().contains("\tat "), "no stack trace\n" + r);
  }

  @Test
  void helpListsEveryCommand() {
    Cli.Result r = Cli.run("--help");
    assertEquals(0, r.code(), r.toString());
    for (String cmd : List.of("quickstart", "local", "broker", "zookeeper", "topic", "produce", "consume")) {
      assertTrue(r.out().contains(cmd), cmd + " missing from\n" + r);
    }
  }

  @Test
  void unknownOptionIsAUsageError() {
    Cli.Result r = Cli.run("topic", "list", "--no-such-option");
    assertEquals(2, r.code(), r.toString());
    assertOneLineError(r, "Unknown option: '--no-such-option'");
    assertTrue(r.err().contains("tributary topic list --help"), r.toString());
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertOneLineError(Cli.run("frobnicate"), "frobnicate");
  }

  @Test
  void missingParameterIsAUsageError() {
    Cli.Result r = Cli.run("topic", "create");
    assertEquals(2, r.code(), r.toString());
    assertOneLineError(r, "NAME");
  }

  @Test
  void missingBrokerConfigFileNamesTheFile() {
    Path missing = tmp.resolve("nope.properties");
    Cli.Result r = Cli.run("broker", "--config", missing.toString());
    assertEquals(2, r.code(), r.toString());
    assertOneLineError(r, "config file " + missing + " not found");
  }

  @Test
  void badBrokerConfigNamesFileAndKey() throws Exception {
    Path f = tmp.resolve("server.properties");
    Files.writeString(f, "broker.id=zero\n");
    assertOneLineError(Cli.run("broker", "--config", f.toString()), "broker.id");

    Files.writeString(f, "no.such.key=1\n");
    Cli.Result r = Cli.run("broker", "--config", f.toString());
    assertOneLineError(r, f.toString());
    assertTrue(r.err().contains("no.such.key"), r.toString());

    Files.writeString(f, "broker.id=1\n");
    assertOneLineError(Cli.run("broker", "--config", f.toString(), "--override", "listeners=NOSUCHPROTOCOL://x:1"),
        "listeners");
  }

  @Test
  void invalidNumbersAreRefusedBeforeConnecting() {
    assertOneLineError(Cli.run("topic", "create", "t", "-p", "0"), "--partitions must be at least 1");
    assertOneLineError(Cli.run("topic", "create", "t", "-p", "x"), "Invalid value");
    assertOneLineError(Cli.run("produce", "t", "--acks", "2"), "--acks must be all, 1 or 0");
    assertOneLineError(Cli.run("consume", "t", "-n", "0"), "--max-messages must be at least 1");
    assertOneLineError(Cli.run("local", "start", "--brokers", "0", "--dir", tmp.toString()), "--brokers must be 1-16");
    assertOneLineError(Cli.run("topic", "alter-config", "t"), "nothing to change");
  }

  @Test
  void noBrokerIsOneLineWithWhatToDo() {
    String nowhere = "127.0.0.1:" + BrokerProcess.freePort();
    Cli.Result r = Cli.run("topic", "list", "--bootstrap", nowhere, "--request-timeout-ms", "1500");
    assertOneLineError(r, "no broker answered at " + nowhere + " within 1.5 s");
    assertTrue(r.err().contains("./tributary local start"), r.toString());
    assertEquals(1, r.err().lines().count(), r.toString());
  }

  @Test
  void localCommandsOnAnEmptyDirectory() {
    Path dir = tmp.resolve("cluster");
    Cli.Result stop = Cli.run("local", "stop", "--dir", dir.toString());
    assertEquals(0, stop.code(), stop.toString());
    assertTrue(stop.out().contains("nothing to stop"), stop.toString());
    assertOneLineError(Cli.run("local", "status", "--dir", dir.toString()), "no local cluster in");
  }

  @Test
  void consumeFormat() {
    ConsumerRecord<String, String> r = new ConsumerRecord<>("t", 2, 41L, "k", "v");
    assertEquals("k v 2 41", ConsumeCommand.format("%k %v %p %o", r));
    assertEquals("t\t100%", ConsumeCommand.format("%t\\t100%%", r));
  }
}
