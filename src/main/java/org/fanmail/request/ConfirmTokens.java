package org.fanmail.request;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.LinkTokens;
import org.fanmail.queue.ConfirmReference;

/**
 * Confirmation tokens of subscription requests: {@link LinkTokens}' compact form of purpose {@link
 * LinkTokens.Purpose#CONFIRM} naming the request id, keyed by {@code fanmail.link-secret} (rotated
 * secrets still verify). Nothing about a token is stored: it is recomputed from the id, its expiry
 * is the request's {@code expires_at}, and it works once because using it moves the request out of
 * CONFIRMING. Lowercase base32, so it survives mail systems that change the case of local parts
 * ({@code list-confirm+TOKEN@domain}) and fits a URL path unescaped.
 *
 * <p>Address budget: a local part is at most 64 octets (RFC 5321 4.5.3.1.1), and {@code
 * list-confirm+TOKEN} spends 9 on {@code -confirm+} and {@link LinkTokens#COMPACT_BUDGET_CHARS}
 * (26, request ids below 2^35) on the token, so a list's local part may have at most {@link
 * org.fanmail.list.ListService#MAX_LOCAL_PART} (29) octets; longer ones are refused at creation.
 *
 * <p>Tokens issued before this scheme (26 random characters, only their SHA-256 stored in {@code
 * token_hash}) are still looked up by hash ({@link #legacyHash}) until their requests expire. A
 * token mailed back to {@code list-confirm+TOKEN} is read at intake and kept as a {@link
 * ConfirmReference} (the request id, or the hash), never in clear.
 */
@ApplicationScoped
public class ConfirmTokens {
  private final LinkTokens tokens;

  @Inject
  public ConfirmTokens(FanmailConfig config) {
    this(LinkTokens.of(config));
  }

  ConfirmTokens(LinkTokens tokens) {
    this.tokens = tokens;
  }

  /** The token that confirms request {@code requestId}. */
  String make(long requestId) {
    return tokens.signCompact(LinkTokens.Purpose.CONFIRM, requestId);
  }

  /** The request {@code text} confirms, or empty when it is not a token of ours. */
  OptionalLong requestId(String text) {
    return text == null
        ? OptionalLong.empty()
        : tokens.verifyCompact(text.strip(), LinkTokens.Purpose.CONFIRM);
  }

  /**
   * True when {@code word} has the shape of a token (signed or legacy), so a {@code confirm}
   * command can tell its argument from prose without a key.
   */
  static boolean looksLikeOne(String word) {
    return word != null
        && word.length() >= 20
        && word.length() <= LinkTokens.MAX_COMPACT_CHARS
        && word.toLowerCase(Locale.ROOT).matches("[a-z2-7]+");
  }

  /** The stored SHA-256 of a token issued before signed tokens, when {@code text} can be one. */
  static Optional<byte[]> legacyHash(String text) {
    return ConfirmReference.legacyHash(text);
  }

  /** The request {@code token} (as a person or a page gives it) refers to; empty when none. */
  Optional<ConfirmReference> reference(String token) {
    return ConfirmReference.ofToken(token, tokens);
  }

  /**
   * The request a post to {@code list-confirm+TOKEN} refers to, from its {@code purpose_arg}: the
   * {@link ConfirmReference} written at intake, or the token itself in a row stored by a fanmail
   * before references (read as a token, so such a row is still answered after an upgrade).
   */
  Optional<ConfirmReference> stored(String purposeArg) {
    Optional<ConfirmReference> r = ConfirmReference.parse(purposeArg);
    return r.isPresent() ? r : reference(purposeArg);
  }
}
