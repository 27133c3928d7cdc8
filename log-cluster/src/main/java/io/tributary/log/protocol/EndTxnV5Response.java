package io.tributary.log.protocol;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.protocol.types.RawTaggedField;

/**
 * EndTxn response v5 (KIP-890 part 2), which the pinned codec does not know: v4's fields (ThrottleTimeMs int32,
 * ErrorCode int16), then ProducerId int64 and ProducerEpoch int16 (-1 when not set), then the tagged fields
 * (none). Kafka's EndTxnResponse.json, version 5.
 */
public final class EndTxnV5Response implements ApiMessage {
  public static final short VERSION = TransactionsV2Versions.END_TXN_V2;

  private int throttleTimeMs;
  private short errorCode;
  private long producerId = -1;
  private short producerEpoch = -1;

  public EndTxnV5Response() {}

  /** v4's answer with the producer id and epoch the client continues with. */
  public static EndTxnV5Response of(EndTxnResponseData v4, long producerId, short producerEpoch) {
    EndTxnV5Response r = new EndTxnV5Response();
    r.throttleTimeMs = v4.throttleTimeMs();
    r.errorCode = v4.errorCode();
    r.producerId = producerId;
    r.producerEpoch = producerEpoch;
    return r;
  }

  public short errorCode() {
    return errorCode;
  }

  public long producerId() {
    return producerId;
  }

  public short producerEpoch() {
    return producerEpoch;
  }

  @Override
  public short apiKey() {
    return ApiKeys.END_TXN.id;
  }

  @Override
  public short lowestSupportedVersion() {
    return VERSION;
  }

  @Override
  public short highestSupportedVersion() {
    return VERSION;
  }

  private static void checkVersion(short version) {
    if (version != VERSION) {
      throw new UnsupportedVersionException("EndTxnV5Response is version " + VERSION + " only, not " + version);
    }
  }

  @Override
  public void addSize(MessageSizeAccumulator size, ObjectSerializationCache cache, short version) {
    checkVersion(version);
    size.addBytes(4 + 2 + 8 + 2);
    size.addBytes(1); // tagged fields: the count, 0
  }

  @Override
  public void write(Writable out, ObjectSerializationCache cache, short version) {
    checkVersion(version);
    out.writeInt(throttleTimeMs);
    out.writeShort(errorCode);
    out.writeLong(producerId);
    out.writeShort(producerEpoch);
    out.writeUnsignedVarint(0);
  }

  @Override
  public void read(Readable in, short version) {
    checkVersion(version);
    throttleTimeMs = in.readInt();
    errorCode = in.readShort();
    producerId = in.readLong();
    producerEpoch = in.readShort();
    int tagged = in.readUnsignedVarint();
    for (int i = 0; i < tagged; i++) { // none are defined: skip them
      in.readUnsignedVarint();
      int size = in.readUnsignedVarint();
      in.readArray(size);
    }
  }

  @Override
  public List<RawTaggedField> unknownTaggedFields() {
    return new ArrayList<>();
  }

  @Override
  public EndTxnV5Response duplicate() {
    EndTxnV5Response copy = new EndTxnV5Response();
    copy.throttleTimeMs = throttleTimeMs;
    copy.errorCode = errorCode;
    copy.producerId = producerId;
    copy.producerEpoch = producerEpoch;
    return copy;
  }

  @Override
  public String toString() {
    return "EndTxnV5Response(throttleTimeMs=" + throttleTimeMs + ", errorCode=" + errorCode + ", producerId=" + producerId
        + ", producerEpoch=" + producerEpoch + ")";
  }
}
