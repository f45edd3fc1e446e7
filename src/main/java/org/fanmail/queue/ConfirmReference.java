package org.fanmail.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.fanmail.mail.LinkTokens;

/**
 * What a post to {@code list-confirm+TOKEN} keeps of its token in {@code purpose_arg}, so that a
 * confirmation token is never stored in clear: a token of the link-token scheme ({@link
 * LinkTokens}' compact {@code CONFIRM} form) is verified as the post is stored and only the request
 * id it names is kept ({@code request:ID}; the id is no secret, the token is); a token of the older
 * random kind, which the database knows only by its SHA-256 ({@code subscription_request.
 * token_hash}), is kept as that hash ({@code sha256:HEX}). Anything else is no reference: nothing
 * is kept, and the request stage finds no request. Pure; never throws on what a client sent.
 *
 * @param requestId the request a signed token names, or null
 * @param legacyHash the SHA-256 of a token of the older kind, or null (exactly one is set)
 */
public record ConfirmReference(Long requestId, byte[] legacyHash) {
  private static final String REQUEST = "request:";
  private static final String SHA256 = "sha256:";

  /** Length of the random tokens issued before signed ones (base32, 130 bits). */
  private static final int LEGACY_LENGTH = 26;

  public ConfirmReference {
    if ((requestId == null) == (legacyHash == null)) {
      throw new IllegalArgumentException("a reference names a request or a hash, not both");
    }
  }

  /**
   * The reference {@code token} stands for: the request it names when it verifies under {@code
   * tokens}, else its hash when it has the shape of an older token, else empty.
   */
  public static Optional<ConfirmReference> ofToken(String token, LinkTokens tokens) {
    if (token == null) {
      return Optional.empty();
    }
    OptionalLong id = tokens.verifyCompact(token.strip(), LinkTokens.Purpose.CONFIRM);
    if (id.isPresent()) {
      return Optional.of(new ConfirmReference(id.getAsLong(), null));
    }
    return legacyHash(token).map(h -> new ConfirmReference(null, h));
  }

  /** The reference kept in {@code purpose_arg} as {@link #stored}; empty for any other text. */
  public static Optional<ConfirmReference> parse(String stored) {
    if (stored == null) {
      return Optional.empty();
    }
    if (stored.startsWith(REQUEST) && stored.matches("request:[0-9]{1,18}")) {
      return Optional.of(
          new ConfirmReference(Long.parseLong(stored.substring(REQUEST.length())), null));
    }
    if (stored.startsWith(SHA256) && stored.matches("sha256:[0-9a-f]{64}")) {
      return Optional.of(
          new ConfirmReference(null, HexFormat.of().parseHex(stored.substring(SHA256.length()))));
    }
    return Optional.empty();
  }

  /** The text kept in {@code purpose_arg}. */
  public String stored() {
    return requestId != null ? REQUEST + requestId : SHA256 + HexFormat.of().formatHex(legacyHash);
  }

  /** The stored SHA-256 of a token issued before signed tokens, when {@code text} can be one. */
  public static Optional<byte[]> legacyHash(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (!t.matches("[a-z2-7]{" + LEGACY_LENGTH + "}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          MessageDigest.getInstance("SHA-256").digest(t.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
