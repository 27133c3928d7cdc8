package io.tributary.log.txn;

import io.tributary.log.cluster.ClusterImage;
import io.tributary.log.group.CoordinatorLocator;
import io.tributary.log.group.CoordinatorTopic;
import io.tributary.log.group.OffsetsTopicFormat;
import io.tributary.log.protocol.EndTxnV5Response;
import io.tributary.log.protocol.KafkaRequest;
import io.tributary.log.protocol.TransactionsV2Versions;
import io.tributary.log.txn.TxnActor.Outcome;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator of one broker as the request path sees it: kafka-clients' request data to
 * decisions of the {@link TxnStateMachine} run by the {@link TxnActor} (on its thread), and their outcomes to
 * response data. Serves InitProducerId for idempotent producers too (one place hands out producer ids).
 * FindCoordinator for transactional ids is answered on the caller's thread by a {@link CoordinatorLocator}.
 */
public final class TxnCoordinator {
  private static final Logger log = LoggerFactory.getLogger(TxnCoordinator.class);

  private static final Set<ApiKeys> APIS = EnumSet.of(ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_PARTITIONS_TO_TXN,
      ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN, ApiKeys.LIST_TRANSACTIONS, ApiKeys.DESCRIBE_TRANSACTIONS);

  private final TxnCoordinatorConfig config;
  private final TxnHost host;
  private final Time time;
  private final TxnActor actor;
  private final CoordinatorLocator locator;

  public TxnCoordinator(TxnCoordinatorConfig config, TxnHost host, Time time) {
    this.config = config;
    this.host = host;
    this.time = time;
    this.actor = new TxnActor(config, host, time);
    this.locator = new CoordinatorLocator(stateTopic(config), host);
  }

  /** {@code __transaction_state}: compacted, min.insync.replicas = min(transaction.state.log.min.isr, factor). */
  static CoordinatorTopic stateTopic(TxnCoordinatorConfig config) {
    int rf = config.stateLogReplicationFactor();
    Map<String, String> configs = Map.of("cleanup.policy", "compact",
        "min.insync.replicas", Integer.toString(Math.min(config.stateLogMinIsr(), rf)));
    return new CoordinatorTopic(TxnLogFormat.TOPIC, FindCoordinatorRequest.CoordinatorType.TRANSACTION.id(),
        config.stateLogPartitions(), rf, "transaction.state.log.replication.factor", configs, TxnLogFormat::partitionFor,
        "transactional producers");
  }

  public TxnCoordinator start() {
    actor.start();
    return this;
  }

  /** The API keys served (advertised in ApiVersions); FindCoordinator is routed here by key type. */
  public Set<ApiKeys> apis() {
    return APIS;
  }

  public void close() {
    actor.close();
  }

  /** FindCoordinator with key type TRANSACTION. */
  public ApiMessage findCoordinator(KafkaRequest request) {
    return locator.findCoordinator(request);
  }

