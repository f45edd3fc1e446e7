package org.fanmail.mail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.fanmail.config.FanmailConfig;
import org.fanmail.config.SecretsCheck;

/**
 * Signs and checks the tokens fanmail puts into links (unsubscribe, moderate, confirm): the one
 * link-token scheme, HMAC-SHA256 over a fixed 27-octet payload, the MAC cut to 128 bits, all
 * base64url without padding (58 characters); and its compact form ({@link #signCompact}) for tokens
 * that must fit into an address's local part ({@code list-confirm+TOKEN@domain}).
 *
 * <p>Payload: format version (1), key id (1), {@link Purpose} (1), list id (8), subject id (8: the
 * member, or the held post for {@link Purpose#MODERATE}; 0 for none), expiry in epoch seconds (8, 0
 * for none). The key id is derived from the secret, so a rotated secret is recognised: tokens are
 * signed with the first secret and verified with any of the secrets given (the current one first,
 * then old ones until their links may lapse). The HMAC key is itself derived from the secret with a
 * fixed label, so these tokens share nothing with other uses of the same secret. A running fanmail
 * keys them with {@code fanmail.link-secret} only, never with the admin token ({@link #of}).
 *
 * <p>Compact form: key id (1), the subject id as an unsigned LEB128 varint (1 to 9 octets), the MAC
 * cut to 80 bits (10), written in lowercase base32 without padding, so that mail systems that
 * change the case of local parts cannot break it. The MAC covers a version octet of its own, the
 * purpose, the key id and the varint; it carries no list and no expiry: the subject (a subscription
 * request) is a row that knows both, and the caller checks them there. 80 bits are plenty for a
 * token that also has to name a live row and is refused once used or expired. Length: {@code ceil(8
 * * (11 + varint) / 5)} characters, 24 for subject ids below 2^28, 26 below 2^35 ({@link
 * #COMPACT_BUDGET_CHARS}), at most 34.
 *
 * <p>Invariants: a token verifies only for the purpose it was made for, with an intact payload,
 * under one of the configured secrets, and before its expiry; the MAC is compared in constant time.
 * Anything else (bad base64, wrong length or version, unknown key) is {@link Check#INVALID}.
 * Thread-safe (a {@link Mac} per thread and key).
 */
public final class LinkTokens {
  /** Token format version, first octet of every token. */
  static final byte VERSION = 1;

  private static final int PAYLOAD = 27;
  private static final int MAC_BYTES = 16;
  private static final int TOKEN_BYTES = PAYLOAD + MAC_BYTES;

  /** Longest text {@link #verify} looks at; anything longer is invalid without decoding. */
  public static final int MAX_TOKEN_CHARS = 64;

  /** Version octet under the MAC of a compact token (never in the token itself). */
  private static final byte COMPACT_VERSION = 2;

  private static final int COMPACT_MAC_BYTES = 10;

  /** Longest compact token (a subject id of 9 varint octets). */
  public static final int MAX_COMPACT_CHARS = 34;

  /**
   * The length a compact token is budgeted for: subject ids below 2^35 (34 billion rows). Addresses
   * are sized against it ({@code list-confirm+TOKEN} within 64 octets); a longer token still works
   * where mail systems accept longer local parts.
   */
  public static final int COMPACT_BUDGET_CHARS = 26;

  /** What a token may be used for; one byte in the payload, never reused for another meaning. */
  public enum Purpose {
    /** The list-level unsubscribe link of a non-personalized copy: leads to a form. */
    UNSUBSCRIBE_LIST(1),
    /** The one-click link of a personalized copy: names the member, does not expire. */
    UNSUBSCRIBE_MEMBER(2),
    /** The link mailed after the form: names the member, expires. */
    UNSUBSCRIBE_CONFIRM(3),
    /**
     * The link in a held post's notice to its moderators: names the list and the post (in the
     * subject id), lets its holder approve or discard that post, expires with the hold.
     */
    MODERATE(4),
    /**
     * The confirmation of a subscription request, by link or by reply to {@code
     * list-confirm+TOKEN}: compact form only, names the request (the subject id), which carries the
     * list and the expiry.
     */
    CONFIRM(5),
    /**
     * The link mailed to a member who asked for it on the list page: names the list and the member,
     * opens {@code /manage/{token}} (delivery mode, own posts, leaving; on a MEMBERS archive, the
     * archive), expires.
     */
    MANAGE(6);

    final byte code;

    Purpose(int code) {
      this.code = (byte) code;
    }

