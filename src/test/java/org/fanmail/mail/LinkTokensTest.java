package org.fanmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.fanmail.config.SecretsCheck;
import org.fanmail.mail.LinkTokens.Check;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.mail.LinkTokens.Verified;
import org.junit.jupiter.api.Test;

/** Link tokens: what they carry, and every way a token must fail to verify. */
class LinkTokensTest {
  private static final Instant NOW = Instant.parse("2026-11-28T20:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private final LinkTokens tokens = new LinkTokens(List.of("secret-one"), CLOCK);

  @Test
  void aTokenCarriesPurposeListMemberAndExpiry() {
    Instant exp = NOW.plus(Duration.ofHours(1));
    String t = tokens.sign(Purpose.UNSUBSCRIBE_CONFIRM, 42, 4711, exp);
    assertTrue(t.matches("[A-Za-z0-9_-]{58}"), t);
    Verified v = tokens.verify(t, Purpose.UNSUBSCRIBE_CONFIRM);
    assertEquals(Check.VALID, v.check());
    assertEquals(new LinkTokens.Token(Purpose.UNSUBSCRIBE_CONFIRM, 42, 4711, exp), v.token());
    Verified member = tokens.verify(tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 1, 2, null));
    assertEquals(Check.VALID, member.check());
    assertNull(member.token().expiresAt());
    assertEquals(Purpose.UNSUBSCRIBE_MEMBER, member.token().purpose());
  }

