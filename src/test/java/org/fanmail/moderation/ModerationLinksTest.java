package org.fanmail.moderation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Check;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.mail.LinkTokens.Verified;
import org.junit.jupiter.api.Test;

/**
 * Moderation links: a {@link LinkTokens} token of purpose MODERATE under public-url, bound to its
 * list and post, expiring with the hold, refused under another secret; poster addresses.
 */
class ModerationLinksTest {
  private final Instant now = Instant.now();
  private final Instant later = now.plusSeconds(3600);
  private final LinkTokens tokens = new LinkTokens(List.of("secret-1"), Clock.systemUTC());
  private final ModerationLinks links =
      new ModerationLinks(URI.create("https://lists.example/"), tokens);

  private static String token(String link) {
    assertTrue(link.startsWith("https://lists.example/moderate/"), link);
    return link.substring("https://lists.example/moderate/".length());
  }

  @Test
  void aLinkCarriesAModerateTokenForItsListAndPost() {
    String token = token(links.link(7, 42, later));
    Verified v = tokens.verify(token, Purpose.MODERATE);
    assertEquals(Check.VALID, v.check());
    assertEquals(7, v.token().listId());
    assertEquals(42, v.token().postId());
    assertEquals(later.getEpochSecond(), v.token().expiresAt().getEpochSecond());
    assertEquals(Check.INVALID, tokens.verify(token, Purpose.UNSUBSCRIBE_MEMBER).check());
    assertEquals("https://lists.example", links.apiBase());
    assertEquals(
        token(links.link(7, 42, later)),
        token(new ModerationLinks(URI.create("https://lists.example"), tokens).link(7, 42, later)),
        "one slash whatever public-url ends with");
  }

  @Test
  void aLinkExpiresAndNeedsItsSecret() {
    String expired = token(links.link(7, 42, now.minusSeconds(1)));
    assertEquals(Check.EXPIRED, tokens.verify(expired, Purpose.MODERATE).check());
    String token = token(links.link(7, 42, later));
    LinkTokens other = new LinkTokens(List.of("secret-2"), Clock.systemUTC());
    assertEquals(Check.INVALID, other.verify(token, Purpose.MODERATE).check());
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
