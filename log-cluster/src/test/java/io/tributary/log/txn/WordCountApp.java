package io.tributary.log.txn;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * The word count of {@link KafkaStreamsExactlyOnceTest} (exactly_once_v2, a repartition, a state store) as an
 * application of its own JVM, so that the test can kill it with SIGKILL and start it again on the same state
 * directory. Arguments: bootstrap stateDir pauseMsPerLine. Runs until killed.
 */
public final class WordCountApp {
  private WordCountApp() {}

  public static void main(String[] args) throws InterruptedException {
    KafkaStreams streams = new KafkaStreams(KafkaStreamsExactlyOnceTest.wordCount(Long.parseLong(args[2])),
        KafkaStreamsExactlyOnceTest.streamsProps(args[0], Path.of(args[1])));
    streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.REPLACE_THREAD);
    streams.setStateListener((now, before) -> System.out.println("streams state " + before + " -> " + now));
    streams.start();
    new CountDownLatch(1).await();
  }
}
