package org.fanmail.shaping;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A validated shaping file: the defaults and the provider profiles, and how a delivery's MX host
 * list becomes its site. A pure value: {@link Sites} swaps the whole policy on a reload.
 *
 * <p>The site of a host list is the name of the first profile one of whose MX suffixes matches one
 * of the hosts (so every domain hosted at Google, whatever its name, is the site {@code gmail});
 * otherwise the sorted set of the hosts themselves (two domains with the same MX set are one site;
 * a transport-map route, whose hosts are its own, is a site of its own); a destination with no
 * hosts yet (not resolved at expansion) is its own site.
 */
public record ShapingPolicy(SiteProfile defaults, List<SiteProfile> profiles) {
  /** A site key longer than this is cut (a domain with hundreds of MX hosts). */
  static final int MAX_KEY = 500;

  public ShapingPolicy {
    profiles = List.copyOf(profiles);
  }

  /** The profile of the sites matched by {@code hosts}: a provider's, else the defaults. */
  public SiteProfile profileFor(List<String> hosts) {
    for (SiteProfile p : profiles) {
      for (String h : hosts) {
        if (p.matchesHost(h)) {
          return p;
        }
      }
    }
    return defaults;
  }

  /** The profile of {@code name}, or the defaults. */
  public SiteProfile profileNamed(String name) {
    for (SiteProfile p : profiles) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return defaults;
  }

  /** The site key of a delivery to {@code destination} over {@code hosts} (see the class). */
  public String siteOf(String destination, List<String> hosts) {
    if (hosts.isEmpty()) {
      return destination.toLowerCase(Locale.ROOT);
    }
    SiteProfile p = profileFor(hosts);
    if (p != defaults) {
      return p.name();
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String h : hosts) {
      sorted.add(h.toLowerCase(Locale.ROOT));
    }
    String key = String.join(",", sorted);
    return key.length() <= MAX_KEY ? key : key.substring(0, MAX_KEY);
  }
}
