package io.tributary.cli;

import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tributary group delete}: DeleteGroups, as {@code kafka-consumer-groups.sh --delete}. */
@Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
    description = {"Delete consumer groups and their committed offsets.",
        "A group with members cannot be deleted (NON_EMPTY_GROUP): stop its consumers first."})
final class GroupDeleteCommand extends AdminCommand {
  @Parameters(paramLabel = "GROUP", arity = "1..*", description = "Group id(s).")
  List<String> groups;

  @Override
  int run(Admin admin) {
    for (String group : groups) {
      get(admin.deleteConsumerGroups(List.of(group)).all(), "delete group " + group);
      out().println("deleted group " + group);
    }
    return 0;
  }
}
