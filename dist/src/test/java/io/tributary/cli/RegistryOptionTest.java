package io.tributary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The registry's client keys come from the command's --command-config file, beside its Kafka keys. */
class RegistryOptionTest {
  @TempDir Path dir;

  @Test
  void schemaAndProduceCommandsReadTheRegistryKeysOfCommandConfig() throws Exception {
    Path file = Files.writeString(dir.resolve("client.properties"), """
        security.protocol=SASL_SSL
        basic.auth.credentials.source=USER_INFO
        basic.auth.user.info=etl:etl-secret
        schema.registry.ssl.truststore.type=PEM
        """);
    SchemaCommand.ListSubjects list = new SchemaCommand.ListSubjects();
    new CommandLine(list).parseArgs("--command-config", file.toString(), "--registry", "https://registry:8081");
    Map<String, Object> keys = list.registry.clientKeys();
    assertEquals("etl:etl-secret", keys.get("basic.auth.user.info"));
    assertEquals("USER_INFO", keys.get("basic.auth.credentials.source"));

    ProduceCommand produce = new ProduceCommand();
    new CommandLine(produce).parseArgs("--command-config", file.toString(), "orders");
    assertEquals("etl:etl-secret", produce.registry.clientKeys().get("basic.auth.user.info"));

    SchemaCommand.ListSubjects anonymous = new SchemaCommand.ListSubjects();
    new CommandLine(anonymous).parseArgs();
    assertEquals(Map.of(), anonymous.registry.clientKeys());
  }

  @Test
  void aBadRegistryKeyIsAUsageErrorNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.properties"), "basic.auth.credentials.source=USER_INFO\n");
    SchemaCommand.ListSubjects list = new SchemaCommand.ListSubjects();
    new CommandLine(list).parseArgs("--command-config", file.toString());
    CliException e = assertThrows(CliException.class, () -> list.registry.client());
    assertTrue(e.getMessage().contains("basic.auth.user.info"), e.getMessage());
  }
}
