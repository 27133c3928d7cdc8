package io.tributary.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary producers describe TOPIC}: the idempotent and transactional producers each partition leader knows
 * (kafka-clients' {@code Admin.describeProducers}, Kafka's {@code kafka-transactions.sh describe-producers}).
 */
@Command(
    name = "producers",
    mixinStandardHelpOptions = true,
    description = "Describe the producers the partition leaders of a topic know, with their open transactions.",
    subcommands = {ProducersCommand.Describe.class})
final class ProducersCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Per partition: producer id, epoch, last sequence and the first offset of its open transaction.")
  static final class Describe extends AdminCommand {
    @Parameters(paramLabel = "TOPIC", description = "Topic name.")
    String topic;

    @Override
    int run(Admin admin) {
      TopicDescription description = get(admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic).get(topic);
      List<TopicPartition> partitions = new ArrayList<>();
      description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      Map<TopicPartition, PartitionProducerState> states = get(admin.describeProducers(partitions).all(),
          "describe the producers of " + topic);
      Table t = new Table("PARTITION", "PRODUCER-ID", "EPOCH", "LAST-SEQUENCE", "TXN-START-OFFSET");
      int rows = 0;
      for (TopicPartition tp : partitions) {
        List<ProducerState> producers = new ArrayList<>(states.get(tp).activeProducers());
        producers.sort(Comparator.comparingLong(ProducerState::producerId));
        for (ProducerState p : producers) {
          t.row(Integer.toString(tp.partition()), Long.toString(p.producerId()), Integer.toString(p.producerEpoch()),
              Integer.toString(p.lastSequence()),
              p.currentTransactionStartOffset().isPresent() ? Long.toString(p.currentTransactionStartOffset().getAsLong()) : "-");
          rows++;
        }
      }
      if (rows == 0) {
        out().println("no producers on " + topic + " (an idempotent or transactional producer appears once it wrote)");
        return 0;
      }
      t.print(out(), "");
      return 0;
    }
  }
}
