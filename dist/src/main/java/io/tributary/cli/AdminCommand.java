package io.tributary.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared by the admin subcommands (topic, group): bootstrap option, output, an Admin that reached the cluster. */
abstract class AdminCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Kafka.BootstrapOption cluster = new Kafka.BootstrapOption();

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  <T> T get(KafkaFuture<T> f, String what) {
    return Kafka.get(f, cluster.bootstrap, cluster.requestTimeoutMs, what);
  }

  @Override
  public Integer call() throws Exception {
    try (Admin admin = cluster.connectedAdmin()) {
      int code = run(admin);
      out().flush();
      return code;
    }
  }

  abstract int run(Admin admin) throws Exception;
}
