package io.tributary.log.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKeyCollection;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKeyCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs and versions this broker really serves, and nothing else: ApiVersions advertises exactly
 * this table and the decoder refuses anything outside it. The ranges are capped by what the pinned
 * kafka-clients codec knows as stable ({@code latestVersion(false)}).
 */
public final class ApiVersionTable {

  private final Map<ApiKeys, short[]> served;
  /** Whether transactions v2 (KIP-890 part 2) are served: ApiVersions then finalizes {@code transaction.version} 2. */
  private final boolean transactionsV2;

  private ApiVersionTable(Map<ApiKeys, short[]> served) {
    this(served, false);
  }

  private ApiVersionTable(Map<ApiKeys, short[]> served, boolean transactionsV2) {
    this.served = Collections.unmodifiableMap(served);
    this.transactionsV2 = transactionsV2;
  }

  /**
   * The same table serving transactions v2: Produce v12, TxnOffsetCommit v5 and EndTxn v5 (where the API is
   * served at all), and the finalized feature {@code transaction.version} = 2 in ApiVersions.
   */
  public ApiVersionTable withTransactionsV2() {
    Map<ApiKeys, short[]> map = new EnumMap<>(ApiKeys.class);
    map.putAll(served);
    TransactionsV2Versions.maxVersions().forEach((api, max) -> {
      short[] range = map.get(api);
      if (range != null) {
        map.put(api, new short[] {range[0], (short) Math.max(range[1], max)});
      }
    });
    return new ApiVersionTable(map, true);
  }

  public boolean servesTransactionsV2() {
    return transactionsV2;
  }

  /**
   * ApiVersions' answer: the ranges, and the features (tagged fields of v3+; older versions drop them):
   * {@code transaction.version} supported 0..2 and finalized at 2 when transactions v2 are served.
   */
  public ApiVersionsResponseData toResponse() {
    ApiVersionsResponseData r = new ApiVersionsResponseData().setApiKeys(toCollection());
    if (transactionsV2) {
      SupportedFeatureKeyCollection supported = new SupportedFeatureKeyCollection();
      supported.add(new SupportedFeatureKey().setName(TransactionsV2Versions.FEATURE)
          .setMinVersion(TransactionsV2Versions.FEATURE_MIN_LEVEL).setMaxVersion(TransactionsV2Versions.FEATURE_LEVEL));
      FinalizedFeatureKeyCollection finalized = new FinalizedFeatureKeyCollection();
      finalized.add(new FinalizedFeatureKey().setName(TransactionsV2Versions.FEATURE)
          .setMinVersionLevel(TransactionsV2Versions.FEATURE_LEVEL).setMaxVersionLevel(TransactionsV2Versions.FEATURE_LEVEL));
      r.setSupportedFeatures(supported).setFinalizedFeatures(finalized)
          .setFinalizedFeaturesEpoch(TransactionsV2Versions.FINALIZED_FEATURES_EPOCH);
    }
    return r;
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
    return new ApiVersionTable(map, transactionsV2);
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
    return new ApiVersionTable(map, transactionsV2);
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