  public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
    CompletableFuture<ApiMessage> result = new CompletableFuture<>();
    if (actor.isClosed()) {
      result.complete(request.errorResponse(Errors.COORDINATOR_NOT_AVAILABLE.exception("broker is shutting down")));
      return result;
    }
    try {
      actor.execute(() -> {
        try {
          dispatch(request).whenComplete((response, err) -> {
            if (err != null) {
              log.error("{} v{} failed", request.apiKey(), request.version(), err);
              result.complete(request.errorResponse(err));
            } else {
              result.complete(response);
            }
          });
        } catch (Throwable t) {
          log.error("{} v{} failed", request.apiKey(), request.version(), t);
          result.complete(request.errorResponse(t));
        }
      });
    } catch (Exception rejected) {
      result.complete(request.errorResponse(Errors.COORDINATOR_NOT_AVAILABLE.exception("broker is shutting down")));
    }
    return result;
  }

  /** Runs on the actor thread. */
  private CompletableFuture<ApiMessage> dispatch(KafkaRequest request) throws Exception {
    return switch (request.apiKey()) {
      case INIT_PRODUCER_ID -> initProducerId(request);
      case ADD_PARTITIONS_TO_TXN -> addPartitions(request);
      case ADD_OFFSETS_TO_TXN -> addOffsets(request);
      case END_TXN -> endTxn(request);
      case LIST_TRANSACTIONS -> CompletableFuture.completedFuture(listTransactions(request));
      case DESCRIBE_TRANSACTIONS -> CompletableFuture.completedFuture(describeTransactions(request));
      default -> CompletableFuture.completedFuture(request.errorResponse(Errors.UNSUPPORTED_VERSION.exception()));
    };
  }

  /**
   * PRODUCER_FENCED exists from these versions on (KIP-588); older clients are told INVALID_PRODUCER_EPOCH,
   * as Kafka does.
   */
  static Errors forVersion(Errors error, ApiKeys api, short version) {
    short firstWithFenced = switch (api) {
      case INIT_PRODUCER_ID -> 4;
      case ADD_PARTITIONS_TO_TXN, ADD_OFFSETS_TO_TXN, END_TXN -> 2;
      default -> 0;
    };
    return error == Errors.PRODUCER_FENCED && version < firstWithFenced ? Errors.INVALID_PRODUCER_EPOCH : error;
  }

  // ------------------------------------------------------------------ InitProducerId

  private CompletableFuture<ApiMessage> initProducerId(KafkaRequest request) throws Exception {
    InitProducerIdRequestData d = request.data();
    short v = request.version();
    long expectedId = v >= 3 ? d.producerId() : TxnMetadata.NO_PRODUCER_ID;
    short expectedEpoch = v >= 3 ? d.producerEpoch() : TxnMetadata.NO_EPOCH;
    if (d.transactionalId() == null) {
      long[] idAndEpoch = host.producerIdAndEpoch(expectedId, expectedEpoch);
      return CompletableFuture.completedFuture(new InitProducerIdResponseData().setProducerId(idAndEpoch[0])
          .setProducerEpoch((short) idAndEpoch[1]));
    }
    long now = time.milliseconds();
    return actor.run(d.transactionalId(), current -> TxnStateMachine.initProducerId(current, d.transactionalId(),
            d.transactionTimeoutMs(), config.maxTimeoutMs(), expectedId, expectedEpoch, now, this::newProducerId))
        .thenApply(o -> {
          InitProducerIdResponseData r = new InitProducerIdResponseData()
              .setErrorCode(forVersion(o.error(), ApiKeys.INIT_PRODUCER_ID, v).code());
          boolean answered = o.error() == Errors.NONE && o.state() != null;
          return r.setProducerId(answered ? o.state().producerId() : TxnMetadata.NO_PRODUCER_ID)
              .setProducerEpoch(answered ? o.state().producerEpoch() : TxnMetadata.NO_EPOCH);
        });
  }

  private long newProducerId() {
    try {
      return host.producerIdAndEpoch(TxnMetadata.NO_PRODUCER_ID, TxnMetadata.NO_EPOCH)[0];
    } catch (Exception e) {
      throw new IllegalStateException("cannot allocate a producer id", e);
    }
  }

  // ------------------------------------------------------------------ AddPartitionsToTxn, AddOffsetsToTxn

  private CompletableFuture<ApiMessage> addPartitions(KafkaRequest request) {
    AddPartitionsToTxnRequestData d = request.data();
    short v = request.version();
    AddPartitionsToTxnResponseData resp = new AddPartitionsToTxnResponseData();
    if (v <= 3) {
      List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(d.v3AndBelowTopics());
      return addOrVerify(d.v3AndBelowTransactionalId(), d.v3AndBelowProducerId(), d.v3AndBelowProducerEpoch(), false,
          partitions, v).thenApply(errors -> resp.setResultsByTopicV3AndBelow(
              AddPartitionsToTxnResponse.resultForTransaction(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID, errors)
                  .topicResults()));
    }
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (AddPartitionsToTxnTransaction t : d.transactions()) {
      List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(t.topics());
      all.add(addOrVerify(t.transactionalId(), t.producerId(), t.producerEpoch(), t.verifyOnly(), partitions, v)
          .thenAccept(errors -> resp.resultsByTransaction()
              .add(AddPartitionsToTxnResponse.resultForTransaction(t.transactionalId(), errors))));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(x -> resp);
  }

  /** The error of each partition: one error for all, or UNKNOWN_TOPIC_OR_PARTITION and OPERATION_NOT_ATTEMPTED. */
  private CompletableFuture<Map<TopicPartition, Errors>> addOrVerify(String transactionalId, long producerId, short epoch,
      boolean verifyOnly, List<TopicPartition> partitions, short v) {
    ClusterImage image = host.image();
    List<TopicPartition> unknown = partitions.stream().filter(tp -> image.partition(tp).isEmpty()).toList();
    if (!unknown.isEmpty()) {
      Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
      partitions.forEach(tp -> errors.put(tp, unknown.contains(tp) ? Errors.UNKNOWN_TOPIC_OR_PARTITION
          : Errors.OPERATION_NOT_ATTEMPTED));
      return CompletableFuture.completedFuture(errors);
    }
    if (verifyOnly) {
      Errors coordinator = actor.coordinatorError(transactionalId);
      TxnMetadata current = actor.state(transactionalId);
      Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
      partitions.forEach(tp -> errors.put(tp, coordinator != Errors.NONE ? coordinator
          : TxnStateMachine.verify(current, producerId, epoch, tp)));
      return CompletableFuture.completedFuture(errors);
    }
    long now = time.milliseconds();
    return actor.run(transactionalId, current -> TxnStateMachine.addPartitions(current, producerId, epoch, partitions, now))
        .thenApply(o -> {
          Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
          Errors e = forVersion(o.error(), ApiKeys.ADD_PARTITIONS_TO_TXN, v);
          partitions.forEach(tp -> errors.put(tp, e));
          return errors;
        });
  }

  private CompletableFuture<ApiMessage> addOffsets(KafkaRequest request) {
    AddOffsetsToTxnRequestData d = request.data();
    // The group's offsets partition joins the transaction: its markers make the TxnOffsetCommit visible.
    int offsetsPartitions = host.image().topic(OffsetsTopicFormat.TOPIC).map(t -> t.partitionCount()).orElse(-1);
    if (offsetsPartitions < 0) {
      return CompletableFuture.completedFuture(new AddOffsetsToTxnResponseData()
          .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()));
    }
    TopicPartition offsets = new TopicPartition(OffsetsTopicFormat.TOPIC,
        OffsetsTopicFormat.partitionFor(d.groupId(), offsetsPartitions));
    long now = time.milliseconds();
    return actor.run(d.transactionalId(), current -> TxnStateMachine.addPartitions(current, d.producerId(),
            d.producerEpoch(), List.of(offsets), now))
        .thenApply(o -> new AddOffsetsToTxnResponseData()
            .setErrorCode(forVersion(o.error(), ApiKeys.ADD_OFFSETS_TO_TXN, request.version()).code()));
  }

  // ------------------------------------------------------------------ EndTxn

  private CompletableFuture<ApiMessage> endTxn(KafkaRequest request) {
    EndTxnRequestData d = request.data();
    long now = time.milliseconds();
    if (TransactionsV2Versions.endTxnBumpsEpoch(request.version())) {
      // Transactions v2: the epoch is bumped; the answer says which producer id and epoch to continue with.
      return actor.run(d.transactionalId(), current -> TxnStateMachine.endTxnV2(current, d.producerId(), d.producerEpoch(),
              d.committed(), now, this::newProducerId))
          .thenApply(o -> {
            boolean answered = o.error() == Errors.NONE && o.state() != null;
            return EndTxnV5Response.of(new EndTxnResponseData().setErrorCode(o.error().code()),
                answered ? o.state().producerId() : TxnMetadata.NO_PRODUCER_ID,
                answered ? o.state().producerEpoch() : TxnMetadata.NO_EPOCH);
          });
    }
    return actor.run(d.transactionalId(), current -> TxnStateMachine.endTxn(current, d.producerId(), d.producerEpoch(),
            d.committed(), now))
        .thenApply(o -> new EndTxnResponseData()
            .setErrorCode(forVersion(o.error(), ApiKeys.END_TXN, request.version()).code()));
  }

  // ------------------------------------------------------------------ ListTransactions, DescribeTransactions

  private ApiMessage listTransactions(KafkaRequest request) {
    ListTransactionsRequestData d = request.data();
    ListTransactionsResponseData resp = new ListTransactionsResponseData();
    Set<TxnState> states = EnumSet.noneOf(TxnState.class);
    for (String name : d.stateFilters()) {
      try {
        states.add(TxnState.fromKafkaName(name));
      } catch (IllegalArgumentException unknown) {
        resp.unknownStateFilters().add(name);
      }
    }
    long now = time.milliseconds();
    long minDurationMs = request.version() >= 1 ? d.durationFilter() : -1;
    List<TxnMetadata> all = actor.states();
    all.sort((a, b) -> a.transactionalId().compareTo(b.transactionalId()));
    for (TxnMetadata m : all) {
      boolean stateOk = d.stateFilters().isEmpty() || states.contains(m.state());
      boolean idOk = d.producerIdFilters().isEmpty() || d.producerIdFilters().contains(m.producerId());
      boolean durationOk = minDurationMs < 0 || (m.txnStartMs() >= 0 && now - m.txnStartMs() > minDurationMs);
      if (stateOk && idOk && durationOk) {
        resp.transactionStates().add(new ListTransactionsResponseData.TransactionState()
            .setTransactionalId(m.transactionalId()).setProducerId(m.producerId())
            .setTransactionState(m.state().kafkaName()));
      }
    }
    return resp;
  }

  private ApiMessage describeTransactions(KafkaRequest request) {
    DescribeTransactionsRequestData d = request.data();
    DescribeTransactionsResponseData resp = new DescribeTransactionsResponseData();
    for (String id : d.transactionalIds()) {
      DescribeTransactionsResponseData.TransactionState out = new DescribeTransactionsResponseData.TransactionState()
          .setTransactionalId(id);
      resp.transactionStates().add(out);
      Errors error = actor.coordinatorError(id);
      TxnMetadata m = error == Errors.NONE ? actor.state(id) : null;
      if (error == Errors.NONE && m == null) {
        error = Errors.TRANSACTIONAL_ID_NOT_FOUND;
      }
      if (error != Errors.NONE) {
        out.setErrorCode(error.code()).setTransactionState("").setProducerId(-1).setProducerEpoch((short) -1);
        continue;
      }
      out.setTransactionState(m.state().kafkaName()).setTransactionTimeoutMs(m.timeoutMs())
          .setTransactionStartTimeMs(m.txnStartMs()).setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch());
      Map<String, List<Integer>> byTopic = new TreeMap<>();
      m.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
      byTopic.forEach((topic, parts) -> out.topics().add(new DescribeTransactionsResponseData.TopicData()
          .setTopic(topic).setPartitions(parts)));
    }
    return resp;
  }
}
