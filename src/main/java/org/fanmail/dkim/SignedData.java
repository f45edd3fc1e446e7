package org.fanmail.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes a DKIM-style signature's {@code b=} covers (RFC 6376 §3.7): the selected header fields,
 * canonicalized, then the signature field itself with the value of its {@code b=} tag emptied and
 * without its final CRLF. Used alike by DKIM-Signature and ARC-Message-Signature (and, with the
 * fields of an ARC set, by ARC-Seal), signing and verifying.
 */
final class SignedData {
  private SignedData() {}

  static byte[] of(
      Canonicalization c, List<MessageFields.Field> selected, byte[] signatureFieldRaw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    for (MessageFields.Field f : selected) {
      out.writeBytes(c.header(f.raw()));
    }
    byte[] sig = c.header(withoutSignatureValue(signatureFieldRaw));
    int len = sig.length;
    if (len >= 2 && sig[len - 2] == '\r' && sig[len - 1] == '\n') {
      len -= 2;
    }
    out.write(sig, 0, len);
    return out.toByteArray();
  }

  /**
   * The field with the value of its {@code b=} tag removed: the tag name and '=' kept, the base64
   * and the folding inside it dropped, the white space after it kept (as python-dkim and OpenDKIM
   * do). The field's own CRLF stays. A field without a {@code b=} tag is returned as it is.
   */
  static byte[] withoutSignatureValue(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int colon = text.indexOf(':');
    int tagStart = colon + 1;
    while (tagStart <= text.length()) {
      int semi = text.indexOf(';', tagStart);
      int tagEnd = semi < 0 ? text.length() : semi;
      int eq = text.indexOf('=', tagStart);
      if (eq >= 0 && eq < tagEnd && text.substring(tagStart, eq).strip().equals("b")) {
        int valueEnd = tagEnd;
        if (semi < 0 && text.endsWith("\r\n")) {
          valueEnd -= 2;
        }
        // The value ends at its last base64 character; trailing white space is not part of it.
        int last = valueEnd;
        while (last > eq + 1 && isWhite(text.charAt(last - 1))) {
          last--;
        }
        String out = text.substring(0, eq + 1) + text.substring(last);
        return out.getBytes(StandardCharsets.ISO_8859_1);
      }
      if (semi < 0) {
        break;
      }
      tagStart = semi + 1;
    }
    return raw;
  }

  private static boolean isWhite(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
