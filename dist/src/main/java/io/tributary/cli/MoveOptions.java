package io.tributary.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Options shared by {@code cluster rebalance} and {@code broker decommission}. */
final class MoveOptions {
  @Option(names = "--dry-run", description = "Print the plan (moves, per-broker counts before and after) and change nothing.")
  boolean dryRun;

  @Option(names = "--throttle", paramLabel = "BYTES_PER_S",
      description = "Replication throttle while moving, in bytes/s per broker (as kafka-reassign-partitions --throttle:"
          + " leader/follower.replication.throttled.rate on the brokers, *.replication.throttled.replicas on the topics;"
          + " removed at the end). Default: no throttle.")
  Long throttleBytesPerSec;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
      description = "How long to wait for the moves to finish, e.g. 90s, 10m, 2h (default: ${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofMinutes(30);

  @picocli.CommandLine.Mixin OutputFormat output = new OutputFormat();

  void validate() {
    if (throttleBytesPerSec != null && throttleBytesPerSec <= 0) {
      throw new CliException("--throttle must be a positive number of bytes/s, got " + throttleBytesPerSec, 2);
    }
  }

  /** {@code 90s}, {@code 10m}, {@code 2h}, or plain seconds. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.endsWith("ms")) {
          return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
        }
        char unit = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
        String n = Character.isDigit(unit) ? v : v.substring(0, v.length() - 1);
        long amount = Long.parseLong(n);
        return positive(switch (unit) {
          case 's' -> Duration.ofSeconds(amount);
          case 'm' -> Duration.ofMinutes(amount);
          case 'h' -> Duration.ofHours(amount);
          default -> {
            if (!Character.isDigit(unit)) {
              throw new NumberFormatException();
            }
            yield Duration.ofSeconds(amount);
          }
        }, value);
      } catch (NumberFormatException e) {
        throw new CliException("'" + value + "' is not a duration (e.g. 90s, 10m, 2h)", 2);
      }
    }

    private static Duration positive(Duration d, String value) {
      if (d.isNegative() || d.isZero()) {
        throw new CliException("the timeout must be positive, got '" + value + "'", 2);
      }
      return d;
    }
  }
}
