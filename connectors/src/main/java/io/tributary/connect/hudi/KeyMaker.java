package io.tributary.connect.hudi;

import io.tributary.connect.Sink;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.hudi.common.config.TypedProperties;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.keygen.BaseKeyGenerator;
import org.apache.hudi.keygen.ComplexAvroKeyGenerator;
import org.apache.hudi.keygen.NonpartitionedAvroKeyGenerator;
import org.apache.hudi.keygen.SimpleAvroKeyGenerator;
import org.apache.hudi.keygen.constant.KeyGeneratorType;

/**
 * Makes Hudi records of validated values: the key (record key and partition path) by Hudi's own Avro key
 * generator of the kind the table is declared with, so that Spark writers of the same table agree on keys; the
 * payload orders by the precombine field.
 */
final class KeyMaker {
  private final BaseKeyGenerator keyGenerator;
  private final String precombineField;

  KeyMaker(Sink.Hudi sink) {
    TypedProperties props = new TypedProperties();
    props.setProperty("hoodie.datasource.write.recordkey.field", sink.recordKey());
    props.setProperty("hoodie.datasource.write.partitionpath.field", sink.partitionPath().orElse(""));
    this.keyGenerator = switch (keyGeneratorType(sink)) {
      case NON_PARTITION -> new NonpartitionedAvroKeyGenerator(props);
      case SIMPLE -> new SimpleAvroKeyGenerator(props);
      default -> new ComplexAvroKeyGenerator(props);
    };
    this.precombineField = sink.precombineField();
  }

  /** NON_PARTITION without a partition path; SIMPLE for one key and one partition field; else COMPLEX. */
  static KeyGeneratorType keyGeneratorType(Sink.Hudi sink) {
    if (sink.partitionPath().isEmpty()) {
      return KeyGeneratorType.NON_PARTITION;
    }
    return fields(sink.recordKey()).size() == 1 && fields(sink.partitionPath().get()).size() == 1
        ? KeyGeneratorType.SIMPLE : KeyGeneratorType.COMPLEX;
  }

  static List<String> fields(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The Hudi record of a value whose key and precombine fields were checked to be set. */
  HoodieRecord<DefaultHoodieRecordPayload> record(GenericRecord value) {
    HoodieKey key = keyGenerator.getKey(value);
    @SuppressWarnings("unchecked")
    Comparable<Object> ordering = (Comparable<Object>) value.get(precombineField);
    return new HoodieAvroRecord<>(key, new DefaultHoodieRecordPayload(value, ordering));
  }

  /**
   * The delete of a tombstone: only the record key is known (from the message key), so it has no precombine
   * value and removes the key whatever the table holds. A partitioned table's index is global, so the
   * partition path is not needed to find the row.
   */
  HoodieRecord<DefaultHoodieRecordPayload> tombstone(GenericRecord keyFields) {
    HoodieKey key = new HoodieKey(keyGenerator.getRecordKey(keyFields), "");
    return new HoodieAvroRecord<>(key, new DefaultHoodieRecordPayload(Option.empty()));
  }
}
