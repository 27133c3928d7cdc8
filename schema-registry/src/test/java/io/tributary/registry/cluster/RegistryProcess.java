package io.tributary.registry.cluster;

import io.tributary.registry.RegistryServer;
import io.tributary.testkit.JvmProcessBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A registry node in a child JVM ({@link RegistryServer#main}), so that tests can {@code kill -9} it.
 * Its output goes to {@code <dir>/registry.log}.
 */
public final class RegistryProcess implements AutoCloseable {
  private final Process process;
  private final String url;

  private RegistryProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  public static RegistryProcess start(Path dir, Map<String, String> config) throws Exception {
    Files.createDirectories(dir);
    Properties p = new Properties();
    p.putAll(config);
    Path file = dir.resolve("registry.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "registry node for a test");
    }
    Path log = dir.resolve("registry.log");
    // its output is read here for the line saying where it serves, and copied to the log
    Process proc = JvmProcessBuilder.main(RegistryServer.class.getName()).name("registry")
        .jvmArgs("-Xmx256m", "-XX:+UseSerialGC").systemProperty("log4j2.configurationFile", "log4j2-test.xml")
        .args(file.toString()).pipeOutput().start().process();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
          var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          w.write(line);
          w.newLine();
          w.flush();
          if (line.startsWith("Schema registry ready at ")) {
            ready.complete(line.substring("Schema registry ready at ".length()).trim());
          }
        }
      } catch (IOException e) {
        // process gone
      }
      ready.completeExceptionally(new IllegalStateException("registry process exited; see " + log));
    }, "registry-process-output");
    pump.setDaemon(true);
    pump.start();
    try {
      return new RegistryProcess(proc, ready.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      proc.destroyForcibly();
      throw new IllegalStateException("registry process did not start; see " + log, e);
    }
  }

  public String url() {
    return url;
  }

  public long pid() {
    return process.pid();
  }

  /** kill -9. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
