package org.fanmail.shaping;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reply as the shaping rules see it: the code and enhanced code found in a recorded reply text
 * ({@code 421 4.7.0 Try again later}), or inside one of fanmail's own reasons that quote a peer
 * ({@code 4.4.1 mx.example greeted with 421 4.7.0 ...}). Code 0 and a null enhanced code when the
 * text names none (a refused connection, a timeout).
 */
public record Reply(int code, String enhanced, String text) {
  private static final Pattern CODE =
      Pattern.compile("(?<![0-9.])([245][0-9][0-9])(?:[ -]+([245]\\.[0-9]{1,3}\\.[0-9]{1,3}))?");

  /** The reply that {@code text} is or quotes. */
  public static Reply parse(String text) {
    if (text == null) {
      return new Reply(0, null, "");
    }
    Matcher m = CODE.matcher(text);
    // A bare enhanced code at the start (fanmail's own "4.4.1 ...") is no reply code: skip it.
    while (m.find()) {
      int end = m.end(1);
      if (end < text.length() && text.charAt(end) == '.') {
        continue;
      }
      return new Reply(Integer.parseInt(m.group(1)), m.group(2), text);
    }
    return new Reply(0, null, text);
  }

  /** A 4xx reply. */
  public boolean transientFailure() {
    return code >= 400 && code < 500;
  }
}
