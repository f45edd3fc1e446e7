package org.fanmail.moderation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.fanmail.config.FanmailConfig;

/**
 * The links in moderation notices: {@code <public-url>/moderate/<token>}, where the token is {@code
 * <post id>.<expiry, epoch seconds>.<MAC>} and the MAC an HMAC-SHA256 under the link secret over
 * the scope {@code moderate}, the post id and the expiry (cut to 128 bits, base64url). The token
 * lets its holder approve or discard that one post, and nothing else, until the hold expires.
 *
 * <p>Verification is constant-time on the MAC and refuses anything malformed, over-long, for
 * another scope or expired; it never touches the database.
 */
@ApplicationScoped
public class ModerationLinks {
  /** Longest token considered at all. */
  static final int MAX_TOKEN = 80;

  private static final String SCOPE = "moderate";
  private static final Pattern TOKEN =
      Pattern.compile("(\\d{1,18})\\.(\\d{1,12})\\.([A-Za-z0-9_-]{22})");

  private final byte[] secret;
  private final URI base;

  @Inject
  public ModerationLinks(FanmailConfig config) {
    this(
        config.publicUrl(),
        config.linkSecret().or(() -> config.admin().token()).orElse("fanmail-unconfigured-secret"));
  }

  ModerationLinks(URI base, String secret) {
    this.base = base;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** The token for post {@code postId}, valid until {@code expires}. */
  public String token(long postId, Instant expires) {
    long exp = expires.getEpochSecond();
    return postId + "." + exp + "." + mac(postId, exp);
  }

  /** The page link for post {@code postId}, valid until {@code expires}. */
  public String link(long postId, Instant expires) {
    String b = base.toString();
    return (b.endsWith("/") ? b : b + "/") + "moderate/" + token(postId, expires);
  }

  /** The base of admin API links in notices. */
  public String apiBase() {
    String b = base.toString();
    return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }

  /** The post id a token grants, if the token is genuine and not expired at {@code now}. */
  public Optional<Long> verify(String token, Instant now) {
    if (token == null || token.length() > MAX_TOKEN) {
      return Optional.empty();
    }
    Matcher m = TOKEN.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    long postId;
    long exp;
    try {
      postId = Long.parseLong(m.group(1));
      exp = Long.parseLong(m.group(2));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    byte[] expected = mac(postId, exp).getBytes(StandardCharsets.US_ASCII);
    byte[] given = m.group(3).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) {
      return Optional.empty();
    }
    if (now.getEpochSecond() >= exp) {
      return Optional.empty();
    }
    return Optional.of(postId);
  }

  private String mac(long postId, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] digest =
          mac.doFinal((SCOPE + "\n" + postId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
