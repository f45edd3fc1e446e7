package org.fanmail.dkim;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Signs an outgoing copy with one {@code DKIM-Signature} per key (RFC 6376, relaxed/relaxed; two
 * keys of two algorithms is RFC 8463 dual signing). {@code h=} names every present instance of
 * {@link #SIGNED_FIELDS} and From once more than present (over-signing: nobody can add a From
 * without breaking the signature). No {@code l=} (every body octet is signed), no {@code x=}
 * (receivers judge age themselves). The body hash is computed once per body ({@link #bodyHash}) and
 * handed in, so a personalized copy only pays for its header.
 *
 * <p>Pure and thread-safe. A key the JDK cannot use throws {@link GeneralSecurityException}: the
 * caller decides (delivery sends the copy without that key's signature and logs it).
 */
public final class DkimSigner {
  /** Fields signed when present, RFC 6376 §5.4.1's advice plus the list fields of RFC 2369/2919. */
  public static final List<String> SIGNED_FIELDS =
      List.of(
          "from",
          "reply-to",
          "subject",
          "date",
          "to",
          "cc",
          "message-id",
          "in-reply-to",
          "references",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "list-id",
          "list-help",
          "list-unsubscribe",
          "list-unsubscribe-post",
          "list-subscribe",
          "list-post",
          "list-owner",
          "list-archive");

  private DkimSigner() {}

  /**
   * The relaxed body hash of a copy whose header ends right before {@code rest} ({@code rest}
   * starts with the empty line that ends the header, or is empty for a message without a body).
   */
  public static byte[] bodyHash(byte[] rest) {
    int from = rest.length >= 2 && rest[0] == '\r' && rest[1] == '\n' ? 2 : 0;
    byte[] body = Canonicalization.RELAXED.body(MessageFields.withCrlf(rest), from);
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The {@code DKIM-Signature} fields for a copy with header fields {@code header} (CRLF-terminated
   * fields, no empty line) and body hash {@code bodyHash}, one per key in order, to be put before
   * the header; {@code now} is {@code t=} in seconds.
   */
  public static byte[] sign(byte[] header, byte[] bodyHash, List<SigningKey> keys, long now)
      throws GeneralSecurityException {
    if (keys.isEmpty()) {
      return new byte[0];
    }
    MessageFields fields = MessageFields.of(header);
    List<String> names = signedNames(fields, SIGNED_FIELDS, true);
    List<MessageFields.Field> selected = fields.select(names);
    String h = String.join(":", names);
    String bh = Base64.getEncoder().encodeToString(bodyHash);
    ByteArrayOutputStream out = new ByteArrayOutputStream(keys.size() * 600);
    for (SigningKey k : keys) {
      List<SignatureField.Tag> tags =
          List.of(
              new SignatureField.Tag("v", "1"),
              new SignatureField.Tag("a", k.algorithm().tag()),
              new SignatureField.Tag("c", "relaxed/relaxed"),
              new SignatureField.Tag("d", k.domain()),
              new SignatureField.Tag("s", k.selector()),
              new SignatureField.Tag("t", Long.toString(now)),
              new SignatureField.Tag("h", h),
              new SignatureField.Tag("bh", bh));
      out.writeBytes(SignatureField.sign("DKIM-Signature", tags, selected, k));
    }
    return out.toByteArray();
  }

  /**
   * The {@code h=} names for {@code fields}: each of {@code wanted} once per present instance, From
   * once more when {@code overSignFrom}.
   */
  static List<String> signedNames(MessageFields fields, List<String> wanted, boolean overSignFrom) {
    Set<String> wantedSet = new LinkedHashSet<>(wanted);
    List<String> names = new ArrayList<>();
    for (String w : wantedSet) {
      for (MessageFields.Field f : fields.fields()) {
        if (f.lowerName().equals(w)) {
          names.add(w);
        }
      }
    }
    if (overSignFrom) {
      names.add("from");
    }
    names.sort(java.util.Comparator.comparingInt(n -> wanted.indexOf(n.toLowerCase(Locale.ROOT))));
    return names;
  }
}
