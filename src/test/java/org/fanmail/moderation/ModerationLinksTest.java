package org.fanmail.moderation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Moderation link tokens: bound to one post, expiring, refused when forged; poster addresses. */
class ModerationLinksTest {
  private final ModerationLinks links =
      new ModerationLinks(URI.create("https://lists.example/"), "secret-1");
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Instant later = now.plusSeconds(3600);

  @Test
  void aTokenGrantsItsPostUntilItExpires() {
    String token = links.token(42, later);
    assertEquals(Optional.of(42L), links.verify(token, now));
    assertEquals(Optional.empty(), links.verify(token, later), "expired at its expiry");
    assertEquals(
        "https://lists.example/moderate/" + token, links.link(42, later), "link under public-url");
  }

  @Test
  void forgedOrForeignTokensAreRefused() {
    String token = links.token(42, later);
    String otherPost = token.replaceFirst("^42\\.", "43.");
    String longer = token.replaceFirst("\\.(\\d+)\\.", "." + (later.getEpochSecond() + 9999) + ".");
    assertEquals(Optional.empty(), links.verify(otherPost, now), "post id is signed");
    assertEquals(Optional.empty(), links.verify(longer, now), "expiry is signed");
    ModerationLinks otherSecret = new ModerationLinks(URI.create("https://x/"), "secret-2");
    assertEquals(Optional.empty(), otherSecret.verify(token, now), "secret matters");
    assertEquals(Optional.empty(), links.verify("", now));
    assertEquals(Optional.empty(), links.verify(null, now));
    assertEquals(Optional.empty(), links.verify("x".repeat(200), now));
    assertEquals(Optional.empty(), links.verify("42.99.!!!!!!!!!!!!!!!!!!!!!!", now));
  }

  @Test
  void theRejectNoticeGoesToTheEnvelopeSenderElseTheFromAddress() {
    assertEquals(
        Optional.of("ann@example.test"),
        RejectNotice.poster("ann@example.test", "Bob <bob@example.test>"));
    assertEquals(
        Optional.of("bob@example.test"), RejectNotice.poster("", "\"Bob\" <bob@example.test>"));
    assertEquals(Optional.of("bob@example.test"), RejectNotice.poster(null, "bob@example.test"));
    assertTrue(RejectNotice.poster("", null).isEmpty(), "never the null sender");
    assertTrue(RejectNotice.poster("", "undisclosed-recipients:;").isEmpty());
  }
}
