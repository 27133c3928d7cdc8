package io.tributary.registry.serde;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP basic authentication to the registry with Confluent's keys: {@code basic.auth.credentials.source}
 * ({@code USER_INFO}: {@code basic.auth.user.info} holds {@code user:password}; {@code URL}: the user info of
 * {@code schema.registry.url}, as in {@code http://user:password@host:8081}). The pure part of the client's setup:
 * which URLs to call and which {@code Authorization} header to send.
 */
public record BasicAuth(List<String> urls, Optional<String> authorizationHeader) {
  public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String USER_INFO = "basic.auth.user.info";

  /** The URLs and header that {@code configs} ask for; IllegalArgumentException names a missing or unknown key. */
  public static BasicAuth of(String urlList, Map<String, ?> configs) {
    List<String> urls = new ArrayList<>();
    for (String u : urlList.split(",")) {
      if (!u.isBlank()) {
        urls.add(u.trim());
      }
    }
    Object source = configs.get(CREDENTIALS_SOURCE);
    Object userInfo = configs.get(USER_INFO);
    String mode = source == null ? (userInfo == null ? "" : "USER_INFO") : source.toString().trim().toUpperCase();
    switch (mode) {
      case "":
        return new BasicAuth(urls, Optional.empty());
      case "USER_INFO":
        if (userInfo == null || !userInfo.toString().contains(":")) {
          throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=USER_INFO needs " + USER_INFO
              + " as user:password");
        }
        return new BasicAuth(urls, Optional.of(header(userInfo.toString())));
      case "URL":
        String found = null;
        List<String> bare = new ArrayList<>();
        for (String u : urls) {
          URI uri = URI.create(u);
          if (uri.getRawUserInfo() != null) {
            found = uri.getUserInfo();
            bare.add(u.replace(uri.getRawUserInfo() + "@", ""));
          } else {
            bare.add(u);
          }
        }
        if (found == null) {
          throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=URL needs user:password@ in "
              + "schema.registry.url (" + urlList + ")");
        }
        return new BasicAuth(bare, Optional.of(header(found)));
      default:
        throw new IllegalArgumentException(CREDENTIALS_SOURCE + " '" + source
            + "' is not supported: use USER_INFO or URL");
    }
  }

  private static String header(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }
}
