package io.tributary.cli;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary txn ...}: transactional ids and their transactions through the Kafka protocol (kafka-clients
 * Admin: ListTransactions on every broker, DescribeTransactions at the coordinator), as Kafka's
 * {@code kafka-transactions.sh list} and {@code describe} show them.
 */
@Command(
    name = "txn",
    mixinStandardHelpOptions = true,
    description = "List transactional ids and describe their current transaction.",
    subcommands = {TxnCommand.ListTransactions.class, TxnCommand.Describe.class})
final class TxnCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
      description = "Every transactional id the coordinators know, with its producer id and state.")
  static final class ListTransactions extends AdminCommand {
    @Override
    int run(Admin admin) {
      Collection<TransactionListing> listed = get(admin.listTransactions().all(), "list transactions");
      if (listed.isEmpty()) {
        out().println("no transactional ids (a producer with transactional.id set registers one in initTransactions)");
        return 0;
      }
      Table t = new Table("TRANSACTIONAL-ID", "PRODUCER-ID", "STATE");
      listed.stream().sorted(Comparator.comparing(TransactionListing::transactionalId))
          .forEach(l -> t.row(l.transactionalId(), l.producerId(), l.state().toString()));
      t.print(out(), "");
      return 0;
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Coordinator, producer id and epoch, state, timeout, start and partitions of a transactional id.")
  static final class Describe extends AdminCommand {
    @Parameters(paramLabel = "ID", description = "Transactional id.")
    String transactionalId;

    @Override
    int run(Admin admin) {
      TransactionDescription d = get(admin.describeTransactions(List.of(transactionalId)).description(transactionalId),
          "describe transactional id " + transactionalId + " (list them with: ./tributary txn list)");
      PrintWriter out = out();
      out.println("TRANSACTIONAL-ID  " + transactionalId);
      out.println("COORDINATOR       " + d.coordinatorId());
      out.println("STATE             " + d.state());
      out.println("PRODUCER-ID       " + d.producerId());
      out.println("PRODUCER-EPOCH    " + d.producerEpoch());
      out.println("TIMEOUT-MS        " + d.transactionTimeoutMs());
      out.println("STARTED-MS        " + (d.transactionStartTimeMs().isPresent() && d.transactionStartTimeMs().getAsLong() >= 0
          ? d.transactionStartTimeMs().getAsLong() : "-"));
      out.println("PARTITIONS        " + GroupCommand.Describe.describe(Set.copyOf(d.topicPartitions())));
      return 0;
    }
  }
}
