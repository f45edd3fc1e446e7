package org.fanmail.fanout;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A DMARC policy record (RFC 7489 §6.3) as far as a list needs it: the requested policy {@code p}
 * and the subdomain policy {@code sp}.
 *
 * <p>Parsing follows §6.6.3: the record must start with the tag {@code v=DMARC1} (exactly that
 * value); tags are {@code name=value} pairs separated by {@code ;}, names case-insensitive, white
 * space around them ignored. A missing or unknown {@code p} makes the record invalid unless it has
 * an {@code rua} tag, in which case it counts as {@code p=none}; an unknown {@code sp} is ignored
 * ({@code p} applies). {@code pct} is not read: a list mitigates for any share.
 *
 * @param policy {@code p}
 * @param subdomainPolicy {@code sp}, or null when absent or invalid
 */
public record DmarcRecord(Policy policy, Policy subdomainPolicy) {

  /** The requested handling of failing mail. */
  public enum Policy {
    NONE,
    QUARANTINE,
    REJECT;

    /** True when receivers are asked to quarantine or reject failing mail. */
    public boolean strict() {
      return this != NONE;
    }

    static Policy of(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "none" -> NONE;
        case "quarantine" -> QUARANTINE;
        case "reject" -> REJECT;
        default -> null;
      };
    }
  }

  /** True when {@code txt} is meant as a DMARC record (its first tag is {@code v=DMARC1}). */
  public static boolean isDmarc(String txt) {
    int semi = txt.indexOf(';');
    String first = semi < 0 ? txt : txt.substring(0, semi);
    int eq = first.indexOf('=');
    return eq > 0
        && first.substring(0, eq).strip().equalsIgnoreCase("v")
        && first.substring(eq + 1).strip().equals("DMARC1");
  }

  /** The record in {@code txt}; empty when it is no DMARC record or an invalid one. */
  public static Optional<DmarcRecord> parse(String txt) {
    if (!isDmarc(txt)) {
      return Optional.empty();
    }
    Map<String, String> tags = tags(txt);
    Policy p = tags.containsKey("p") ? Policy.of(tags.get("p")) : null;
    if (p == null) {
      if (!tags.containsKey("rua")) {
        return Optional.empty();
      }
      p = Policy.NONE;
    }
    Policy sp = tags.containsKey("sp") ? Policy.of(tags.get("sp")) : null;
    return Optional.of(new DmarcRecord(p, sp));
  }

  /**
   * The tags of {@code txt}, names lowercased, values stripped, the first of a repeated name kept:
   * for readers of tags this record does not hold (inbound DMARC reads {@code adkim} and {@code
   * aspf}).
   */
  public static Map<String, String> tags(String txt) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String part : txt.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        tags.putIfAbsent(
            part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
      }
    }
    return tags;
  }

  /** The policy for mail from a subdomain of the domain this record was found at. */
  public Policy forSubdomain() {
    return subdomainPolicy == null ? policy : subdomainPolicy;
  }
}
