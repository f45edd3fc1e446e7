package org.fanmail.moderation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;

/**
 * The links in moderation notices: {@code <public-url>/moderate/<token>}, the token a {@link
 * LinkTokens} token of purpose {@link Purpose#MODERATE} naming the list and the held post and
 * expiring with the hold. This class only builds URLs; signing and checking are {@link
 * LinkTokens}'s (keyed by {@code fanmail.link-secret}, rotation included), and the page that checks
 * the token is {@code web.ModeratePageResource}.
 */
@ApplicationScoped
public class ModerationLinks {
  private final URI base;
  private final LinkTokens tokens;

  @Inject
  public ModerationLinks(FanmailConfig config) {
    this(config.publicUrl(), LinkTokens.of(config));
  }

  ModerationLinks(URI base, LinkTokens tokens) {
    this.base = base;
    this.tokens = tokens;
  }

  /** The page link for post {@code postId} of list {@code listId}, valid until {@code expires}. */
  public String link(long listId, long postId, Instant expires) {
    String b = base.toString();
    return (b.endsWith("/") ? b : b + "/")
        + "moderate/"
        + tokens.sign(Purpose.MODERATE, listId, postId, expires);
  }

  /** The base of admin API links in notices. */
  public String apiBase() {
    String b = base.toString();
    return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }
}
