"""librdkafka (confluent-kafka from Debian) against the brokers: commit, abort, and a zombie fenced.

Usage: python3 librdkafka_transactions.py BOOTSTRAP TOPIC PARTITIONS
Prints "ok" and exits 0 when every step behaved as Kafka's; the Java test then checks what
read_committed and read_uncommitted consumers see.
"""
import sys

import confluent_kafka as ck

bootstrap, topic, partitions = sys.argv[1], sys.argv[2], int(sys.argv[3])
TIMEOUT_S = 60


def producer():
    return ck.Producer({"bootstrap.servers": bootstrap, "transactional.id": "librdkafka-app",
                        "transaction.timeout.ms": 60000})


def send(p, prefix):
    for i in range(partitions):
        p.produce(topic, value=("%s%d" % (prefix, i)).encode(), partition=i)
    p.flush(TIMEOUT_S)


first = producer()
first.init_transactions(TIMEOUT_S)
first.begin_transaction()
send(first, "py-committed-")
first.commit_transaction(TIMEOUT_S)

first.begin_transaction()
send(first, "py-aborted-")
first.abort_transaction(TIMEOUT_S)

first.begin_transaction()
send(first, "py-zombie-")

second = producer()
second.init_transactions(TIMEOUT_S)  # fences the first and aborts its open transaction
try:
    first.commit_transaction(TIMEOUT_S)
    print("the zombie committed")
    sys.exit(1)
except ck.KafkaException as e:
    err = e.args[0]
    if not (err.fatal() or err.code() in (ck.KafkaError._FENCED, ck.KafkaError.PRODUCER_FENCED,
                                          ck.KafkaError.INVALID_PRODUCER_EPOCH)):
        print("unexpected error from the zombie's commit: %s" % err)
        sys.exit(1)

second.begin_transaction()
send(second, "py-second-")
second.commit_transaction(TIMEOUT_S)
print("ok")
