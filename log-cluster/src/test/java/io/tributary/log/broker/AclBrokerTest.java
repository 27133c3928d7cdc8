package io.tributary.log.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import io.tributary.log.protocol.ClientSecurity;
import io.tributary.log.protocol.KafkaRpcClient;
import kafka.admin.AclCommand;
import kafka.admin.ConfigCommand;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brokers with an authorizer on a SASL_PLAINTEXT listener (super users: the brokers and "admin"): a SCRAM user
 * made with AlterUserScramCredentials is refused until ACLs allow it (prefixed topic ACLs, a literal group ACL);
 * ACLs round-trip through DescribeAcls and DeleteAcls; a forged replica fetch and a direct write to
 * __consumer_offsets are refused; DescribeLogDirs needs DESCRIBE on the cluster.
 */
class AclBrokerTest {
  static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\"%s\""
      + " user_broker=\"broker-secret\" user_admin=\"admin-secret\";";

  @TempDir static Path dir;
  static EmbeddedCluster cluster;
  /** A second broker whose own login is refused: it stays in the ISR of the topics it follows but never fetches. */
  static Broker silentFollower;
  static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("listeners", "SASL_PLAINTEXT://127.0.0.1:0");
    overrides.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    overrides.put("sasl.jaas.config", String.format(JAAS, "broker-secret"));
    overrides.put("authorizer.class.name", "kafka.security.authorizer.AclAuthorizer");
    overrides.put("super.users", "User:broker;User:admin");
    overrides.put("offsets.topic.replication.factor", "1");
    overrides.put("offsets.topic.num.partitions", "3");
    // The silent follower must stay in the ISR for the length of a test.
    overrides.put("replica.lag.time.max.ms", "600000");
    cluster = EmbeddedCluster.start(1, dir, overrides);
    Map<String, String> follower = new LinkedHashMap<>(cluster.broker(0).config().asMap());
    follower.put("broker.id", "1");
    follower.put("log.dirs", Files.createDirectories(dir.resolve("broker-1")).toString());
    follower.put("listeners", "SASL_PLAINTEXT://127.0.0.1:0");
    follower.put("sasl.jaas.config", String.format(JAAS, "not-the-broker-password"));
    silentFollower = new Broker(BrokerConfig.of(follower));
    silentFollower.start();
    admin = Admin.create(client("PLAIN", "admin", "admin-secret"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (silentFollower != null) {
      silentFollower.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static Properties client(String mechanism, String user, String password) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + cluster.broker(0).boundPort());
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    p.put(SaslConfigs.SASL_MECHANISM, mechanism);
    String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
        : "org.apache.kafka.common.security.scram.ScramLoginModule";
    p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\"" + password + "\";");
    return p;
  }

