package org.fanmail.tlspolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One domain's MTA-STS policy (RFC 8461 section 3.2), parsed from the text fetched over HTTPS:
 * {@code version: STSv1}, {@code mode} (enforce, testing, none), {@code max_age} (seconds, at most
 * 31,557,600) and the {@code mx} patterns. Unknown keys are ignored; a policy without version, mode
 * or max_age, with a value out of range, without {@code mx} in enforce or testing mode, or with
 * more than {@value #MAX_MX} patterns is refused ({@link IllegalArgumentException}: the fetch
 * failed).
 */
public record MtaStsPolicy(Mode mode, List<String> mx, Duration maxAge) {
  static final int MAX_MX = 100;
  static final long MAX_AGE_SECONDS = 31_557_600;

  /** The policy modes of RFC 8461. */
  public enum Mode {
    ENFORCE,
    TESTING,
    NONE
  }

  public MtaStsPolicy {
    mx = List.copyOf(mx);
  }

  /** Parses a policy body (lines end with LF or CRLF). */
  static MtaStsPolicy parse(String body) {
    String version = null;
    Mode mode = null;
    Long maxAge = null;
    List<String> mx = new ArrayList<>();
    for (String line : body.split("\n", -1)) {
      String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      int colon = l.indexOf(':');
      if (l.isBlank() || colon <= 0) {
        continue;
      }
      String key = l.substring(0, colon).trim();
      String value = l.substring(colon + 1).trim();
      switch (key) {
        case "version" -> version = value;
        case "mode" -> mode = mode(value);
        case "max_age" -> maxAge = maxAge(value);
        case "mx" -> {
          if (mx.size() >= MAX_MX) {
            throw new IllegalArgumentException("more than " + MAX_MX + " mx patterns");
          }
          mx.add(value.toLowerCase(Locale.ROOT));
        }
        default -> {
          // RFC 8461 section 3.2: unknown fields are ignored.
        }
      }
    }
    if (!"STSv1".equals(version)) {
      throw new IllegalArgumentException("no \"version: STSv1\"");
    }
    if (mode == null || maxAge == null) {
      throw new IllegalArgumentException("mode or max_age missing");
    }
    if (mode != Mode.NONE && mx.isEmpty()) {
      throw new IllegalArgumentException("no mx pattern in mode " + mode);
    }
    return new MtaStsPolicy(mode, mx, Duration.ofSeconds(maxAge));
  }

  /** Whether {@code host} matches one of the policy's mx patterns. */
  public boolean allows(String host) {
    for (String p : mx) {
      if (CertificateNames.patternMatches(p, host)) {
        return true;
      }
    }
    return false;
  }

  private static Mode mode(String value) {
    return switch (value) {
      case "enforce" -> Mode.ENFORCE;
      case "testing" -> Mode.TESTING;
      case "none" -> Mode.NONE;
      default -> throw new IllegalArgumentException("unknown mode " + value);
    };
  }

  private static long maxAge(String value) {
    if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) > MAX_AGE_SECONDS) {
      throw new IllegalArgumentException("max_age out of range: " + value);
    }
    return Long.parseLong(value);
  }
}
