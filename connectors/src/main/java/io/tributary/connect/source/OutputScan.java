package io.tributary.connect.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads what a files source wrote after its last checkpoint: every record of the pipeline (by the
 * {@link SourceHeaders#PIPELINE} header) between the checkpoint's end offsets and the current end of each
 * partition, and records per file the highest line found in the sink topic (good lines) and in the
 * dead-letter topic (bad lines, those with an {@link SourceHeaders#ERROR_REASON} header).
 */
final class OutputScan {
  private static final long TIMEOUT_MS = 300_000;

  /** Lines found per file, and how many records of the pipeline the scan read. */
  record Result(Map<String, FileProgress> found, long records) {}

  private OutputScan() {}

  /**
   * @param c a consumer without a group, assigned to the output partitions for the time
   * @param from where to start in each partition (the last checkpoint's end offsets)
   * @param to where to stop (end offsets read just before)
   */
  static Result scan(KafkaConsumer<byte[], byte[]> c, String pipeline, Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to) {
    Map<String, FileProgress> found = new HashMap<>();
    long records = 0;
    List<TopicPartition> tps = new ArrayList<>();
    for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
      Long end = to.get(e.getKey());
      if (end != null && end > e.getValue()) {
        tps.add(e.getKey());
      }
    }
    if (tps.isEmpty()) {
      return new Result(found, 0);
    }
    {
      c.assign(tps);
      for (TopicPartition tp : tps) {
        c.seek(tp, from.get(tp));
      }
      long deadline = System.currentTimeMillis() + TIMEOUT_MS;
      List<TopicPartition> open = new ArrayList<>(tps);
      while (!open.isEmpty()) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("could not read the output partitions " + open + " up to " + to
              + " within " + TIMEOUT_MS + " ms");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= to.get(tp)) {
            continue;
          }
          if (!SourceHeaders.get(r.headers(), SourceHeaders.PIPELINE).map(pipeline::equals).orElse(false)) {
            continue;
          }
          Optional<String> file = SourceHeaders.get(r.headers(), SourceHeaders.FILE);
          Optional<String> line = SourceHeaders.get(r.headers(), SourceHeaders.LINE);
          if (file.isEmpty() || line.isEmpty()) {
            throw new IllegalStateException(tp + " offset " + r.offset() + ": a record of pipeline " + pipeline
                + " without the " + SourceHeaders.FILE + "/" + SourceHeaders.LINE + " headers");
          }
          boolean good = r.headers().lastHeader(SourceHeaders.ERROR_REASON) == null;
          found.merge(file.get(), FileProgress.START.withWritten(Long.parseLong(line.get()), good),
              FileProgress::merge);
          records++;
        }
        open.removeIf(tp -> c.position(tp) >= to.get(tp));
      }
    }
    return new Result(found, records);
  }
}
