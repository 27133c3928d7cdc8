package io.tributary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tributary schema ...}: the schema registry through its Confluent-compatible REST API. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "List, show, register, check, configure and delete schemas in the schema registry.",
    subcommands = {
      SchemaCommand.ListSubjects.class, SchemaCommand.Get.class, SchemaCommand.Register.class,
      SchemaCommand.Check.class, SchemaCommand.Config.class, SchemaCommand.Delete.class
    })
final class SchemaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Shared by the subcommands: --registry and the output. */
  abstract static class SchemaSubcommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin RegistryOption registry = new RegistryOption();

    @Option(names = "--command-config", paramLabel = "FILE",
        description = "Client properties; the registry's: basic.auth.credentials.source=USER_INFO, "
            + "basic.auth.user.info=USER:PASSWORD, schema.registry.ssl.truststore.location/type/password.")
    Path commandConfig;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public Integer call() throws Exception {
      int code = run();
      out().flush();
      return code;
    }

    abstract int run() throws Exception;
  }

  /** {@code --schema-file F} or {@code --schema TEXT}: the schema to register or check. */
  static final class SchemaText {
    @Option(names = {"-f", "--schema-file"}, paramLabel = "FILE", description = "File holding the schema (.avsc).")
    Path file;

    @Option(names = {"-s", "--schema"}, paramLabel = "TEXT", description = "The schema itself.")
    String text;

    String read() {
      if (text != null) {
        return text;
      }
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CliException("cannot read the schema file " + file + ": " + Errors.message(e), 2);
      }
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
      description = "Subjects with their latest version, schema id and type.")
  static final class ListSubjects extends SchemaSubcommand {
    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "", description = "Only subjects starting with it.")
    String prefix;

    @Option(names = "--deleted", description = "Include soft-deleted subjects.")
    boolean deleted;

    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run() {
      JsonNode schemas = registry.call("GET", "/schemas?latestOnly=true&deleted=" + deleted + "&subjectPrefix="
          + enc(prefix), null);
      if (schemas.isEmpty() && !output.json()) {
        out().println("no subjects (register one with: ./tributary schema register SUBJECT --schema-file F.avsc)");
        return 0;
      }
      Table t = new Table("SUBJECT", "VERSION", "ID", "TYPE");
      for (JsonNode s : schemas) {
        t.row(s.path("subject").asText(), s.path("version").asInt(), s.path("id").asInt(),
            s.path("schemaType").asText("AVRO"));
      }
      output.print(t, out());
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "A subject's version (default: the latest), or a schema by id.")
  static final class Get extends SchemaSubcommand {
    @Parameters(paramLabel = "SUBJECT", arity = "0..1", description = "Subject (not with --id).")
    String subject;

    @Option(names = {"-v", "--version"}, defaultValue = "latest", description = "Version number or latest (default).")
    String version;

    @Option(names = "--id", description = "Schema id (instead of a subject).")
    Integer id;

    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run() {
      if ((subject == null) == (id == null)) {
        throw new CliException("give a SUBJECT or --id N", 2);
      }
      JsonNode answer = id != null ? registry.call("GET", "/schemas/ids/" + id, null)
          : registry.call("GET", "/subjects/" + enc(subject) + "/versions/" + enc(version), null);
      if (output.json()) {
        OutputFormat.print(answer, out());
        return 0;
      }
      PrintWriter out = out();
      if (subject != null) {
        out.println("SUBJECT  " + answer.path("subject").asText());
        out.println("VERSION  " + answer.path("version").asInt());
        out.println("ID       " + answer.path("id").asInt());
      } else {
        out.println("ID       " + id);
      }
      out.println("TYPE     " + answer.path("schemaType").asText("AVRO"));
      out.println();
      out.println(pretty(answer.path("schema").asText()));
      return 0;
    }

    private static String pretty(String schema) {
      try {
        return Table.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Table.JSON.readTree(schema));
      } catch (IOException notJson) {
        return schema;
      }
    }
  }

  @Command(name = "register", aliases = "create", mixinStandardHelpOptions = true,
      description = "Register a schema under a subject (a new version unless it is already registered there).")
  static final class Register extends SchemaSubcommand {
    @Parameters(paramLabel = "SUBJECT", description = "Subject, e.g. orders-value.")
    String subject;

    @ArgGroup(exclusive = true, multiplicity = "1")
    SchemaText schema;

    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run() {
      ObjectNode body = Table.JSON.createObjectNode();
      body.put("schema", schema.read());
      int id = registry.call("POST", "/subjects/" + enc(subject) + "/versions", body).path("id").asInt();
      JsonNode v = registry.call("POST", "/subjects/" + enc(subject), body);
      if (output.json()) {
        ObjectNode o = Table.JSON.createObjectNode();
        o.put("subject", subject);
        o.put("version", v.path("version").asInt());
        o.put("id", id);
        OutputFormat.print(o, out());
      } else {
        out().println("registered " + subject + " version " + v.path("version").asInt() + ", schema id " + id);
      }
      return 0;
    }
  }

  @Command(name = "check", aliases = "check-compatibility", mixinStandardHelpOptions = true,
      description = {"Is a schema compatible with a subject (under the subject's compatibility level)?",
          "Exit code 0 when compatible, 1 when not."})
  static final class Check extends SchemaSubcommand {
    @Parameters(paramLabel = "SUBJECT", description = "Subject.")
    String subject;

    @ArgGroup(exclusive = true, multiplicity = "1")
    SchemaText schema;

    @Option(names = {"-v", "--version"},
        description = "Check against this version only (default: the versions the compatibility level requires).")
    String version;

    @Mixin OutputFormat output = new OutputFormat();

    @Override
    int run() {
      ObjectNode body = Table.JSON.createObjectNode();
      body.put("schema", schema.read());
      JsonNode answer = registry.call("POST", "/compatibility/subjects/" + enc(subject) + "/versions"
          + (version == null ? "" : "/" + enc(version)) + "?verbose=true", body);
      boolean compatible = answer.path("is_compatible").asBoolean();
      if (output.json()) {
        OutputFormat.print(answer, out());
      } else {
        out().println(compatible ? "compatible with " + subject : "NOT compatible with " + subject);
        answer.path("messages").forEach(m -> out().println("  " + m.asText()));
      }
      return compatible ? 0 : 1;
    }
  }

  @Command(name = "config", mixinStandardHelpOptions = true,
      description = {"Show or set the compatibility level, globally or of one subject.",
          "Levels: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE."})
  static final class Config extends SchemaSubcommand {
    @Parameters(paramLabel = "SUBJECT", arity = "0..1", description = "Subject (default: the global level).")
    String subject;

    @Option(names = "--set", paramLabel = "LEVEL", description = "Set this level.")
    String level;

    @Option(names = "--delete", description = "Remove the subject's own level (it then follows the global one).")
    boolean delete;

    @Override
    int run() {
      if (level != null && delete) {
        throw new CliException("give either --set LEVEL or --delete, not both", 2);
      }
      String path = subject == null ? "/config" : "/config/" + enc(subject);
      String scope = subject == null ? "global" : "subject " + subject;
      if (level != null) {
        ObjectNode body = Table.JSON.createObjectNode();
        body.put("compatibility", level.toUpperCase(Locale.ROOT));
        JsonNode answer = registry.call("PUT", path, body);
        out().println(scope + ": compatibility " + answer.path("compatibility").asText());
      } else if (delete) {
        registry.call("DELETE", path, null);
        out().println(scope + ": compatibility level removed");
      } else {
        JsonNode answer = registry.call("GET", subject == null ? path : path + "?defaultToGlobal=true", null);
        out().println(scope + ": compatibility " + answer.path("compatibilityLevel").asText());
      }
      return 0;
    }
  }

  @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
      description = "Delete a subject (every version) or one version; soft unless --permanent.")
  static final class Delete extends SchemaSubcommand {
    @Parameters(paramLabel = "SUBJECT", description = "Subject.")
    String subject;

    @Option(names = {"-v", "--version"}, description = "Only this version.")
    String version;

    @Option(names = "--permanent", description = "Remove for good (the subject or version must be soft-deleted first).")
    boolean permanent;

    @Override
    int run() {
      String path = "/subjects/" + enc(subject) + (version == null ? "" : "/versions/" + enc(version))
          + (permanent ? "?permanent=true" : "");
      JsonNode answer = registry.call("DELETE", path, null);
      out().println((permanent ? "permanently deleted " : "deleted ") + subject
          + (version == null ? " versions " + answer : " version " + answer.asText()));
      return 0;
    }
  }
}
