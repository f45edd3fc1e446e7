package org.fanmail.smtp;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply: a three-digit code, an RFC 3463 enhanced status code and one or more text lines.
 * Encoded as {@code code-text} continuation lines and a final {@code code text} line, each ending
 * in CRLF.
 *
 * @param enhanced the enhanced code, or {@code null} where RFC 5321 / RFC 2034 put the domain first
 *     (the 220 greeting, the HELO/EHLO reply) or the class has none (354)
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

  public SmtpReply(int code, String enhanced, String text) {
    this(code, enhanced, List.of(text));
  }

  /** The same reply with other text (code and enhanced code kept). */
  public SmtpReply withText(String text) {
    return new SmtpReply(code, enhanced, text);
  }

  /** True for 4xx and 5xx. */
  public boolean isError() {
    return code >= 400;
  }

  /** The bytes on the wire. */
  public Buffer encode() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (enhanced != null) {
        sb.append(enhanced).append(' ');
      }
      sb.append(lines.get(i)).append("\r\n");
    }
    return Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return code + (enhanced == null ? "" : " " + enhanced) + " " + String.join(" / ", lines);
  }
}
