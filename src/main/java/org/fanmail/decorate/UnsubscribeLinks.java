package org.fanmail.decorate;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HTTPS unsubscribe link of a list: {@code <public-url>/unsubscribe/<token>}, the token an
 * HMAC-SHA256 of the list address under the link secret (cut to 128 bits, base64url). A placeholder
 * until personalized one-click links exist: it names the list, not the recipient.
 */
public final class UnsubscribeLinks {
  private final URI base;
  private final byte[] secret;

  public UnsubscribeLinks(URI base, String secret) {
    this.base = base;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** The link for {@code listAddress}. */
  public String forList(String listAddress) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] digest = mac.doFinal(("list:" + listAddress).getBytes(StandardCharsets.UTF_8));
      byte[] cut = java.util.Arrays.copyOf(digest, 16);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(cut);
      String b = base.toString();
      return (b.endsWith("/") ? b : b + "/") + "unsubscribe/" + token;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
