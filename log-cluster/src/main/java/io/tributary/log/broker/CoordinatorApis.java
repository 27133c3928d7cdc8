package io.tributary.log.broker;

import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.txn.TxnCoordinator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.utils.Time;

/**
 * The coordinators of this broker behind one {@link GroupApis}: the group coordinator and the transaction
 * coordinator, each serving its APIs; FindCoordinator goes to the one of its key type.
 */
final class CoordinatorApis implements GroupApis {
  private final GroupApis groups;
  private final TxnCoordinator transactions;
  private final Set<ApiKeys> apis;

  private CoordinatorApis(GroupApis groups, TxnCoordinator transactions) {
    this.groups = groups;
    this.transactions = transactions;
    Set<ApiKeys> all = EnumSet.copyOf(groups.apis());
    all.addAll(transactions.apis());
    this.apis = all;
  }

  static CoordinatorApis start(BrokerConfig config, BrokerCoordinatorHost host, Time time) {
    return new CoordinatorApis(GroupCoordinatorWiring.start(config, host, time),
        TxnCoordinatorWiring.start(config, host, time));
  }

  @Override
  public Set<ApiKeys> apis() {
    return apis;
  }

  @Override
  public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
    if (request.apiKey() == ApiKeys.FIND_COORDINATOR) {
      FindCoordinatorRequestData d = request.data();
      // v0 has no key type: groups only.
      if (request.version() >= 1 && d.keyType() == CoordinatorType.TRANSACTION.id()) {
        return CompletableFuture.completedFuture(transactions.findCoordinator(request));
      }
      return groups.handle(request);
    }
    return transactions.apis().contains(request.apiKey()) ? transactions.handle(request) : groups.handle(request);
  }

  @Override
  public CompletableFuture<Map<String, Map<TopicPartition, Long>>> committedOffsets() {
    return groups.committedOffsets();
  }

  @Override
  public void close() {
    transactions.close();
    groups.close();
  }
}
