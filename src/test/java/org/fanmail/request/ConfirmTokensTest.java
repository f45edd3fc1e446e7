package org.fanmail.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.fanmail.list.ListService;
import org.fanmail.mail.LinkTokens;
import org.junit.jupiter.api.Test;

/**
 * Confirmation tokens on the one link-token scheme: the compact form names the request id under an
 * HMAC keyed by the link secret, survives a change of case, refuses every altered character and
 * other purposes, still verifies under a rotated-out secret while it is listed, and fits the
 * address budget of {@code list-confirm+TOKEN}.
 */
class ConfirmTokensTest {
  private static final String CURRENT = "confirm-test-current-secret-0123456789abcdef";
  private static final String OLD = "confirm-test-rotated-out-secret-0123456789ab";

  private static ConfirmTokens tokens(String... secrets) {
    return new ConfirmTokens(new LinkTokens(List.of(secrets), Clock.systemUTC()));
  }

  @Test
  void aTokenNamesItsRequestInAnyCase() {
    ConfirmTokens t = tokens(CURRENT);
    for (long id :
        new long[] {
          0, 1, 127, 128, 16_383, 16_384, (1L << 28) - 1, (1L << 35) - 1, Long.MAX_VALUE
        }) {
      String token = t.make(id);
      assertTrue(token.matches("[a-z2-7]+"), token);
      assertEquals(OptionalLong.of(id), t.requestId(token), token);
      assertEquals(OptionalLong.of(id), t.requestId(token.toUpperCase(Locale.ROOT)), token);
      assertTrue(ConfirmTokens.looksLikeOne(token), token);
    }
  }

  @Test
  void lengthsFollowTheBudget() {
    ConfirmTokens t = tokens(CURRENT);
    assertEquals(24, t.make((1L << 28) - 1).length());
    assertEquals(LinkTokens.COMPACT_BUDGET_CHARS, t.make((1L << 35) - 1).length());
    assertTrue(t.make(Long.MAX_VALUE).length() <= LinkTokens.MAX_COMPACT_CHARS);
    String longest = "x".repeat(ListService.MAX_LOCAL_PART) + "-confirm+" + t.make((1L << 35) - 1);
    assertEquals(64, longest.length(), longest);
  }

  @Test
  void everyAlteredCharacterIsRefused() {
    ConfirmTokens t = tokens(CURRENT);
    String token = t.make(4242);
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    for (int i = 0; i < token.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == token.charAt(i)) {
          continue;
        }
        String altered = token.substring(0, i) + c + token.substring(i + 1);
        assertTrue(t.requestId(altered).isEmpty(), altered);
      }
    }
    assertTrue(t.requestId(token + "a").isEmpty());
    assertTrue(t.requestId(token.substring(1)).isEmpty());
  }

  @Test
  void anotherPurposeOrSecretIsRefused() {
    LinkTokens links = new LinkTokens(CURRENT);
    String moderate = links.signCompact(LinkTokens.Purpose.MODERATE, 4242);
    assertTrue(tokens(CURRENT).requestId(moderate).isEmpty());
    assertTrue(tokens(CURRENT).requestId(tokens(OLD).make(4242)).isEmpty());
  }

  @Test
  void aTokenOfARotatedOutSecretVerifiesWhileListed() {
    String old = tokens(OLD).make(77);
    assertEquals(OptionalLong.of(77), tokens(CURRENT, OLD).requestId(old));
    assertTrue(tokens(CURRENT).requestId(old).isEmpty());
    // New tokens are signed with the current secret.
    assertEquals(OptionalLong.of(78), tokens(CURRENT).requestId(tokens(CURRENT, OLD).make(78)));
  }

  @Test
  void garbageIsNoTokenNeverAnException() {
    ConfirmTokens t = tokens(CURRENT);
    for (String s :
        new String[] {
          null,
          "",
          " ",
          "../../etc",
          "a".repeat(24),
          "a".repeat(26),
          "=".repeat(24),
          "\u00e9".repeat(24),
          "a".repeat(1000)
        }) {
      assertTrue(t.requestId(s).isEmpty(), String.valueOf(s));
    }
    assertFalse(ConfirmTokens.looksLikeOne("../../etc"));
    assertTrue(ConfirmTokens.legacyHash("A".repeat(26)).isPresent());
    assertEquals(32, ConfirmTokens.legacyHash("a".repeat(26)).get().length);
    assertTrue(ConfirmTokens.legacyHash(t.make(1)).isEmpty());
  }

  @Test
  void aReplysRowKeepsAReferenceThatReadsBackNeverTheToken() {
    ConfirmTokens t = tokens(CURRENT);
    String token = t.make(4242);
    String stored = t.reference(token.toUpperCase(Locale.ROOT)).orElseThrow().stored();
    assertEquals("request:4242", stored);
    assertEquals(4242L, t.stored(stored).orElseThrow().requestId());

    String legacy = "k".repeat(26);
    String hashed = t.reference(legacy).orElseThrow().stored();
    assertTrue(hashed.matches("sha256:[0-9a-f]{64}"), hashed);
    assertFalse(hashed.contains(legacy), hashed);
    assertArrayEquals(
        ConfirmTokens.legacyHash(legacy).orElseThrow(),
        t.stored(hashed).orElseThrow().legacyHash());

    // A row stored before references holds the token itself: still read.
    assertEquals(4242L, t.stored(token).orElseThrow().requestId());
    // Nothing else refers to anything: not a forged reference, not another key's token.
    for (String s : new String[] {null, "", "request:", "request:x1", "sha256:00", "../../etc"}) {
      assertTrue(t.stored(s).isEmpty(), String.valueOf(s));
    }
    assertTrue(tokens(OLD).reference(token).isEmpty());
  }
}
