package io.tributary.console.pipelines;

import io.tributary.console.BadInput;
import io.tributary.console.kafka.MessageBrowser;
import io.tributary.console.kafka.MessageBrowser.From;
import io.tributary.console.kafka.MessageBrowser.Read;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A pipeline's dead-letter topic: the newest dead letters with their reasons, and replaying chosen ones into the
 * topic they came from (same key, value and headers, without the error headers), where the pipeline reads them
 * again, e.g. after the table's schema or the pipeline was fixed.
 */
public final class DeadLetters {
  /** Most dead letters listed (and replayable) at once: the newest ones. */
  public static final int LISTED = 100;

  private final MessageBrowser browser;

  public DeadLetters(MessageBrowser browser) {
    this.browser = browser;
  }

  public List<DeadLetterView> list(String deadLetterTopic) {
    return browser.read(deadLetterTopic, Optional.empty(), From.newest, 0, LISTED).messages().stream()
        .map(DeadLetterView::of).toList();
  }

  /**
   * Produces the dead letters {@code ids} ("partition-offset" in the dead-letter topic) to the topic each came
   * from; returns where each landed.
   */
  public List<String> replay(String deadLetterTopic, Set<String> ids) {
    if (ids.isEmpty()) {
      throw new BadInput("choose the dead letters to replay");
    }
    Read read = browser.read(deadLetterTopic, Optional.empty(), From.newest, 0, LISTED);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    Set<String> found = new HashSet<>();
    for (int i = 0; i < read.records().size(); i++) {
      ConsumerRecord<byte[], byte[]> r = read.records().get(i);
      DeadLetterView view = DeadLetterView.of(read.messages().get(i));
      if (!ids.contains(view.id())) {
        continue;
      }
      if (view.sourceTopic().equals("-")) {
        throw new BadInput("dead letter " + view.id() + " has no " + DeadLetterView.HEADER_TOPIC + " header");
      }
      ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(view.sourceTopic(), r.key(), r.value());
      for (Header h : r.headers()) {
        if (!DeadLetterView.isErrorHeader(h.key())) {
          again.headers().add(h);
        }
      }
      out.add(again);
      found.add(view.id());
    }
    if (!found.containsAll(ids)) {
      throw new BadInput("not among the newest " + LISTED + " dead letters: " + ids.stream()
          .filter(id -> !found.contains(id)).sorted().toList());
    }
    return browser.send(out);
  }
}
