package org.fanmail.mail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.fanmail.config.FanmailConfig;

/**
 * The short tag that signs a VERP envelope sender ({@code list-bounces+user=host=TAG@domain}, see
 * {@link VerpAddress}): a bounce counts against the member it names only when the tag verifies, so
 * whoever can send fanmail mail cannot disable members by forging bounces to their VERP addresses.
 *
 * <p>The tag is HMAC-SHA256 over the list id and the lowercased recipient, cut to 40 bits and
 * written as 8 lower-case base32 characters (compared ignoring case: some MTAs change the case of
 * local parts). The key is derived from {@code fanmail.link-secret} with a label of its own ({@link
 * LinkTokens#derivedKey}), so a tag is no link token and no link token a tag. Tags are made with
 * the current secret and checked against every configured one (rotation). 40 bits are enough
 * because each guess costs the forger a message that fanmail reads: 2^39 mails on average for one
 * member. Thread-safe (a {@link Mac} per thread and key).
 */
public final class VerpTags {
  /** Characters of a tag: 8 base32 characters carry 40 bits. */
  public static final int TAG_CHARS = 8;

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private final List<ThreadLocal<Mac>> macs;

  /**
   * @param secrets the current link secret first, then older ones still accepted
   */
  public VerpTags(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("a link secret is required");
    }
    List<ThreadLocal<Mac>> m = new ArrayList<>();
    for (String s : secrets) {
      byte[] key = LinkTokens.derivedKey(s, "fanmail verp tags v1");
      m.add(ThreadLocal.withInitial(() -> newMac(key)));
    }
    this.macs = List.copyOf(m);
  }

  /** The tags of a running fanmail, keyed by {@code fanmail.link-secret} (and previous secrets). */
  public static VerpTags of(FanmailConfig config) {
    return new VerpTags(LinkTokens.secrets(config));
  }

  /** The tag for mail of list {@code listId} to {@code recipient}, with the current secret. */
  public String tag(long listId, String recipient) {
    return tag(macs.get(0), listId, recipient);
  }

  /**
   * True when the VERP argument {@code arg} ({@code user=host=TAG}, what follows {@code
   * list-bounces+}) carries a tag made for list {@code listId} and the recipient it names. An
   * argument without a tag (a VERP address from before tags) never verifies.
   */
  public boolean verifies(long listId, String arg) {
    Optional<String> recipient = VerpAddress.decodeArgument(arg);
    Optional<String> given = VerpAddress.tagOf(arg);
    if (recipient.isEmpty() || given.isEmpty()) {
      return false;
    }
    byte[] got = given.get().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (ThreadLocal<Mac> mac : macs) {
      byte[] want = tag(mac, listId, recipient.get()).getBytes(StandardCharsets.US_ASCII);
      ok |= MessageDigest.isEqual(want, got);
    }
    return ok;
  }

  private static String tag(ThreadLocal<Mac> macs, long listId, String recipient) {
    byte[] rcpt = recipient.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    Mac mac = macs.get();
    mac.update(ByteBuffer.allocate(Long.BYTES).putLong(listId).array());
    byte[] h = mac.doFinal(rcpt);
    long bits = 0;
    for (int i = 0; i < 5; i++) {
      bits = (bits << 8) | (h[i] & 0xff);
    }
    char[] out = new char[TAG_CHARS];
    for (int i = TAG_CHARS - 1; i >= 0; i--) {
      out[i] = BASE32[(int) (bits & 31)];
      bits >>>= 5;
    }
    return new String(out);
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
