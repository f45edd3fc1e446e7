package org.fanmail.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Adds fanmail's ARC set (RFC 8617) to an outgoing copy: {@code ARC-Authentication-Results} (the
 * content of the topmost {@code Authentication-Results} field fanmail itself wrote on arrival,
 * whose authserv-id is ours; {@code <authserv-id>; none} when there is none), {@code
 * ARC-Message-Signature} (relaxed/relaxed over {@link #SIGNED_FIELDS} and the body) and {@code
 * ARC-Seal} with the {@code cv=} of the {@link ArcChain.Result} the message arrived with: over
 * every earlier set and the new one, or over the new one alone when {@code cv=fail} (RFC 8617
 * §5.1.2). The instance is the highest one seen plus one; a chain at {@link ArcChain#MAX_INSTANCE}
 * gets no set. Pure and thread-safe.
 */
public final class ArcSealer {
  /**
   * The fields the ARC-Message-Signature signs when present: those of {@link
   * DkimSigner#SIGNED_FIELDS} except the per-recipient {@code List-Unsubscribe} pair, so that one
   * ARC set serves every copy of a post, personalized ones too. Never ARC-Seal (RFC 8617 §4.1.2).
   */
  public static final List<String> SIGNED_FIELDS =
      DkimSigner.SIGNED_FIELDS.stream()
          .filter(n -> !n.equals("list-unsubscribe") && !n.equals("list-unsubscribe-post"))
          .toList();

  /** Bounds the copied Authentication-Results payload (a header line must stay under 998). */
  private static final int MAX_RESULTS = 900;

  private ArcSealer() {}

  /**
   * The new ARC set's three fields (ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results,
   * top down), to be put before {@code header}; empty when the chain is at its limit. {@code
   * header} is the copy's header fields (CRLF-terminated, no empty line), earlier ARC sets
   * included; {@code bodyHash} from {@link DkimSigner#bodyHash}.
   */
  public static byte[] seal(
      byte[] header,
      byte[] bodyHash,
      ArcChain.Result chain,
      SigningKey key,
      String authservId,
      long now)
      throws GeneralSecurityException {
    if (key.algorithm() != SigningAlgorithm.RSA_SHA256) {
      throw new IllegalArgumentException("ARC is sealed with rsa-sha256 keys only: " + key);
    }
    if (!chain.sealable()) {
      return new byte[0];
    }
    int i = chain.highest() + 1;
    MessageFields fields = MessageFields.of(header);
    String aarText =
        "ARC-Authentication-Results: i=" + i + "; " + results(fields, authservId) + "\r\n";
    MessageFields.Field aar =
        new MessageFields.Field(
            "ARC-Authentication-Results", aarText.getBytes(StandardCharsets.UTF_8));

    List<String> names = DkimSigner.signedNames(fields, SIGNED_FIELDS, false);
    byte[] ams =
        SignatureField.sign(
            "ARC-Message-Signature",
            List.of(
                new SignatureField.Tag("i", Integer.toString(i)),
                new SignatureField.Tag("a", key.algorithm().tag()),
                new SignatureField.Tag("c", "relaxed/relaxed"),
                new SignatureField.Tag("d", key.domain()),
                new SignatureField.Tag("s", key.selector()),
                new SignatureField.Tag("t", Long.toString(now)),
                new SignatureField.Tag("h", String.join(":", names)),
                new SignatureField.Tag("bh", Base64.getEncoder().encodeToString(bodyHash))),
            fields.select(names),
            key);

    List<MessageFields.Field> covered = new ArrayList<>();
    if (chain.validation() != ArcChain.Validation.FAIL) {
      for (int k = 1; k < i; k++) {
        covered.add(first(fields, "ARC-Authentication-Results", k));
        covered.add(first(fields, "ARC-Message-Signature", k));
        covered.add(first(fields, "ARC-Seal", k));
      }
    }
    covered.add(aar);
    covered.add(new MessageFields.Field("ARC-Message-Signature", ams));
    byte[] seal =
        SignatureField.sign(
            "ARC-Seal",
            List.of(
                new SignatureField.Tag("i", Integer.toString(i)),
                new SignatureField.Tag("a", key.algorithm().tag()),
                new SignatureField.Tag("t", Long.toString(now)),
                new SignatureField.Tag("cv", chain.validation().word()),
                new SignatureField.Tag("d", key.domain()),
                new SignatureField.Tag("s", key.selector())),
            covered.stream().filter(f -> f != null).toList(),
            key);
    ByteArrayOutputStream out = new ByteArrayOutputStream(seal.length + ams.length + 256);
    out.writeBytes(seal);
    out.writeBytes(ams);
    out.writeBytes(aar.raw());
    return out.toByteArray();
  }

  private static MessageFields.Field first(MessageFields fields, String name, int instance) {
    for (MessageFields.Field f : fields.fields()) {
      if (f.is(name) && ArcChain.instanceOf(f) == instance) {
        return f;
      }
    }
    return null;
  }

  /**
   * The payload for ARC-Authentication-Results: the topmost Authentication-Results field whose
   * authserv-id is ours, unfolded and refolded at its semicolons; {@code <id>; none} without one.
   */
  static String results(MessageFields fields, String authservId) {
    for (MessageFields.Field f : fields.fields()) {
      if (!f.is("Authentication-Results")) {
        continue;
      }
      String value =
          new String(f.raw(), StandardCharsets.UTF_8)
              .substring(f.name().length() + 1)
              .replaceAll("\r?\n[ \t]+", " ")
              .strip();
      String id = value.split("[;\\s]", 2)[0];
      if (id.equalsIgnoreCase(authservId) && value.length() <= MAX_RESULTS) {
        return value.replaceAll(";\\s*(?=\\S)", ";\r\n\t");
      }
    }
    return authservId + "; none";
  }
}
