package io.tributary.log.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs and versions this broker really serves, and nothing else: ApiVersions advertises exactly
 * this table and the decoder refuses anything outside it. The ranges are capped by what the pinned
 * kafka-clients codec knows as stable ({@code latestVersion(false)}).
 */
public final class ApiVersionTable {

  private final Map<ApiKeys, short[]> served;

  private ApiVersionTable(Map<ApiKeys, short[]> served) {
    this.served = Collections.unmodifiableMap(served);
  }

  /** A table of the given APIs, each from its oldest to its latest stable version. */
  public static ApiVersionTable of(Iterable<ApiKeys> apis) {
    Map<ApiKeys, short[]> map = new EnumMap<>(ApiKeys.class);
    for (ApiKeys api : apis) {
      map.put(api, new short[] {api.oldestVersion(), api.latestVersion(false)});
    }
    return new ApiVersionTable(map);
  }

  /** The same table with {@code api} served only up to {@code maxVersion}. */
  public ApiVersionTable capped(ApiKeys api, short maxVersion) {
    Map<ApiKeys, short[]> map = new EnumMap<>(ApiKeys.class);
    map.putAll(served);
    short[] range = map.get(api);
    if (range != null) {
      map.put(api, new short[] {range[0], (short) Math.min(range[1], maxVersion)});
    }
    return new ApiVersionTable(map);
  }

  /** The SASL exchange's APIs (KIP-152), served only on SASL listeners. */
  public static final List<ApiKeys> SASL_APIS = List.of(ApiKeys.SASL_HANDSHAKE, ApiKeys.SASL_AUTHENTICATE);

  /** This table plus the SASL APIs: what a SASL listener serves. */
  public ApiVersionTable withSaslApis() {
    Map<ApiKeys, short[]> map = new EnumMap<>(ApiKeys.class);
    map.putAll(served);
    for (ApiKeys api : SASL_APIS) {
      map.put(api, new short[] {api.oldestVersion(), api.latestVersion(false)});
    }
    return new ApiVersionTable(map);
  }

  public boolean isServed(ApiKeys api) {
    return served.containsKey(api);
  }

  public boolean isServed(ApiKeys api, short version) {
    short[] range = served.get(api);
    return range != null && version >= range[0] && version <= range[1];
  }

  public short maxVersion(ApiKeys api) {
    return served.get(api)[1];
  }

  public ApiVersionCollection toCollection() {
    ApiVersionCollection out = new ApiVersionCollection();
    served.forEach((api, range) ->
        out.add(new ApiVersion().setApiKey(api.id).setMinVersion(range[0]).setMaxVersion(range[1])));
    return out;
  }
}