    static Optional<Purpose> of(byte code) {
      for (Purpose p : values()) {
        if (p.code == code) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }
  }

  /** How a token fared. */
  public enum Check {
    VALID,
    INVALID,
    EXPIRED
  }

  /**
   * What a valid token says.
   *
   * @param memberId the subject: the member, the held post for {@link Purpose#MODERATE}, or 0 when
   *     the token names only the list
   * @param expiresAt when it lapses, or null for never
   */
  public record Token(Purpose purpose, long listId, long memberId, Instant expiresAt) {
    /** The held post a {@link Purpose#MODERATE} token names (its subject id). */
    public long postId() {
      if (purpose != Purpose.MODERATE) {
        throw new IllegalStateException("a " + purpose + " token names no post");
      }
      return memberId;
    }
  }

  /** The outcome of {@link #verify}: the check and, when VALID or EXPIRED, the token. */
  public record Verified(Check check, Token token) {
    static final Verified INVALID = new Verified(Check.INVALID, null);
  }

  /**
   * A secret's id and derived key, with a {@link Mac} per thread already keyed: looking the
   * algorithm up and keying it on every token was most of the cost of signing one (a few per
   * delivered post).
   */
  private record Key(byte id, byte[] macKey, ThreadLocal<Mac> macs) {
    Key(byte id, byte[] macKey) {
      this(id, macKey, ThreadLocal.withInitial(() -> newMac(macKey)));
    }

    byte[] mac(byte[] data, int len) {
      Mac m = macs.get();
      m.update(data, 0, len);
      return m.doFinal(); // and ready for the next token
    }
  }

  private final List<Key> keys;
  private final Clock clock;

