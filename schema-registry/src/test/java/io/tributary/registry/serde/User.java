package io.tributary.registry.serde;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** A hand-written SpecificRecord (what avro-maven-plugin would generate), for the specific-reader tests. */
public class User extends SpecificRecordBase {
  public static final Schema SCHEMA$ = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.tributary.registry.serde\",\"fields\":["
          + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\",\"default\":-1}]}");

  public CharSequence name;
  public int age;

  public User() {}

  public User(String name, int age) {
    this.name = name;
    this.age = age;
  }

  public static Schema getClassSchema() {
    return SCHEMA$;
  }

  @Override
  public Schema getSchema() {
    return SCHEMA$;
  }

  @Override
  public Object get(int field) {
    return switch (field) {
      case 0 -> name;
      case 1 -> age;
      default -> throw new IndexOutOfBoundsException(field);
    };
  }

  @Override
  public void put(int field, Object value) {
    switch (field) {
      case 0 -> name = (CharSequence) value;
      case 1 -> age = (Integer) value;
      default -> throw new IndexOutOfBoundsException(field);
    }
  }
}
