package org.fanmail.delivery;

import java.util.Locale;

/**
 * What a server said it supports in its EHLO reply. {@code size} 0 means no limit declared (or no
 * SIZE); {@code rcptMax} / {@code mailMax} 0 mean no RFC 9422 limit. HELO yields {@link #NONE}.
 */
public record EhloCapabilities(
    boolean pipelining,
    boolean startTls,
    boolean eightBitMime,
    boolean smtpUtf8,
    boolean sizeDeclared,
    long size,
    int rcptMax,
    int mailMax) {

  public static final EhloCapabilities NONE =
      new EhloCapabilities(false, false, false, false, false, 0, 0, 0);

  /** Parses the keyword lines of a 250 EHLO reply (the first line is the greeting). */
  public static EhloCapabilities parse(PeerReply reply) {
    boolean pipelining = false;
    boolean startTls = false;
    boolean eightBit = false;
    boolean utf8 = false;
    boolean sizeDeclared = false;
    long size = 0;
    int rcptMax = 0;
    int mailMax = 0;
    for (int i = 1; i < reply.lines().size(); i++) {
      String line = reply.lines().get(i);
      if (line.length() <= 4) {
        continue;
      }
      String[] words = line.substring(4).strip().split("\\s+");
      String keyword = words[0].toUpperCase(Locale.ROOT);
      switch (keyword) {
        case "PIPELINING" -> pipelining = true;
        case "STARTTLS" -> startTls = true;
        case "8BITMIME" -> eightBit = true;
        case "SMTPUTF8" -> utf8 = true;
        case "SIZE" -> {
          sizeDeclared = true;
          if (words.length > 1) {
            size = parseLong(words[1]);
          }
        }
        case "LIMITS" -> {
          for (int w = 1; w < words.length; w++) {
            String[] kv = words[w].split("=", 2);
            if (kv.length == 2) {
              if (kv[0].equalsIgnoreCase("RCPTMAX")) {
                rcptMax = (int) Math.min(Integer.MAX_VALUE, parseLong(kv[1]));
              } else if (kv[0].equalsIgnoreCase("MAILMAX")) {
                mailMax = (int) Math.min(Integer.MAX_VALUE, parseLong(kv[1]));
              }
            }
          }
        }
        default -> {}
      }
    }
    return new EhloCapabilities(
        pipelining, startTls, eightBit, utf8, sizeDeclared, size, rcptMax, mailMax);
  }

  private static long parseLong(String s) {
    try {
      return Math.max(0, Long.parseLong(s));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
