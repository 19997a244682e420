package io.swarmwatch.collector.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Bearer tokens for the HTTP API. With no token configured the API is open (as DESIGN.md says);
 * with one, every {@code /api/v1} call needs {@code Authorization: Bearer <token>}: the read token
 * allows reads ({@code GET}, {@code HEAD}), the admin token everything (silences and other writes).
 * {@code /healthz} and {@code /readyz} stay open; {@code /metrics} needs the read token unless
 * configured public. Tokens are compared in constant time (SHA-256 digests compared with {@link
 * MessageDigest#isEqual}, so neither content nor length leaks through timing).
 */
final class ApiAuth {
  /** What a request may do. */
  enum Decision {
    ALLOW,
    /** No or wrong token: 401. */
    UNAUTHENTICATED,
    /** The read token on a write: 403. */
    FORBIDDEN
  }

  private final byte[] readDigest;
  private final byte[] adminDigest;
  private final boolean metricsPublic;

  /**
   * @param readToken allows reads; empty for none
   * @param adminToken allows everything; empty for none
   * @param metricsPublic {@code /metrics} without a token even when tokens are set
   */
  ApiAuth(Optional<String> readToken, Optional<String> adminToken, boolean metricsPublic) {
    this.readDigest = readToken.map(ApiAuth::digest).orElse(null);
    this.adminDigest = adminToken.map(ApiAuth::digest).orElse(null);
    this.metricsPublic = metricsPublic;
  }

  static ApiAuth open() {
    return new ApiAuth(Optional.empty(), Optional.empty(), true);
  }

  boolean enabled() {
    return readDigest != null || adminDigest != null;
  }

  /**
   * @param authorization the request's {@code Authorization} header, or null
   */
  Decision check(HttpMethod method, String path, String authorization) {
    if (!enabled() || path.equals("/healthz") || path.equals("/readyz")) {
      return Decision.ALLOW;
    }
    boolean api = path.equals("/api/v1") || path.startsWith("/api/v1/");
    boolean metrics = path.equals("/metrics");
    if (!api && !(metrics && !metricsPublic)) {
      return Decision.ALLOW; // the web page's assets; its API calls carry the token
    }
    byte[] presented = bearer(authorization);
    if (presented == null) {
      return Decision.UNAUTHENTICATED;
    }
    boolean admin = adminDigest != null && MessageDigest.isEqual(adminDigest, presented);
    // Always compare both, so the time taken doesn't say which token matched.
    boolean read = readDigest != null && MessageDigest.isEqual(readDigest, presented);
    if (admin) {
      return Decision.ALLOW;
    }
    if (!read) {
      return Decision.UNAUTHENTICATED;
    }
    boolean write = !method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD);
    return write ? Decision.FORBIDDEN : Decision.ALLOW;
  }

  static HttpResponseStatus status(Decision d) {
    return d == Decision.FORBIDDEN ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.UNAUTHORIZED;
  }

  static String message(Decision d) {
    return d == Decision.FORBIDDEN
        ? "this token may only read; writes need the admin token (SWARMWATCH_API_ADMIN_TOKEN)"
        : "missing or wrong bearer token: send 'Authorization: Bearer <token>'"
            + " (SWARMWATCH_API_TOKEN)";
  }

  /** The digest of the token in {@code Bearer <token>}, or null if there is none. */
  private static byte[] bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String h = authorization.strip();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = h.substring(7).strip();
    return token.isEmpty() ? null : digest(token);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
