package io.tributary.log.protocol;

import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Serializes a response, size prefix included. Record sets inside (Fetch) stay as they are: file
 * slices become zero-copy parts of the returned {@link Send}.
 */
public final class ResponseEncoder {
  private ResponseEncoder() {}

  public static Send encode(RequestHeader requestHeader, ApiMessage response, short version) {
    ResponseHeader header = requestHeader.toResponseHeader();
    return SendBuilder.buildResponseSend(header, response, version);
  }
}
