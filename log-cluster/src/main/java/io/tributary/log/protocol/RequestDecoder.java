package io.tributary.log.protocol;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/** Turns one length-stripped frame into a {@link KafkaRequest} with kafka-clients' generated classes. */
public final class RequestDecoder {

  private final ApiVersionTable versions;

  public RequestDecoder(ApiVersionTable versions) {
    this.versions = versions;
  }

  /** The outcome of decoding a frame: a request to handle, or an answer ready to send. */
  public sealed interface Decoded permits Request, Answer {}

  public record Request(KafkaRequest request) implements Decoded {}

  /** An immediate response (for example UNSUPPORTED_VERSION to an ApiVersions from a newer client). */
  public record Answer(RequestHeader header, ApiMessage response, short responseVersion) implements Decoded {}

  /** A decoder for a SASL listener: the same APIs plus SaslHandshake and SaslAuthenticate. */
  public RequestDecoder forSasl() {
    return new RequestDecoder(versions.withSaslApis());
  }

  public Decoded decode(ByteBuffer frame, long receivedNanos) throws ProtocolException {
    int size = frame.remaining();
    if (size < 8) {
      throw new ProtocolException("frame of " + size + " bytes is shorter than a request header");
    }
    short apiKeyId = frame.getShort(frame.position());
    short apiVersion = frame.getShort(frame.position() + 2);
    if (!ApiKeys.hasId(apiKeyId)) {
      throw new ProtocolException("unknown API key " + apiKeyId);
    }
    ApiKeys api = ApiKeys.forId(apiKeyId);
    if (api == ApiKeys.API_VERSIONS && !versions.isServed(api, apiVersion)) {
      // KIP-511: answer a too-new ApiVersions with v0 and our ranges, so the client can downgrade.
      int correlationId = frame.getInt(frame.position() + 4);
      RequestHeader header = new RequestHeader(api, (short) 0, null, correlationId);
      ApiVersionsResponseData body = new ApiVersionsResponseData()
          .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
          .setApiKeys(versions.toCollection());
      return new Answer(header, body, (short) 0);
    }
    if (!versions.isServed(api)) {
      throw new ProtocolException("API " + api + " (key " + apiKeyId + ") is not served by this broker");
    }
    if (!versions.isServed(api, apiVersion)) {
      throw new ProtocolException(api + " version " + apiVersion + " is not served by this broker");
    }
    RequestHeader header;
    try {
      header = RequestHeader.parse(frame);
    } catch (RuntimeException e) {
      throw new ProtocolException("undecodable request header for " + api + " v" + apiVersion, e);
    }
    try {
      // The header keeps the version the client sent; the body is read with the codec's equal version.
      RequestAndSize parsed = AbstractRequest.parseRequest(api, TransactionsV2Versions.codecVersion(api, apiVersion), frame);
      return new Request(new KafkaRequest(header, parsed.request, size, receivedNanos));
    } catch (UnsupportedVersionException e) {
      throw new ProtocolException(api + " v" + apiVersion + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ProtocolException("undecodable " + api + " v" + apiVersion + " body from client '"
          + header.clientId() + "' (correlation id " + header.correlationId() + "): " + e.getMessage(), e);
    }
  }
}
