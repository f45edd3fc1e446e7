package org.fanmail.fanout;

import java.util.Set;

/**
 * The organizational domain of a From domain, where DMARC looks for a policy when the domain itself
 * publishes none (RFC 7489 §3.2). A heuristic, not the Public Suffix List: the last two labels
 * ({@code mail.example.org} → {@code example.org}), or the last three when the second-to-last is a
 * common second-level registry label under a two-letter country code ({@code news.bbc.co.uk} →
 * {@code bbc.co.uk}). A domain it gets wrong gets a policy look-up one level off: at worst a post
 * is mitigated that did not need it, or a subdomain's copies go out unmitigated (the list owner can
 * set {@code dmarcMitigateAlways}).
 */
public final class OrganizationalDomain {
  private static final Set<String> SECOND_LEVEL =
      Set.of("co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "nic");

  private OrganizationalDomain() {}

  /** The organizational domain of {@code domain} (lowercase, no trailing dot). */
  public static String of(String domain) {
    String[] labels = domain.split("\\.");
    int keep = 2;
    if (labels.length >= 3
        && labels[labels.length - 1].length() == 2
        && SECOND_LEVEL.contains(labels[labels.length - 2])) {
      keep = 3;
    }
    if (labels.length <= keep) {
      return domain;
    }
    return String.join(
        ".", java.util.Arrays.copyOfRange(labels, labels.length - keep, labels.length));
  }
}
