package io.tributary.console;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.log.embedded.EmbeddedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 20: {@code /security} with security on. One broker in this JVM with a SASL_PLAINTEXT listener and an
 * authorizer ("admin", a PLAIN user, is a super user); the console connects as admin, as {@code --command-config}
 * would make it. A SCRAM user made with AlterUserScramCredentials and an ACL made with CreateAcls are listed.
 */
class ConsoleSecurityBrowserTest {
  static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
      + " username=\"%s\" password=\"%s\" user_broker=\"broker-secret\" user_admin=\"admin-secret\";";
  static final String USER = "alice";
  static final int ITERATIONS = 8192;
  static final String TOPIC_PREFIX = "alice-";
  /** The page is reloaded until it lists what was made (ACLs reach the broker through a ZooKeeper watch). */
  static final Duration PAGE_WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  static CompletableFuture<WebDriver> starting;
  static EmbeddedCluster cluster;
  static Console console;
  static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(ConsoleBrowserTest.CHROMIUM) && Files.isExecutable(ConsoleBrowserTest.CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    starting = CompletableFuture.supplyAsync(ConsoleBrowserTest::startBrowser);
    cluster = EmbeddedCluster.start(1, dir, Map.of(
        "listeners", "SASL_PLAINTEXT://127.0.0.1:0",
        "sasl.mechanism.inter.broker.protocol", "PLAIN",
        "sasl.jaas.config", String.format(JAAS, "broker", "broker-secret"),
        "authorizer.class.name", "kafka.security.authorizer.AclAuthorizer",
        "super.users", "User:broker;User:admin",
        "offsets.topic.replication.factor", "1"));
    Map<String, String> admin = Map.of(
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
        SaslConfigs.SASL_MECHANISM, "PLAIN",
        SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"admin\" password=\"admin-secret\";");
    String bootstrap = "127.0.0.1:" + cluster.broker(0).boundPort();
    Properties adminProps = new Properties();
    adminProps.putAll(admin);
    adminProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin client = Admin.create(adminProps)) {
      client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), USER + "-secret"))).all().get();
      client.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, TOPIC_PREFIX, PatternType.PREFIXED),
          new AccessControlEntry("User:" + USER, "*", AclOperation.WRITE, AclPermissionType.ALLOW)))).all().get();
    }
    console = Console.start(new ConsoleConfig("127.0.0.1", 0, bootstrap, "http://127.0.0.1:1", "127.0.0.1:1",
        "none", dir.resolve("catalog"), admin));
    browser = starting.join();
  }

  @AfterAll
  static void stop() throws Exception {
    if (starting != null) {
      starting.thenAccept(WebDriver::quit).exceptionally(e -> null).join();
    }
    if (console != null) {
      console.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void securityPageListsTheScramUserAndTheAcl() throws Exception {
    String users = reloadUntil("/security", By.id("users"), USER);
    assertTrue(users.contains(USER + " SCRAM-SHA-512 " + ITERATIONS), users);
    String acls = reloadUntil("/security", By.id("acls"), TOPIC_PREFIX);
    assertTrue(acls.contains("User:" + USER + " * WRITE ALLOW TOPIC " + TOPIC_PREFIX + " PREFIXED"), acls);
    Path screenshots = Files.createDirectories(Path.of(System.getProperty("console.screenshots", "target/screenshots")));
    Files.write(screenshots.resolve("security.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  /** Loads {@code path} again until the element {@code by} shows {@code text}; returns the element's text. */
  private static String reloadUntil(String path, By by, String text) {
    return new WebDriverWait(browser, PAGE_WAIT, Duration.ofMillis(500)).until(b -> {
      b.get(console.url() + path);
      return b.findElements(by).stream().map(e -> e.getText()).filter(t -> t.contains(text)).findFirst().orElse(null);
    });
  }
}
