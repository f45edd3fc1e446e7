package org.fanmail.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every secret key is held to one rule (32 characters, no change-me) and a refusal names the key
 * and how to make a value, never the value. (The admin token and the link secret are also tried in
 * {@code AdminAuthTest} and {@code LinkTokensTest}; start-up itself in {@code ConfigValidationIT}.)
 */
class SecretsCheckTest {
  private static final String GOOD = "0123456789abcdef0123456789abcdef";

  @Test
  void eachPreviousLinkSecretIsHeldToTheSameRuleAndNamedByItsPlace() {
    assertDoesNotThrow(() -> SecretsCheck.requirePreviousLinkSecrets(Optional.empty()));
    assertDoesNotThrow(() -> SecretsCheck.requirePreviousLinkSecrets(Optional.of(List.of(GOOD))));
    for (String bad : List.of("short-old-secret", "change-me-" + GOOD)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> SecretsCheck.requirePreviousLinkSecrets(Optional.of(List.of(GOOD, bad))));
      assertTrue(e.getMessage().contains("fanmail.previous-link-secrets, item 2"), e.getMessage());
      assertFalse(e.getMessage().contains(bad), "the value is never repeated: " + e.getMessage());
    }
  }

  @Test
  void placeholderInAnyCaseIsRefusedAndTheMessageSaysHowToMakeOne() {
    for (Optional<String> bad :
        List.of(Optional.of("CHANGE-ME-" + GOOD), Optional.of(GOOD.substring(1)))) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> SecretsCheck.requireLinkSecret(bad));
      assertTrue(e.getMessage().contains("fanmail.link-secret"), e.getMessage());
      assertTrue(e.getMessage().contains("openssl rand -base64 33"), e.getMessage());
    }
  }
}
