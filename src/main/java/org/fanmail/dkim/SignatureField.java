package org.fanmail.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;

/**
 * Writes a signature field fanmail signs ({@code DKIM-Signature}, {@code ARC-Message-Signature},
 * {@code ARC-Seal}): the tags in the order given, folded before a tag that would pass 78 columns
 * and inside long {@code h=} and {@code b=} values, {@code b=} last; then the signature over the
 * selected fields and the field with its {@code b=} still empty (relaxed), and the field again with
 * {@code b=} filled in. Folding happens before signing and only inside {@code b=} after it, so the
 * signed text is exactly what is sent.
 */
final class SignatureField {
  private static final int WIDTH = 76;

  private SignatureField() {}

  /** A tag and its value, written {@code name=value}. */
  record Tag(String name, String value) {}

  /** The signed field, CRLF-terminated. {@code tags} must not contain {@code b}. */
  static byte[] sign(
      String fieldName, List<Tag> tags, List<MessageFields.Field> selected, SigningKey key)
      throws GeneralSecurityException {
    StringBuilder out = new StringBuilder(512).append(fieldName).append(':');
    int column = out.length();
    for (Tag t : tags) {
      String text = " " + t.name() + "=" + t.value() + ";";
      if (t.name().equals("h") && column + text.length() > WIDTH) {
        out.append("\r\n\t");
        column = 1;
        text = "h=";
        for (String name : t.value().split(":", -1)) {
          String piece = (text.equals("h=") ? "" : ":") + name;
          if (column + text.length() + piece.length() > WIDTH) {
            out.append(text).append("\r\n\t");
            column = 1;
            text = "";
          }
          text += piece;
        }
        text += ";";
        out.append(text);
        column += text.length();
        continue;
      }
      if (column + text.length() > WIDTH) {
        out.append("\r\n\t");
        column = 1;
        text = text.substring(1);
      }
      out.append(text);
      column += text.length();
    }
    out.append("\r\n\tb=");
    byte[] unsigned = (out + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] data = SignedData.of(Canonicalization.RELAXED, selected, unsigned);
    String b = Base64.getEncoder().encodeToString(key.algorithm().sign(key.privateKey(), data));
    column = 3;
    for (int i = 0; i < b.length(); ) {
      int n = Math.min(WIDTH - column, b.length() - i);
      out.append(b, i, i + n);
      i += n;
      if (i < b.length()) {
        out.append("\r\n\t ");
        column = 2;
      }
    }
    return out.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }
}