  /** A SCRAM-SHA-512 user made through AlterUserScramCredentials, once every broker lets it log in. */
  static Properties newScramUser(String user) throws Exception {
    admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), user + "-secret"))).all().get();
    Properties p = client("SCRAM-SHA-512", user, user + "-secret");
    SecureListenersTest.awaitLogin(p);
    return p;
  }

  static void createTopic(String name, List<Integer> replicas, Map<String, String> configs) throws Exception {
    admin.createTopics(List.of(new NewTopic(name, Map.of(0, replicas)).configs(configs))).all().get();
  }

  static KafkaProducer<byte[], byte[]> producer(Properties client, String acks) {
    Properties p = cluster.producerProps();
    p.put(ProducerConfig.ACKS_CONFIG, acks);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "40000");
    p.putAll(client);
    return new KafkaProducer<>(p);
  }

  static AclBinding allow(ResourceType type, String name, PatternType pattern, String user, AclOperation op) {
    return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }

  /** Retries {@code action} while it fails with {@code refusal} (ACLs reach each broker through a watch), for up to 30 s. */
  static <T> T once(Class<? extends Exception> refusal, Callable<T> action) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        return action.call();
      } catch (Exception e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (!refusal.isInstance(cause) || System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  @Test
  void scramUserIsRefusedUntilAclsAllowIt() throws Exception {
    Properties dave = newScramUser("dave");
    createTopic("dave-orders", List.of(0), Map.of());
    createTopic("secret-payroll", List.of(0), Map.of());
    try (KafkaProducer<byte[], byte[]> producer = producer(dave, "1")) {
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> producer.send(new ProducerRecord<>("dave-orders", "x".getBytes())).get());
      assertInstanceOf(TopicAuthorizationException.class, refused.getCause());
    }

    admin.createAcls(List.of(allow(ResourceType.TOPIC, "dave-", PatternType.PREFIXED, "dave", AclOperation.WRITE),
        allow(ResourceType.TOPIC, "dave-", PatternType.PREFIXED, "dave", AclOperation.READ))).all().get();
    RecordMetadata written = once(TopicAuthorizationException.class, () -> {
      try (KafkaProducer<byte[], byte[]> producer = producer(dave, "1")) {
        return producer.send(new ProducerRecord<>("dave-orders", "first".getBytes())).get();
      }
    });
    assertEquals(0, written.offset());

    Properties consumerProps = cluster.consumerProps();
    consumerProps.putAll(dave);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "dave-group");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
      consumer.subscribe(List.of("dave-orders"));
      assertThrows(GroupAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(20)));
    }

    admin.createAcls(List.of(allow(ResourceType.GROUP, "dave-group", PatternType.LITERAL, "dave", AclOperation.READ))).all().get();
    List<String> read = once(GroupAuthorizationException.class, () -> {
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
        consumer.subscribe(List.of("dave-orders"));
        long deadline = System.currentTimeMillis() + 30_000;
        while (values.isEmpty() && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            values.add(new String(r.value()));
          }
        }
      }
      return values;
    });
    assertEquals(List.of("first"), read);

    // Metadata shows dave only the topics he may describe.
    try (Admin asDave = Admin.create(dave)) {
      Set<String> visible = asDave.listTopics().names().get();
      assertTrue(visible.contains("dave-orders"), visible.toString());
      assertFalse(visible.contains("secret-payroll"), visible.toString());
    }

    AclBindingFilter davesAcls = new AclBindingFilter(ResourcePatternFilter.ANY,
        new AccessControlEntryFilter("User:dave", null, AclOperation.ANY, AclPermissionType.ANY));
    assertEquals(3, admin.describeAcls(davesAcls).values().get().size());
    AclBindingFilter davesGroupAcl = new AclBindingFilter(new ResourcePatternFilter(ResourceType.GROUP, "dave-group", PatternType.LITERAL),
        new AccessControlEntryFilter("User:dave", null, AclOperation.ANY, AclPermissionType.ANY));
    assertEquals(1, admin.deleteAcls(List.of(davesGroupAcl)).all().get().size());
    assertEquals(Set.of(ResourceType.TOPIC),
        admin.describeAcls(davesAcls).values().get().stream().map(b -> b.pattern().resourceType()).collect(Collectors.toSet()));
  }

  @Test
  void forgedReplicaFetchIsRefusedAndNeverCompletesAnAcksAllProduce() throws Exception {
    Properties erin = newScramUser("erin");
    // Replicas 0 (leader) and 1 (the silent follower, in the ISR but never fetching): acks=all waits for broker 1.
    createTopic("replicated", List.of(0, 1), Map.of("min.insync.replicas", "2"));
    admin.createAcls(List.of(allow(ResourceType.TOPIC, "replicated", PatternType.LITERAL, "erin", AclOperation.ALL))).all().get();
    TopicPartition tp = new TopicPartition("replicated", 0);
    try (Admin asErin = Admin.create(erin)) {
      once(TopicAuthorizationException.class, () -> asErin.describeTopics(List.of("replicated")).allTopicNames().get());
    }
    Properties patient = new Properties();
    patient.putAll(erin);
    // One attempt, waiting long enough for the forged fetch and the real one below: no retry appends a second copy.
    patient.put(ProducerConfig.RETRIES_CONFIG, "0");
    patient.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
    patient.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "240000");
    try (KafkaProducer<byte[], byte[]> producer = producer(patient, "all")) {
      Future<RecordMetadata> pending = producer.send(new ProducerRecord<>("replicated", 0, null, "v".getBytes()));
      awaitLogEnd(tp, 1);

      FetchResponseData.PartitionData forged = forgedFetch(client("SCRAM-SHA-512", "erin", "erin-secret"), tp);
      assertEquals(Errors.TOPIC_AUTHORIZATION_FAILED.code(), forged.errorCode());
      assertEquals(0, highWatermark(tp), "a refused replica fetch must not move the high watermark");
      assertFalse(pending.isDone(), "acks=all must not be completed by a refused replica fetch");

      // The same fetch from a principal with CLUSTER_ACTION (a super user) is a follower's fetch: it completes the
      // produce, which shows that the refusal above is what kept it pending.
      assertEquals(Errors.NONE.code(), forgedFetch(client("PLAIN", "admin", "admin-secret"), tp).errorCode());
      assertEquals(0, pending.get().offset());
    }
  }

  @Test
  void describeLogDirsNeedsDescribeOnTheCluster() throws Exception {
    Properties heidi = newScramUser("heidi");
    try (Admin asHeidi = Admin.create(heidi)) {
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> asHeidi.describeLogDirs(List.of(0)).allDescriptions().get());
      assertInstanceOf(ClusterAuthorizationException.class, refused.getCause());

      admin.createAcls(List.of(allow(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, "heidi", AclOperation.DESCRIBE))).all().get();
      Map<Integer, Map<String, LogDirDescription>> dirs = once(ClusterAuthorizationException.class,
          () -> asHeidi.describeLogDirs(List.of(0)).allDescriptions().get());
      assertEquals(Set.of(cluster.logDir(0).toAbsolutePath().normalize().toString()), dirs.get(0).keySet());
    }
  }

  @Test
  void electLeadersNeedsAlterOnTheCluster() throws Exception {
    Properties ivan = newScramUser("ivan");
    createTopic("ivan-elected", List.of(0), Map.of());
    TopicPartition tp = new TopicPartition("ivan-elected", 0);
    try (Admin asIvan = Admin.create(ivan)) {
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> asIvan.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get());
      assertInstanceOf(ClusterAuthorizationException.class, refused.getCause());

      admin.createAcls(List.of(allow(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, "ivan", AclOperation.ALTER))).all().get();
      Map<TopicPartition, Optional<Throwable>> elected = once(ClusterAuthorizationException.class,
          () -> asIvan.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions().get());
      assertInstanceOf(ElectionNotNeededException.class, elected.get(tp).orElseThrow(), "its only replica leads already");
    }
  }

  @Test
  void partitionReassignmentsNeedAlterAndDescribeOnTheCluster() throws Exception {
    Properties judy = newScramUser("judy");
    TopicPartition none = new TopicPartition("no-such-topic", 0);
    try (Admin asJudy = Admin.create(judy)) {
      ExecutionException listRefused = assertThrows(ExecutionException.class,
          () -> asJudy.listPartitionReassignments().reassignments().get());
      assertInstanceOf(ClusterAuthorizationException.class, listRefused.getCause());
      ExecutionException alterRefused = assertThrows(ExecutionException.class,
          () -> asJudy.alterPartitionReassignments(Map.of(none, java.util.Optional.empty())).all().get());
      assertInstanceOf(ClusterAuthorizationException.class, alterRefused.getCause());

      admin.createAcls(List.of(allow(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, "judy", AclOperation.DESCRIBE),
          allow(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, "judy", AclOperation.ALTER))).all().get();
      assertEquals(Map.of(), once(ClusterAuthorizationException.class, () -> asJudy.listPartitionReassignments().reassignments().get()));
      // Allowed now, the request reaches the partition check.
      ExecutionException unknown = assertThrows(ExecutionException.class, () -> once(ClusterAuthorizationException.class,
          () -> asJudy.alterPartitionReassignments(Map.of(none, java.util.Optional.empty())).all().get()));
      assertInstanceOf(org.apache.kafka.common.errors.UnknownTopicOrPartitionException.class, unknown.getCause());
    }
  }

  @Test
  void directWriteToConsumerOffsetsIsRefused() throws Exception {
    Properties frank = newScramUser("frank");
    admin.createAcls(List.of(allow(ResourceType.TOPIC, "*", PatternType.LITERAL, "frank", AclOperation.ALL))).all().get();
    // Asking for a group's offsets makes the coordinator create __consumer_offsets.
    admin.listConsumerGroupOffsets("any-group").partitionsToOffsetAndMetadata().get();
    try (KafkaProducer<byte[], byte[]> producer = producer(frank, "1")) {
      ExecutionException refused = assertThrows(ExecutionException.class, () -> once(TopicAuthorizationException.class,
          () -> producer.send(new ProducerRecord<>("__consumer_offsets", 0, "k".getBytes(), "v".getBytes())).get()));
      assertInstanceOf(InvalidTopicException.class, refused.getCause());
    }
  }

  @Test
  void kafkasOwnConfigAndAclCommandsManageUsersAndAcls() throws Exception {
    Path adminConfig = dir.resolve("admin.properties");
    Properties adminProps = client("PLAIN", "admin", "admin-secret");
    adminProps.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    try (Writer out = Files.newBufferedWriter(adminConfig)) {
      adminProps.store(out, null);
    }
    String bootstrap = "127.0.0.1:" + cluster.broker(0).boundPort();
    assertEquals(0, runTool(ConfigCommand::main, "--bootstrap-server", bootstrap, "--command-config", adminConfig.toString(),
        "--alter", "--entity-type", "users", "--entity-name", "gina", "--add-config", "SCRAM-SHA-512=[password=gina-secret]"));
    Properties gina = client("SCRAM-SHA-512", "gina", "gina-secret");
    SecureListenersTest.awaitLogin(gina);
    createTopic("gina-events", List.of(0), Map.of());
    try (KafkaProducer<byte[], byte[]> producer = producer(gina, "1")) {
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> producer.send(new ProducerRecord<>("gina-events", "x".getBytes())).get());
      assertInstanceOf(TopicAuthorizationException.class, refused.getCause());
    }

    assertEquals(0, runTool(AclCommand::main, "--bootstrap-server", bootstrap, "--command-config", adminConfig.toString(),
        "--add", "--allow-principal", "User:gina", "--operation", "Write", "--topic", "gina-", "--resource-pattern-type", "prefixed"));
    RecordMetadata written = once(TopicAuthorizationException.class, () -> {
      try (KafkaProducer<byte[], byte[]> producer = producer(gina, "1")) {
        return producer.send(new ProducerRecord<>("gina-events", "allowed".getBytes())).get();
      }
    });
    assertEquals(0, written.offset());

    AclBindingFilter ginasAcls = new AclBindingFilter(ResourcePatternFilter.ANY,
        new AccessControlEntryFilter("User:gina", null, AclOperation.ANY, AclPermissionType.ANY));
    assertEquals(List.of(allow(ResourceType.TOPIC, "gina-", PatternType.PREFIXED, "gina", AclOperation.WRITE)),
        new ArrayList<>(admin.describeAcls(ginasAcls).values().get()));
    assertEquals(0, runTool(AclCommand::main, "--bootstrap-server", bootstrap, "--command-config", adminConfig.toString(),
        "--remove", "--force", "--allow-principal", "User:gina", "--operation", "Write", "--topic", "gina-", "--resource-pattern-type", "prefixed"));
    assertEquals(List.of(), new ArrayList<>(admin.describeAcls(ginasAcls).values().get()));
  }

  /** Runs one of Kafka's command-line tools in this JVM; returns the exit code it would have exited with. */
  static int runTool(Consumer<String[]> main, String... args) {
    AtomicInteger exitCode = new AtomicInteger(0);
    Exit.setExitProcedure((code, message) -> exitCode.set(code));
    try {
      main.accept(args);
    } finally {
      Exit.resetExitProcedure();
    }
    return exitCode.get();
  }

  /** A Fetch claiming to be from broker 1, at the leader's log end, sent as {@code client}'s user. */
  static FetchResponseData.PartitionData forgedFetch(Properties client, TopicPartition tp) throws Exception {
    String jaas = client.getProperty(SaslConfigs.SASL_JAAS_CONFIG);
    String user = jaas.replaceAll(".*username=\"([^\"]*)\".*", "$1");
    String password = jaas.replaceAll(".*password=\"([^\"]*)\".*", "$1");
    ClientSecurity security = new ClientSecurity(null, false, client.getProperty(SaslConfigs.SASL_MECHANISM), user, password);
    try (KafkaRpcClient rpc = new KafkaRpcClient("127.0.0.1", cluster.broker(0).boundPort(), "forger", 30_000, security)) {
      FetchRequest request = FetchRequest.Builder.forReplica((short) 12, 1, -1L, 0, 1,
          Map.of(tp, new FetchRequest.PartitionData(Uuid.ZERO_UUID, 1, 0, 1 << 20, Optional.empty()))).build((short) 12);
      FetchResponse response = rpc.send(request);
      return response.data().responses().get(0).partitions().get(0);
    }
  }

  static long highWatermark(TopicPartition tp) throws Exception {
    return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
  }

  static void awaitLogEnd(TopicPartition tp, long end) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (cluster.broker(0).replicaManager().partition(tp).map(p -> p.log().logEndOffset()).orElse(0L) < end) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(tp + " did not reach log end " + end);
      }
      Thread.sleep(50);
    }
  }
}
