package io.tributary.log.group;

import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * An internal topic whose partition leaders are coordinators ({@code __consumer_offsets} for groups,
 * {@code __transaction_state} for transactions): what {@link CoordinatorLocator} needs to answer
 * FindCoordinator for one key type and to create the topic on first need.
 *
 * @param name the topic
 * @param keyType FindCoordinator's key type served ({@code CoordinatorType.id()})
 * @param partitions partitions created
 * @param replicationFactor replication factor created; never less (the topic waits for enough brokers)
 * @param replicationFactorKey the broker key of {@code replicationFactor}, named when brokers are too few
 * @param configs the topic's configs at creation
 * @param partitionFor the partition of a key, given the topic's partition count
 * @param waiting who waits while the topic cannot be created, for the operator's log line ("consumer groups")
 */
public record CoordinatorTopic(String name, byte keyType, int partitions, int replicationFactor,
                               String replicationFactorKey, Map<String, String> configs,
                               ToIntBiFunction<String, Integer> partitionFor, String waiting) {}
