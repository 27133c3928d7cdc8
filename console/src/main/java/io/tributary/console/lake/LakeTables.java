package io.tributary.console.lake;

import io.tributary.console.BadInput;
import io.tributary.spark.sql.LakeCatalog;
import io.tributary.spark.sql.LakeCatalog.TableRef;
import java.nio.file.Path;
import java.util.List;

/** The lake's tables: the catalog folder's {@code <name>.yaml} files, as {@code tributary sql} reads them. */
public final class LakeTables {
  private final Path catalogDir;

  public LakeTables(Path catalogDir) {
    this.catalogDir = catalogDir;
  }

  public Path catalogDir() {
    return catalogDir;
  }

  public List<TableRef> list() {
    return LakeCatalog.read(catalogDir);
  }

  public TableRef table(String name) {
    return list().stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new BadInput("no table '" + name + "' in the catalog " + catalogDir));
  }
}