  /**
   * @param secrets the current secret first, then older ones still accepted; at least one, none
   *     blank
   */
  public LinkTokens(List<String> secrets, Clock clock) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("a link secret is required");
    }
    List<Key> k = new ArrayList<>();
    for (String s : secrets) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException("a link secret must not be blank");
      }
      byte[] derived = derivedKey(s, "fanmail link tokens v1");
      byte id = hmac(derived, label("key id"))[0];
      k.add(new Key(id, derived));
    }
    this.keys = List.copyOf(k);
    this.clock = clock;
  }

  public LinkTokens(String secret) {
    this(List.of(secret), Clock.systemUTC());
  }

  /**
   * The tokens of a running fanmail: {@code fanmail.link-secret} signs; {@code
   * fanmail.previous-link-secrets} still verify. The admin token is never used, set or not.
   *
   * @throws IllegalStateException naming the key when the link secret is unset or unusable
   */
  public static LinkTokens of(FanmailConfig config) {
    return new LinkTokens(secrets(config), Clock.systemUTC());
  }

  /**
   * The link secrets of a running fanmail, the current one first, then {@code
   * fanmail.previous-link-secrets}.
   *
   * @throws IllegalStateException naming the key when the link secret is unset or unusable
   */
  static List<String> secrets(FanmailConfig config) {
    String current = SecretsCheck.requireLinkSecret(config.linkSecret());
    List<String> all = new ArrayList<>();
    all.add(current);
    config.previousLinkSecrets().ifPresent(all::addAll);
    return all;
  }

  /**
   * A key of its own for another use of a link secret ({@code label} names the use, e.g. VERP
   * tags), derived the way link tokens derive theirs, so no two uses share a key.
   */
  static byte[] derivedKey(String secret, String label) {
    return hmac(secret.getBytes(StandardCharsets.UTF_8), label(label));
  }

  /**
   * A token for {@code purpose}; {@code memberId} is the subject id (the post for {@link
   * Purpose#MODERATE}), 0 for none; {@code expiresAt} null for never.
   */
  public String sign(Purpose purpose, long listId, long memberId, Instant expiresAt) {
    Key key = keys.get(0);
    ByteBuffer b = ByteBuffer.allocate(TOKEN_BYTES);
    b.put(VERSION).put(key.id()).put(purpose.code);
    b.putLong(listId).putLong(memberId).putLong(expiresAt == null ? 0 : expiresAt.getEpochSecond());
    byte[] all = b.array();
    byte[] mac = key.mac(all, PAYLOAD);
    System.arraycopy(mac, 0, all, PAYLOAD, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
  }

  /** Checks {@code text} for {@code purpose}; never throws on bad input. */
  public Verified verify(String text, Purpose purpose) {
    Verified v = verify(text);
    if (v.check() == Check.INVALID || v.token().purpose() != purpose) {
      return Verified.INVALID;
    }
    return v;
  }

  /** Checks {@code text} for any purpose (the caller decides by {@link Token#purpose}). */
  public Verified verify(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_TOKEN_CHARS) {
      return Verified.INVALID;
    }
    byte[] all;
    try {
      all = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return Verified.INVALID;
    }
    if (all.length != TOKEN_BYTES || all[0] != VERSION) {
      return Verified.INVALID;
    }
    // One token, one spelling: the decoder ignores the unused low bits of the last character, so
    // without this check four spellings of a token would all verify.
    if (!Base64.getUrlEncoder().withoutPadding().encodeToString(all).equals(text)) {
      return Verified.INVALID;
    }
    byte[] given = java.util.Arrays.copyOfRange(all, PAYLOAD, TOKEN_BYTES);
    boolean ok = false;
    for (Key k : keys) {
      // Every key whose id matches is tried; ids are one octet, so two secrets may share one.
      if (k.id() == all[1]) {
        byte[] want = java.util.Arrays.copyOf(k.mac(all, PAYLOAD), MAC_BYTES);
        ok |= MessageDigest.isEqual(want, given);
      }
    }
    if (!ok) {
      return Verified.INVALID;
    }
    Optional<Purpose> purpose = Purpose.of(all[2]);
    if (purpose.isEmpty()) {
      return Verified.INVALID;
    }
    ByteBuffer b = ByteBuffer.wrap(all, 3, 24);
    long listId = b.getLong();
    long memberId = b.getLong();
    long expiry = b.getLong();
    Instant expiresAt = expiry == 0 ? null : Instant.ofEpochSecond(expiry);
    Token t = new Token(purpose.get(), listId, memberId, expiresAt);
    if (expiresAt != null && !clock.instant().isBefore(expiresAt)) {
      return new Verified(Check.EXPIRED, t);
    }
    return new Verified(Check.VALID, t);
  }

  /**
   * A compact token for {@code purpose} naming {@code subjectId} (not negative); see the class
   * comment for its form and length.
   */
  public String signCompact(Purpose purpose, long subjectId) {
    if (subjectId < 0) {
      throw new IllegalArgumentException("subject id must not be negative: " + subjectId);
    }
    Key key = keys.get(0);
    byte[] varint = CompactEncoding.varint(subjectId);
    byte[] mac = compactMac(key, purpose, varint);
    byte[] all = new byte[1 + varint.length + COMPACT_MAC_BYTES];
    all[0] = key.id();
    System.arraycopy(varint, 0, all, 1, varint.length);
    System.arraycopy(mac, 0, all, 1 + varint.length, COMPACT_MAC_BYTES);
    return CompactEncoding.base32(all);
  }

  /**
   * The subject id of compact token {@code text} made for {@code purpose}, or empty when it is not
   * one (any case is accepted: local parts may have been changed); never throws on bad input.
   */
  public OptionalLong verifyCompact(String text, Purpose purpose) {
    if (text == null || text.length() < 20 || text.length() > MAX_COMPACT_CHARS) {
      return OptionalLong.empty();
    }
    String lower = text.toLowerCase(Locale.ROOT);
    byte[] all = CompactEncoding.unbase32(lower);
    // One token, one spelling (the unused low bits of the last character must be zero).
    if (all == null || !CompactEncoding.base32(all).equals(lower)) {
      return OptionalLong.empty();
    }
    int varintLength = all.length - 1 - COMPACT_MAC_BYTES;
    if (varintLength < 1 || varintLength > 9) {
      return OptionalLong.empty();
    }
    byte[] varint = Arrays.copyOfRange(all, 1, 1 + varintLength);
    long subject = CompactEncoding.unvarint(varint);
    if (subject < 0) {
      return OptionalLong.empty();
    }
    byte[] given = Arrays.copyOfRange(all, 1 + varintLength, all.length);
    boolean ok = false;
    for (Key k : keys) {
      if (k.id() == all[0]) {
        byte[] want = Arrays.copyOf(compactMac(k, purpose, varint), COMPACT_MAC_BYTES);
        ok |= MessageDigest.isEqual(want, given);
      }
    }
    return ok ? OptionalLong.of(subject) : OptionalLong.empty();
  }

  private static byte[] compactMac(Key key, Purpose purpose, byte[] varint) {
    byte[] data = new byte[3 + varint.length];
    data[0] = COMPACT_VERSION;
    data[1] = purpose.code;
    data[2] = key.id();
    System.arraycopy(varint, 0, data, 3, varint.length);
    return key.mac(data, data.length);
  }

  private static byte[] label(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    return newMac(key).doFinal(data);
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
