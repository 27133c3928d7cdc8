package io.tributary.log.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/** One decoded request: its header and its body, with the generated {@code *RequestData} at hand. */
public record KafkaRequest(RequestHeader header, AbstractRequest body, int sizeBytes, long receivedNanos) {

  public ApiKeys apiKey() {
    return header.apiKey();
  }

  public short version() {
    return header.apiVersion();
  }

  public int correlationId() {
    return header.correlationId();
  }

  public String clientId() {
    return header.clientId();
  }

  /** The generated request data, e.g. {@code ProduceRequestData}. */
  @SuppressWarnings("unchecked")
  public <T extends ApiMessage> T data() {
    return (T) body.data();
  }

  /** The response data Kafka defines for this request when it fails as a whole with {@code error}. */
  public ApiMessage errorResponse(Throwable error) {
    return body.getErrorResponse(0, error).data();
  }
}
