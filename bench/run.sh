#!/usr/bin/env bash
# Benchmarks side by side with Apache Kafka. Usage (from anywhere):
#   bench/run.sh produce-consume --records 2000000 --brokers 1
#   bench/run.sh produce-consume --only kafka --records 500000
#   bench/run.sh produce-consume --bootstrap 127.0.0.1:9092       # a cluster that is already running
#   bench/run.sh connect-hudi --events 1000000 --keys 100000   # topic -> Hudi: the connector vs Spark
#   bench/run.sh connect-hudi --table-type COPY_ON_WRITE       # the same with COW tables on both sides
#   bench/run.sh cdc-hudi --rows 100000 --table-type MERGE_ON_READ   # PostgreSQL -> topic -> Hudi (CDC), needs postgresql
#   bench/run.sh --help
#   bench/run.sh spark-ingest [--records 200000] [--keys 10000] [--batch 50000] [--lean]   # the ingest Spark job
#   bench/run.sh kafka-tools [--records 2000000] [--latency-rate 5000]   # Kafka's own perf tools, Kafka vs Tributary
#   bench/run.sh kafka-tools --security sasl_ssl   # the same with SASL_SSL listeners only on both (SCRAM-SHA-512, TLS 1.3)
#   bench/run.sh txn-produce [--records 1000000] [--per-txn 100] [--producers 4]   # transactional produce, Kafka vs Tributary
# Builds what is needed first (the bench module, the Kafka peer's jars, and Tributary's dist module),
# then runs io.tributary.bench.CompareWithKafka. BENCH_NO_BUILD=1 skips the build;
# BENCH_JAVA_OPTS sets the workload JVM's flags (default -Xms1g -Xmx1g).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

wants_tributary=1
for a in "$@"; do
  case "$a" in
    --bootstrap|--bootstrap=*|--help) wants_tributary=0 ;;
  esac
done
prev=""
for a in "$@"; do
  if [ "$prev" = "--only" ] && [ "$a" = "kafka" ]; then wants_tributary=0; fi
  [ "$a" = "--only=kafka" ] && wants_tributary=0
  prev="$a"
done

# Maven's output is shown only when a build fails (with -q it is otherwise just colour codes).
quiet_mvn() {
  local out
  if ! out="$(mvn -B -q -Dstyle.color=never "$@" 2>&1)"; then
    printf '%s\n' "$out" >&2
    return 1
  fi
}

# The JVM flags Spark and Hudi need on Java 17: the one file every Tributary JVM reads.
lake_jvm_flags="@$root/conf/jvm.options"

# The ingest Spark job's records/s (bench/spark-ingest: its own Maven project, with Spark and Hudi).
if [ "${1:-}" = "spark-ingest" ]; then
  shift
  if [ -z "${BENCH_NO_BUILD:-}" ]; then
    echo "bench: building spark-jobs (mvn -DskipTests install -pl spark-jobs -am) and bench/spark-ingest..." >&2
    quiet_mvn -DskipTests install -pl spark-jobs -am
    quiet_mvn -DskipTests -f bench/spark-ingest/pom.xml package
  fi
  # shellcheck disable=SC2086
  exec java ${BENCH_JAVA_OPTS:--Xms2g -Xmx2g} $lake_jvm_flags -Dlog4j2.configurationFile="$root/bench/spark-ingest/src/main/resources/log4j2.xml" \
    -cp "$root/bench/spark-ingest/target/classes:$(cat "$root/bench/spark-ingest/target/classpath.txt")" \
    io.tributary.bench.spark.IngestBench "$@"
fi

if [ -z "${BENCH_NO_BUILD:-}" ]; then
  echo "bench: building the bench module and the Kafka peer (mvn -DskipTests install -pl bench -am)..." >&2
  quiet_mvn -DskipTests -Dbench.skipKafkaLib=false install -pl bench -am
  if [ "$wants_tributary" = 1 ]; then
    echo "bench: building Tributary (mvn -DskipTests install -pl dist -am)..." >&2
    if ! quiet_mvn -DskipTests install -pl dist -am; then
      echo "bench: WARNING: Tributary did not build; its half will report that it is not available." >&2
    fi
  fi
fi

cp_file="$root/bench/target/classpath.txt"
if [ ! -f "$cp_file" ]; then
  echo "bench: $cp_file missing: run without BENCH_NO_BUILD, or mvn -DskipTests install -pl bench -am" >&2
  exit 2
fi
# shellcheck disable=SC2086
if [ "${1:-}" = "registry-lookups" ]; then
  # bench/run.sh registry-lookups [SECONDS] [CLIENT_THREADS]: GET /schemas/ids/{id} and the serdes' cached path.
  shift
  exec java ${BENCH_JAVA_OPTS:--Xms1g -Xmx1g} -cp "$root/bench/target/classes:$(cat "$cp_file")" \
    io.tributary.bench.RegistryLookupBench "${1:-10}" "${2:-4}"
fi
if [ "${1:-}" = "kafka-tools" ]; then
  # bench/run.sh kafka-tools [...]: ProducerPerformance, ConsumerPerformance, EndToEndLatency against both systems.
  shift
  # shellcheck disable=SC2086
  exec java ${BENCH_JAVA_OPTS:--Xms256m -Xmx512m} -Dtributary.home="$root" \
    -cp "$root/bench/target/classes:$(cat "$cp_file")" io.tributary.bench.KafkaToolsBench "$@"
fi
if [ "${1:-}" = "txn-produce" ]; then
  # bench/run.sh txn-produce [...]: transactional producers (R records per transaction, acks=all, RF 3) against both.
  shift
  # shellcheck disable=SC2086
  exec java ${BENCH_JAVA_OPTS:--Xms1g -Xmx1g} -Dtributary.home="$root" \
    -cp "$root/bench/target/classes:$(cat "$cp_file")" io.tributary.bench.TxnProduceBench "$@"
fi
if [ "${1:-}" = "cdc-hudi" ]; then
  # bench/run.sh cdc-hudi [--rows N] [--changes M] [--table-type T] [--markers K] ...: PostgreSQL -> Hudi (CdcHudiBench)
  shift
  lake_cp="$root/bench/target/classpath-lake.txt"
  # shellcheck disable=SC2086
  exec java ${BENCH_JAVA_OPTS:--Xms1g -Xmx3g} $lake_jvm_flags -cp "$root/bench/target/classes:$(cat "$lake_cp")" \
    io.tributary.bench.CdcHudiBench "$@"
fi
if [ "${1:-}" = "connect-hudi" ]; then
  # bench/run.sh connect-hudi [--events N] [--keys K] [--batch R] [--table-type T] [--only connector|spark] ...
  shift
  lake_cp="$root/bench/target/classpath-lake.txt"
  # shellcheck disable=SC2086
  exec java ${BENCH_JAVA_OPTS:--Xms2g -Xmx4g} $lake_jvm_flags -cp "$root/bench/target/classes:$(cat "$lake_cp")" \
    io.tributary.bench.ConnectHudiBench "$@"
fi
exec java ${BENCH_JAVA_OPTS:--Xms1g -Xmx1g} -Dtributary.home="$root" \
  -cp "$root/bench/target/classes:$(cat "$cp_file")" io.tributary.bench.CompareWithKafka "$@"
