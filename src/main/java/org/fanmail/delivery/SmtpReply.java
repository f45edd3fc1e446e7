package org.fanmail.delivery;

import java.util.List;

/**
 * One SMTP reply: its three-digit code and its lines as received (each still starting with the
 * code). {@link #text()} is the form kept in {@code last_reply}: the lines joined by a space.
 */
public record SmtpReply(int code, List<String> lines) {
  public SmtpReply {
    lines = List.copyOf(lines);
  }

  public boolean positive() {
    return code >= 200 && code < 300;
  }

  public boolean transientFailure() {
    return code >= 400 && code < 500;
  }

  public boolean permanentFailure() {
    return code >= 500;
  }

  /** {@code 550 5.1.1 no such user} (multi-line replies joined with a space). */
  public String text() {
    StringBuilder b = new StringBuilder();
    for (String line : lines) {
      if (b.length() > 0) {
        b.append(' ');
        b.append(line.length() > 4 ? line.substring(4) : "");
      } else {
        b.append(line.length() > 3 ? code + " " + line.substring(4) : String.valueOf(code));
      }
    }
    return b.toString().strip();
  }
}
