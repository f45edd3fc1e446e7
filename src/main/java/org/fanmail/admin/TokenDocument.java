package org.fanmail.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.fanmail.account.ApiTokens;

/**
 * A token as the API shows it: its name, creation, expiry and last use (to the minute). {@code
 * token} is present only in the answer to its creation, the one time it is shown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenDocument(
    String name, String token, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {
  static TokenDocument of(ApiTokens.TokenInfo t) {
    return new TokenDocument(t.name(), null, t.createdAt(), t.expiresAt(), t.lastUsedAt());
  }

  static TokenDocument of(ApiTokens.NewToken t) {
    return new TokenDocument(
        t.info().name(), t.token(), t.info().createdAt(), t.info().expiresAt(), null);
  }
}
