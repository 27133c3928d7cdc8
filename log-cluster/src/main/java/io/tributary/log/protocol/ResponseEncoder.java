package io.tributary.log.protocol;

import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Serializes a response, size prefix included. Record sets inside (Fetch) stay as they are: file
 * slices become zero-copy parts of the returned {@link Send}. Versions newer than the codec that equal an
 * older one on the wire are written with that one ({@link TransactionsV2Versions}).
 */
public final class ResponseEncoder {
  private ResponseEncoder() {}

  public static Send encode(RequestHeader requestHeader, ApiMessage response, short version) {
    ResponseHeader header = requestHeader.toResponseHeader();
    ApiKeys api = requestHeader.apiKey();
    if (api == ApiKeys.END_TXN && version == EndTxnV5Response.VERSION && !(response instanceof EndTxnV5Response)) {
      // An error answer built by the codec: v5 with no producer id and epoch (-1).
      response = EndTxnV5Response.of((EndTxnResponseData) response, -1, (short) -1);
    }
    short wireVersion = response instanceof EndTxnV5Response ? version : TransactionsV2Versions.codecVersion(api, version);
    return SendBuilder.buildResponseSend(header, response, wireVersion);
  }
}