  @Test
  void everyFlippedBitIsRefused() {
    String t = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 42, 4711, null);
    byte[] raw = Base64.getUrlDecoder().decode(t);
    for (int i = 0; i < raw.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = raw.clone();
        bad[i] ^= (byte) (1 << bit);
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bad);
        assertEquals(Check.INVALID, tokens.verify(tampered).check(), "octet " + i + " bit " + bit);
      }
    }
  }

  @Test
  void everyOtherSpellingOfTheLastCharacterIsRefused() {
    // 43 octets in 58 characters: the last character carries 2 bits and 4 unused ones, which a
    // base64 decoder ignores. Each other spelling must fail, whatever the token's last character.
    for (long member = 1; member <= 64; member++) {
      String t = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 42, member, null);
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      for (char c : alphabet.toCharArray()) {
        String other = t.substring(0, t.length() - 1) + c;
        Check want = other.equals(t) ? Check.VALID : Check.INVALID;
        assertEquals(want, tokens.verify(other).check(), other);
      }
    }
  }

  @Test
  void aTokenWorksOnlyForItsPurpose() {
    String member = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 42, 4711, null);
    assertEquals(Check.INVALID, tokens.verify(member, Purpose.UNSUBSCRIBE_LIST).check());
    assertEquals(Check.INVALID, tokens.verify(member, Purpose.UNSUBSCRIBE_CONFIRM).check());
    assertEquals(Check.VALID, tokens.verify(member, Purpose.UNSUBSCRIBE_MEMBER).check());
  }

  @Test
  void anotherListOrMemberNeedsItsOwnToken() {
    String a = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 42, 4711, null);
    String otherList = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 43, 4711, null);
    String otherMember = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 42, 4712, null);
    assertNotEquals(a, otherList);
    assertNotEquals(a, otherMember);
    assertEquals(42, tokens.verify(a).token().listId());
    assertEquals(43, tokens.verify(otherList).token().listId());
    // Swapping the list id into a valid token of list 42 breaks its MAC.
    byte[] raw = Base64.getUrlDecoder().decode(a);
    raw[10] = 43;
    String moved = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    assertEquals(Check.INVALID, tokens.verify(moved).check());
  }

  @Test
  void expiredTokensAreToldApart() {
    String t = tokens.sign(Purpose.UNSUBSCRIBE_CONFIRM, 1, 2, NOW.minusSeconds(1));
    Verified v = tokens.verify(t, Purpose.UNSUBSCRIBE_CONFIRM);
    assertEquals(Check.EXPIRED, v.check());
    assertEquals(1, v.token().listId());
    String atNow = tokens.sign(Purpose.UNSUBSCRIBE_CONFIRM, 1, 2, NOW);
    assertEquals(Check.EXPIRED, tokens.verify(atNow).check());
    String later = tokens.sign(Purpose.UNSUBSCRIBE_CONFIRM, 1, 2, NOW.plusSeconds(1));
    assertEquals(Check.VALID, tokens.verify(later).check());
  }

  @Test
  void anotherSecretRefusesAndARotatedOneStillAccepts() {
    String old = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 42, 4711, null);
    assertEquals(Check.INVALID, new LinkTokens(List.of("secret-two"), CLOCK).verify(old).check());
    LinkTokens rotated = new LinkTokens(List.of("secret-two", "secret-one"), CLOCK);
    assertEquals(Check.VALID, rotated.verify(old).check());
    String fresh = rotated.sign(Purpose.UNSUBSCRIBE_MEMBER, 42, 4711, null);
    assertNotEquals(old, fresh);
    assertEquals(Check.INVALID, tokens.verify(fresh).check(), "the old key did not sign it");
  }

  @Test
  void aModerateTokenNamesItsPostAndWorksOnlyForModeration() {
    String t = tokens.sign(Purpose.MODERATE, 42, 99, NOW.plusSeconds(60));
    Verified v = tokens.verify(t, Purpose.MODERATE);
    assertEquals(Check.VALID, v.check());
    assertEquals(99, v.token().postId());
    for (Purpose p : Purpose.values()) {
      if (p != Purpose.MODERATE) {
        assertEquals(Check.INVALID, tokens.verify(t, p).check(), p.name());
      }
    }
    String member = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 42, 99, null);
    assertEquals(Check.INVALID, tokens.verify(member, Purpose.MODERATE).check());
    assertThrows(IllegalStateException.class, () -> tokens.verify(member).token().postId());
  }

  @Test
  void aModerateTokenOfARotatedOutSecretVerifiesWhileListed() {
    String old = tokens.sign(Purpose.MODERATE, 42, 99, NOW.plusSeconds(60));
    LinkTokens listed = new LinkTokens(List.of("secret-two", "secret-one"), CLOCK);
    assertEquals(Check.VALID, listed.verify(old, Purpose.MODERATE).check());
    LinkTokens dropped = new LinkTokens(List.of("secret-two"), CLOCK);
    assertEquals(Check.INVALID, dropped.verify(old, Purpose.MODERATE).check());
  }

  @Test
  void garbageIsInvalidNeverAnException() {
    for (String g :
        new String[] {
          null, "", "x", "!!!!", "a".repeat(58), "a".repeat(10_000), "AQ", "%00", "a b", "é"
        }) {
      assertEquals(Check.INVALID, tokens.verify(g).check(), String.valueOf(g));
    }
    String t = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, 1, 1, null);
    assertEquals(Check.INVALID, tokens.verify(t + "A").check());
    assertEquals(Check.INVALID, tokens.verify(t.substring(1)).check());
    byte[] raw = Base64.getUrlDecoder().decode(t);
    raw[0] = 2; // an unknown format version
    assertEquals(
        Check.INVALID,
        tokens.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(raw)).check());
  }

  @Test
  void aRunningFanmailNeedsAUsableLinkSecretNamedInTheMessage() {
    for (Optional<String> bad :
        List.of(
            Optional.<String>empty(),
            Optional.of("  "),
            Optional.of("x".repeat(SecretsCheck.MIN_LENGTH - 1)),
            Optional.of("change-me-link-secret-0123456789abcdef"))) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> SecretsCheck.requireLinkSecret(bad));
      assertTrue(e.getMessage().contains("fanmail.link-secret"), e.getMessage());
    }
    String good = "x".repeat(SecretsCheck.MIN_LENGTH);
    assertEquals(good, SecretsCheck.requireLinkSecret(Optional.of(good)));
  }

  @Test
  void blankSecretsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LinkTokens(List.of(" "), CLOCK));
    assertThrows(IllegalArgumentException.class, () -> new LinkTokens(List.of(), CLOCK));
  }
}
