package org.fanmail.testing;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.fanmail.shaping.Site;
import org.fanmail.shaping.SiteProfile;

/** Sites of their own for tests of connection slots: a fresh key each, no reply rules. */
public final class TestSites {
  private TestSites() {}

  /**
   * A site keyed {@code prefix-<random>} of {@code connections} connections (its window starts
   * there), 100 recipients a transaction, {@code connectionsPerMinute} (0: no rate).
   */
  public static Site site(String prefix, int connections, int connectionsPerMinute) {
    SiteProfile p =
        new SiteProfile(
            "defaults",
            List.of(),
            connections,
            connections,
            0,
            100,
            0,
            connectionsPerMinute,
            0,
            Duration.ofMinutes(1),
            List.of());
    return new Site(prefix + "-" + UUID.randomUUID(), List.of(), p);
  }
}
