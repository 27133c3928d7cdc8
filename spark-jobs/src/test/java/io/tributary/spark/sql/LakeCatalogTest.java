package io.tributary.spark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.spark.JobException;
import io.tributary.spark.sql.LakeCatalog.TableRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeCatalogTest {
  @TempDir Path dir;

  @Test
  void oneFilePerTableNamedAfterIt() throws Exception {
    Files.writeString(dir.resolve("orders.yaml"), "path: ../lake/orders/\ndescription: by key\n");
    Files.writeString(dir.resolve("clicks.json"), "{\"path\": \"hdfs://nn:8020/lake/clicks\"}");
    Files.writeString(dir.resolve("notes.txt"), "not a table");
    List<TableRef> tables = LakeCatalog.read(dir);
    assertEquals(List.of("clicks", "orders"), tables.stream().map(TableRef::name).toList());
    assertEquals("hdfs://nn:8020/lake/clicks", tables.get(0).uri());
    assertEquals(dir.getParent().resolve("lake/orders").toUri().toString().replaceAll("/$", ""), tables.get(1).uri());
    assertEquals(dir.resolve("orders.yaml") + ":1", tables.get(1).definedBy());
    assertEquals(List.of(), LakeCatalog.read(dir.resolve("absent")));
  }

  @Test
  void badDefinitionsNameTheirFileAndLine() throws Exception {
    Files.writeString(dir.resolve("orders.yaml"), "description: x\n");
    assertEquals(dir.resolve("orders.yaml") + ":1: path: required (the table's location: file:///..., hdfs://..., or a local path)",
        assertThrows(JobException.class, () -> LakeCatalog.read(dir)).getMessage());
    Files.writeString(dir.resolve("orders.yaml"), "path: [a\n");
    String syntax = assertThrows(JobException.class, () -> LakeCatalog.read(dir)).getMessage();
    assertEquals(true, syntax.startsWith(dir.resolve("orders.yaml") + ":1: malformed YAML: while parsing a flow sequence, expected ',' or ']'"), syntax);
    Files.delete(dir.resolve("orders.yaml"));
    Files.writeString(dir.resolve("my-table.yaml"), "path: /x\n");
    assertEquals(dir.resolve("my-table.yaml") + ": 'my-table' is not a table name (a letter or '_', then letters, digits, '_'): rename the file",
        assertThrows(JobException.class, () -> LakeCatalog.read(dir)).getMessage());
  }

  @Test
  void tableOptions() {
    TableRef t = LakeCatalog.option("orders=file:///lake/orders", dir);
    assertEquals(new TableRef("orders", "file:///lake/orders", "--table orders=file:///lake/orders"), t);
    assertEquals(dir.resolve("x").toUri().toString(), LakeCatalog.option("t=x", dir).uri());
    assertEquals("--table orders: expected NAME=LOCATION (e.g. orders=file:///tmp/lake/orders)",
        assertThrows(JobException.class, () -> LakeCatalog.option("orders", dir)).getMessage());
    assertEquals("--table o=file://lake/x: 'file://lake/x' names a host; a local path needs three slashes (file:///...)",
        assertThrows(JobException.class, () -> LakeCatalog.option("o=file://lake/x", dir)).getMessage());
  }
}
