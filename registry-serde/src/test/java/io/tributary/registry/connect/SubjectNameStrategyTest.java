package io.tributary.registry.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectNameStrategyTest {
  static final Schema ROW = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"Value\",\"namespace\":\"pg.public.items\",\"fields\":[]}");

  @ParameterizedTest
  @CsvSource({
      ",                                                          false, items-value",
      "io.confluent.kafka.serializers.subject.TopicNameStrategy,  true,  items-key",
      "TopicNameStrategy,                                         false, items-value",
      "io.confluent.kafka.serializers.subject.RecordNameStrategy, false, pg.public.items.Value",
      "TopicRecordNameStrategy,                                   true,  items-pg.public.items.Value"})
  void subjects(String configured, boolean isKey, String subject) {
    assertEquals(subject, SubjectNameStrategy.parse("value.subject.name.strategy", configured)
        .subject("items", isKey, ROW));
  }

  @Test
  void anUnknownStrategyIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SubjectNameStrategy.parse("key.subject.name.strategy", "com.acme.Mine"));
    assertEquals("key.subject.name.strategy 'com.acme.Mine' is not supported: use io.confluent.kafka.serializers."
        + "subject.TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy", e.getMessage());
  }
}
