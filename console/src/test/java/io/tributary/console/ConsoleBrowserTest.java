package io.tributary.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.console.kafka.KafkaClients;
import io.tributary.console.kafka.UsersAndAcls;
import io.tributary.registry.serde.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 20, done-when 1: Debian's Chromium, headless, driven by Selenium through the console's pages against a
 * real platform ({@link Platform}: broker, registry, connect worker, Hudi table). Every page is also saved as a
 * screenshot: into {@code target/screenshots}, or the folder {@code -Dconsole.screenshots=DIR} names (docs/console.md
 * takes them with {@code -Dconsole.screenshots=../docs/images}).
 */
class ConsoleBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** A laptop screen. */
  static final int WIDTH = 1280;
  static final int HEIGHT = 900;
  /** How long a page may take to show what is asserted (the first SQL query starts Spark). */
  static final Duration PAGE_WAIT = Duration.ofSeconds(90);
  /** How long the first SQL query may take: it starts Spark in the console's JVM (minutes on a loaded machine). */
  static final Duration SPARK_START_WAIT = Duration.ofSeconds(300);

  /** A topic the overview's test produces to and reads, for throughput in and out. */
  static final String CLICKS = "clicks";
  static final int CLICKS_COUNT = 25;
  /** Events the pipeline's test sends again (upserts of keys the table has: its row count stays). */
  static final int UPSERTED_EVENTS = 10;

  @TempDir static Path dir;
  /** Chromium starts while the platform does (each takes tens of seconds on a busy machine). */
  static CompletableFuture<WebDriver> starting;
  static Platform platform;
  static Console console;
  static WebDriver browser;
  static Path screenshots;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    screenshots = Files.createDirectories(Path.of(System.getProperty("console.screenshots", "target/screenshots")));
    starting = CompletableFuture.supplyAsync(ConsoleBrowserTest::startBrowser);
    platform = Platform.start(dir);
    console = Console.start(platform.consoleConfig());
    browser = starting.join();
  }

  static WebDriver startBrowser() {
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=" + WIDTH + "," + HEIGHT);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() throws Exception {
    if (starting != null) {
      starting.thenAccept(WebDriver::quit).exceptionally(e -> null).join();
    }
    if (console != null) {
      console.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  /**
   * Throughput in and out on {@code /} from the broker's {@code /metrics}: a look, records produced and then read
   * by a consumer, a second look; the rates are over the time between the looks, so they show what happened.
   */
  @Test
  void overviewShowsTheBrokerEveryPartAndThroughputInAndOut() throws Exception {
    open("/");
    assertEquals("1", text(By.id("broker-count")));
    assertEquals("0", text(By.id("offline")));
    assertTrue(browser.findElements(By.id("errors")).isEmpty(), "no part is down");

    platform.cluster.createTopic(CLICKS, 1, 1, Map.of());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.cluster.producerProps(),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < CLICKS_COUNT; i++) {
        producer.send(new ProducerRecord<>(CLICKS, ("click-" + i + " on /checkout").getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
    platform.consumeAll(CLICKS);
    open("/");
    assertTrue(text(By.id("bytes-in")).matches("[1-9][0-9.]* (B|KiB)/s"), text(By.id("bytes-in")));
    assertTrue(text(By.id("bytes-out")).matches("[1-9][0-9.]* (B|KiB)/s"), "a consumer read: " + text(By.id("bytes-out")));
    assertTrue(Double.parseDouble(text(By.id("messages-in"))) > 0, text(By.id("messages-in")));
    assertTrue(browser.findElements(By.id("errors")).isEmpty(), "the broker's metrics were read");
    screenshot("overview");

    // Per topic on /topics: the clicks were read, so they have bytes out.
    open("/topics");
    String row = browser.findElements(By.cssSelector("#topics tbody tr")).stream().map(WebElement::getText)
        .filter(t -> t.startsWith(CLICKS + " ")).findFirst().orElseThrow();
    assertTrue(row.matches(CLICKS + " 1 1 0 " + CLICKS_COUNT + " .* [1-9][0-9.]* (B|KiB)/s [0-9.]+"), row);
    screenshot("topics");
  }

  @Test
  void aTopicCreatedInTheFormAppearsInTopics() throws Exception {
    open("/topics");
    browser.findElement(By.name("name")).sendKeys("console-created");
    browser.findElement(By.name("partitions")).clear();
    browser.findElement(By.name("partitions")).sendKeys("3");
    browser.findElement(By.cssSelector("form[action='/topics'] button")).click();
    waitFor(By.id("partitions"), "2"); // the new topic's page, partitions 0..2
    open("/topics");
    WebElement row = waitFor(By.id("topics"), "console-created");
    assertTrue(row.getText().contains("console-created 3 1"), row.getText());
    // The size comes from the brokers' DescribeLogDirs: an empty topic has 0 bytes (not "-").
    assertTrue(row.getText().contains("console-created 3 1 0 0 0 B "), row.getText());
  }

  @Test
  void anAvroRecordProducedThroughTheRegistryIsShownDecodedWithItsHeaders() throws Exception {
    open("/topics/" + Platform.ORDERS + "?partition=0&from=oldest&limit=5");
    String table = waitFor(By.id("message-table"), "alice").getText();
    assertTrue(table.contains("\"customer\": \"alice\""), table);
    assertTrue(table.contains("avro (schema id"), table);
    assertTrue(table.contains("source: web-shop"), table);
    // The partition's size is its leader's log, from DescribeLogDirs: partition 0 holds records.
    String size = browser.findElement(By.cssSelector("#partitions tbody tr:first-child td:last-child")).getText();
    assertTrue(size.matches("[0-9.]+ (B|KiB|MiB)") && !size.equals("0 B"), size);
    screenshot("topic");
  }

  /** The message browser by offset and by time, and a config edited in the form (checked through the Admin API). */
  @Test
  void messagesAreBrowsedByOffsetAndTimeAndAConfigIsEdited() throws Exception {
    open("/topics/" + Platform.ORDERS + "?partition=0&from=offset&position=3&limit=1");
    String byOffset = waitFor(By.id("message-table"), "order-3").getText();
    assertTrue(!byOffset.contains("order-2") && !byOffset.contains("order-4"), "one message from offset 3: " + byOffset);
    open("/topics/" + Platform.ORDERS + "?partition=0&from=time&position=2000-01-01T00:00:00Z&limit=1");
    String byTime = waitFor(By.id("message-table"), "order-0").getText();
    assertTrue(!byTime.contains("order-1"), "the first message at or after that time: " + byTime);

    open("/topics/" + Platform.ORDERS);
    browser.findElement(By.cssSelector("form[action$='/config'] input[name=key]")).sendKeys("retention.ms");
    browser.findElement(By.cssSelector("form[action$='/config'] input[name=value]")).sendKeys("3600000");
    browser.findElement(By.cssSelector("form[action$='/config'] button")).click();
    waitFor(By.id("configs-table"), "retention.ms 3600000");
    try (Admin admin = platform.cluster.admin()) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Platform.ORDERS);
      Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
      assertEquals("3600000", config.get("retention.ms").value());
    }
  }

  @Test
  void aMessageProducedInTheFormIsThere() throws Exception {
    open("/topics/" + Platform.ORDERS);
    new Select(browser.findElement(By.name("format"))).selectByValue("avro");
    browser.findElement(By.name("partition")).sendKeys("1");
    browser.findElement(By.name("key")).sendKeys("order-form");
    browser.findElement(By.name("value")).sendKeys(
        "{\"id\": \"order-form\", \"customer\": \"bob\", \"amount\": 3.5, \"coupon\": {\"string\": \"WELCOME\"}}");
    browser.findElement(By.cssSelector("form[action$='/produce'] button")).click();
    waitFor(By.id("notice"), "produced to partition");
    String table = waitFor(By.id("message-table"), "WELCOME").getText();
    assertTrue(table.contains("\"customer\": \"bob\""), table);
  }

  @Test
  void aGroupsLagIsShownAndAResetIsPreviewedThenApplied() throws Exception {
    open("/groups");
    waitFor(By.id("groups"), Platform.GROUP);
    screenshot("groups");
    open("/groups/" + Platform.GROUP);
    long lag = Platform.ORDERS_COUNT - Platform.ORDERS_CONSUMED;
    // partition 0 holds the orders (the produce-form test writes to partition 1): committed, end, lag
    waitFor(By.id("lag"), Platform.ORDERS + " 0 " + Platform.ORDERS_CONSUMED + " " + Platform.ORDERS_COUNT + " " + lag);
    new Select(browser.findElement(By.name("strategy"))).selectByValue("to-earliest");
    browser.findElement(By.cssSelector("button[value='preview']")).click();
    String preview = waitFor(By.id("reset-preview"), Platform.ORDERS).getText();
    assertTrue(preview.contains(Platform.ORDERS + " 0 " + Platform.ORDERS_CONSUMED + " 0"), preview);
    screenshot("group");
    browser.findElement(By.id("apply-reset")).click();
    waitFor(By.id("notice"), "(to-earliest)");
    try (Admin admin = platform.cluster.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Platform.GROUP)
          .partitionsToOffsetAndMetadata().get();
      assertEquals(0, committed.get(new TopicPartition(Platform.ORDERS, 0)).offset());
    }
    waitFor(By.id("lag"), Platform.ORDERS + " 0 0 " + Platform.ORDERS_COUNT + " " + Platform.ORDERS_COUNT);
  }

  @Test
  void theDiffOfTwoSchemaVersionsShowsTheAddedField() throws Exception {
    open("/schemas");
    waitFor(By.id("subjects"), Platform.ORDERS + "-value");
    screenshot("schemas");
    open("/schemas/" + Platform.ORDERS + "-value?from=1&to=2");
    String diff = waitFor(By.id("schema-diff"), "coupon").getText();
    assertTrue(diff.lines().anyMatch(l -> l.startsWith("+") && l.contains("\"coupon\"")), diff);
    assertTrue(diff.lines().noneMatch(l -> l.startsWith("-")), "only a field added: " + diff);
    scrollTo(By.id("diff"));
    screenshot("schema");
    browser.findElement(By.name("schema")).sendKeys(Platform.ORDER_V1.toString().replace("\"double\"", "\"string\""));
    browser.findElement(By.cssSelector("form[action*='/check'] button")).click();
    waitFor(By.id("check-result"), "Not compatible");
  }

  /**
   * Records/s is the rate over the worker's recent reports: 0.0 while the pipeline idles (the average since its
   * start would not be), more than 0 once new records went through.
   */
  /** The compatibility level set in the form is the registry's (read back through its REST API). */
  @Test
  void aSubjectsCompatibilityLevelIsSet() throws Exception {
    String subject = Platform.EVENTS + "-value";
    open("/schemas/" + subject);
    By level = By.cssSelector("form[action$='/compatibility'] select[name=level]");
    WebElement before = browser.findElement(level);
    new Select(before).selectByValue("FULL");
    browser.findElement(By.cssSelector("form[action$='/compatibility'] button")).click();
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.stalenessOf(before)); // the page came back
    assertEquals("FULL", new Select(browser.findElement(level)).getFirstSelectedOption().getText());
    JsonNode config = new RegistryClient(platform.registry.url()).call("GET", "/config/" + subject, null);
    assertEquals("FULL", config.path("compatibilityLevel").asText(), config.toString());
  }

  @Test
  void aPipelinesRecordsPerSecondIsItsCurrentRate() throws Exception {
    open("/pipelines");
    String row = waitFor(By.id("pipelines"), Platform.PIPELINE).getText();
    assertTrue(row.contains("RUNNING"), row);
    long seen = platform.pipelineReportMillis();
    Platform.await("a newer report of the worker", () -> platform.pipelineReportMillis() > seen, () -> "none");
    open("/pipelines");
    assertEquals("0.0", text(By.cssSelector("#pipelines td.rate")), "idle since the last look");

    long before = platform.pipelineRecordsOut();
    platform.produceEventsAgain(UPSERTED_EVENTS);
    Platform.await("the worker reports " + UPSERTED_EVENTS + " more records out",
        () -> platform.pipelineRecordsOut() >= before + UPSERTED_EVENTS, () -> "records out " + before);
    open("/pipelines");
    String rate = text(By.cssSelector("#pipelines td.rate"));
    assertTrue(Double.parseDouble(rate) > 0, "records went through: " + rate);
    screenshot("pipelines");
  }

  @Test
  void aPipelinesDeadLettersAreListedWithTheirReasonsAndOneIsReplayed() throws Exception {
    open("/pipelines/" + Platform.PIPELINE);
    // A second look after a newer report of the worker: records/s is then a rate (the first look has one report).
    long seen = platform.pipelineReportMillis();
    Platform.await("a newer report of the worker", () -> platform.pipelineReportMillis() > seen, () -> "none");
    open("/pipelines/" + Platform.PIPELINE);
    assertTrue(text(By.id("records-per-second")).matches("[0-9]+\\.[0-9]"), text(By.id("records-per-second")));
    List<WebElement> letters = waitForAll(By.cssSelector("#dead-letter-table tr.dead-letter"),
        Platform.BAD_EVENTS.size());
    for (WebElement l : letters) {
      assertEquals("not-avro", l.findElement(By.className("reason")).getText(), l.getText());
    }
    String table = browser.findElement(By.id("dead-letter-table")).getText();
    for (int i = 0; i < Platform.BAD_EVENTS.size(); i++) {
      assertTrue(table.contains("bad-" + (i * 10 + 5)), table); // the keys of the bad records, as produced
    }
    assertTrue(browser.findElement(By.id("commit-table")).getText().contains("COMPLETED"));
    screenshot("pipeline");

    long before = endOffset(Platform.EVENTS);
    letters.get(0).findElement(By.cssSelector("input[type=checkbox]")).click();
    browser.findElement(By.id("replay")).click();
    waitFor(By.id("notice"), "replayed 1 dead letters into " + Platform.EVENTS);
    assertEquals(before + 1, endOffset(Platform.EVENTS));
  }

  @Test
  void aHudiTablesCommitsAreShown() throws Exception {
    open("/lake");
    waitFor(By.id("tables"), Platform.TABLE);
    open("/lake/tables/" + Platform.TABLE);
    String timeline = waitFor(By.id("timeline"), "COMPLETED").getText();
    assertTrue(timeline.lines().anyMatch(l -> l.matches("\\d{17} commit COMPLETED \\d{17} " + Platform.GOOD_EVENTS)),
        timeline);
    assertTrue(browser.findElement(By.id("fields")).getText().contains("region"));
    screenshot("table");
  }

  /** The SQL box starts Spark in the console's JVM on the first query (the longest wait of this class). */
  @Test
  void aSqlResultIsShown() throws Exception {
    open("/lake");
    WebElement query = browser.findElement(By.id("sql-query"));
    query.clear();
    query.sendKeys("SELECT region, count(*) AS n FROM " + Platform.TABLE + " GROUP BY region ORDER BY region");
    browser.findElement(By.id("run-sql")).click();
    String result = waitFor(By.id("sql-result"), "eu", SPARK_START_WAIT).getText();
    assertTrue(result.contains("eu " + Platform.GOOD_EVENTS / 2), result);
    assertTrue(result.contains("us " + Platform.GOOD_EVENTS / 2), result);
    screenshot("lake");
    open("/lake/tables/" + Platform.TABLE);
    browser.findElement(By.cssSelector("#row-count button")).click();
    waitFor(By.id("row-count"), Integer.toString(Platform.GOOD_EVENTS));
    open("/lake?query=SELEC+nonsense");
    waitFor(By.id("sql-error"), "SELEC");
  }

  /** The registry, the workers' ZooKeeper and a broker's metrics down: each is named, the cluster still shows. */
  @Test
  void thePartsThatAreDownAreNamedAndTheRestStillShows() throws Exception {
    ConsoleConfig c = platform.consoleConfig();
    ConsoleConfig broken = new ConsoleConfig(c.host(), 0, c.bootstrapServers(), "http://127.0.0.1:1",
        "127.0.0.1:1", c.connectCluster(), c.catalogDir(), Map.of(), Map.of(0, "http://127.0.0.1:1/metrics"));
    try (Console down = Console.start(broken)) {
      browser.get(down.url() + "/");
      String errors = waitFor(By.id("errors"), "schema registry").getText();
      assertTrue(errors.contains("the schema registry at http://127.0.0.1:1 did not answer"), errors);
      assertTrue(errors.contains("ZooKeeper at 127.0.0.1:1 did not answer"), errors);
      assertTrue(errors.contains("the metrics of broker 0 at http://127.0.0.1:1/metrics could not be read"), errors);
      assertEquals("1", text(By.id("broker-count")), "the cluster part still shows");
      screenshot("down");
      browser.get(down.url() + "/schemas");
      waitFor(By.id("errors"), "the schema registry at http://127.0.0.1:1 did not answer");
      browser.get(down.url() + "/pipelines");
      waitFor(By.id("errors"), "ZooKeeper at 127.0.0.1:1 did not answer");
    }
  }

  /** The log cluster down: the overview names it and still shows the registry; the topics page says why it is empty. */
  @Test
  void aClusterThatIsDownIsNamedAndTheRegistryStillShows() throws Exception {
    ConsoleConfig c = platform.consoleConfig();
    ConsoleConfig noCluster = new ConsoleConfig(c.host(), 0, "127.0.0.1:1", c.registryUrl(), c.zookeeperConnect(),
        c.connectCluster(), c.catalogDir(), Map.of());
    try (Console down = Console.start(noCluster)) {
      browser.get(down.url() + "/");
      String errors = waitFor(By.id("errors"), "the log cluster at 127.0.0.1:1 did not answer").getText();
      assertTrue(browser.findElements(By.id("broker-count")).isEmpty(), errors);
      waitFor(By.id("subject-count"), "subjects"); // the registry's part still shows
      browser.get(down.url() + "/topics");
      waitFor(By.id("errors"), "the log cluster at 127.0.0.1:1 did not answer");
    }
  }

  /** The navigation keys open pages, "/" focuses the page's first field, and keys typed into a field stay there. */
  @Test
  void thePagesAreUsableFromTheKeyboard() throws Exception {
    open("/");
    new Actions(browser).sendKeys("t").perform();
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.urlToBe(console.url() + "/topics"));
    waitFor(By.tagName("h1"), "Topics");
    new Actions(browser).sendKeys("/").perform();
    WebElement field = browser.switchTo().activeElement();
    assertEquals("name", field.getAttribute("name"), "the first field of /topics has the focus");
    new Actions(browser).sendKeys("g").perform();
    assertEquals("g", field.getAttribute("value"), "a key typed into a field is the field's");
    assertEquals(console.url() + "/topics", browser.getCurrentUrl());
    new Actions(browser).sendKeys(Keys.TAB).perform();
    assertEquals("partitions", browser.switchTo().activeElement().getAttribute("name"), "Tab goes to the next field");
    // Everything a page loads comes from the console itself: no CDN, no network access.
    for (WebElement e : browser.findElements(By.cssSelector("script[src], link[href]"))) {
      String url = e.getAttribute(e.getTagName().equals("script") ? "src" : "href");
      assertTrue(url.startsWith(console.url() + "/static/"), url);
    }
    open("/");
    new Actions(browser).sendKeys("p").perform();
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.urlToBe(console.url() + "/pipelines"));
    waitFor(By.id("pipelines"), Platform.PIPELINE);
  }

  @Test
  void securityPageSaysThatSecurityIsOff() throws Exception {
    open("/security");
    waitFor(By.id("acl-status"), "security is off");
    screenshot("security-off");
  }

  /** The platform's broker has no authorizer: DescribeAcls answers SECURITY_DISABLED, which the page says plainly. */
  @Test
  void aClusterWithoutAnAuthorizerIsSaidToHaveNone() {
    try (KafkaClients kafka = new KafkaClients(platform.consoleConfig())) {
      UsersAndAcls.Listing<UsersAndAcls.Acl> acls = new UsersAndAcls(kafka).acls();
      assertTrue(acls.rows().isEmpty(), acls.toString());
      assertTrue(acls.note().startsWith("the cluster has no authorizer"), acls.note());
    }
  }

  private static void open(String path) {
    browser.get(console.url() + path);
  }

  private static void scrollTo(By by) {
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", browser.findElement(by));
  }

  private static String text(By by) {
    return browser.findElement(by).getText();
  }

  private static WebElement waitFor(By by, String text) {
    return waitFor(by, text, PAGE_WAIT);
  }

  private static WebElement waitFor(By by, String text, Duration wait) {
    new WebDriverWait(browser, wait).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    return browser.findElement(by);
  }

  private static List<WebElement> waitForAll(By by, int count) {
    new WebDriverWait(browser, PAGE_WAIT).until(ExpectedConditions.numberOfElementsToBe(by, count));
    return browser.findElements(by);
  }

  private static long endOffset(String topic) throws Exception {
    try (Admin admin = platform.cluster.admin()) {
      TopicPartition tp = new TopicPartition(topic, 0);
      return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }
  }

  private static void screenshot(String page) throws Exception {
    Files.write(screenshots.resolve(page + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
