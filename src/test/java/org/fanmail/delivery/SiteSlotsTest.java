package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.fanmail.shaping.ConnectionSlots;
import org.fanmail.shaping.ConnectionSlots.Slot;
import org.fanmail.shaping.Site;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestSites;
import org.junit.jupiter.api.Test;

/**
 * A slot a runner gives back is kept by its instance for a while: the site's next runner of the
 * instance takes it again without a statement (its row untouched), a kept slot above the site's
 * limit now is not taken again, and a slot nobody took is freed in the table once its time is up.
 */
@QuarkusTest
class SiteSlotsTest {
  private static final long KEEP = 400;

  @Inject AgroalDataSource dataSource;
  @Inject ConnectionSlots slots;
  @Inject Vertx vertx;

  private static Site site(int connections) {
    return TestSites.site("keep", connections, 0);
  }

  private static Slot take(SiteSlots s, Site site) throws Exception {
    return s.take(site)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS)
        .orElseThrow(() -> new AssertionError("no slot"));
  }

  /** The row of {@code slot}: its holder (null: free) and when it was last written. */
  private Object[] row(Site site, int slot) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select owner_instance, updated_at from shaping_connection"
                    + " where site = ? and slot = ?")) {
      ps.setString(1, site.key());
      ps.setInt(2, slot);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "slot row " + slot + " of " + site.key());
        return new Object[] {rs.getString(1), rs.getTimestamp(2)};
      }
    }
  }

  @Test
  void aSlotGivenBackIsTakenAgainWithoutAStatementThenFreed() throws Exception {
    String owner = "keeper-" + UUID.randomUUID().toString().substring(0, 8);
    SiteSlots mine = new SiteSlots(vertx, slots, owner, KEEP);
    Site site = site(3);

    Slot first = take(mine, site);
    assertEquals(0, first.number());
    Object[] taken = row(site, 0);
    assertEquals(owner, taken[0]);

    mine.release(first).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(1, mine.keptOf(site.key()), "kept for the next runner");
    Slot again = take(mine, site);
    assertEquals(first, again, "the kept slot, not another");
    assertEquals(0, mine.keptOf(site.key()));
    Object[] after = row(site, 0);
    assertEquals(owner, after[0]);
    assertEquals((Timestamp) taken[1], (Timestamp) after[1], "no statement touched the row");

    mine.release(again).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertTrue(
        Await.until(Duration.ofSeconds(30), () -> unchecked(() -> row(site, 0)[0] == null)),
        "freed in the table once nobody took it");
    assertEquals(0, mine.keptOf(site.key()));
  }

  @Test
  void aKeptSlotAboveTheLimitNowIsNotTakenAgain() throws Exception {
    String owner = "keeper-" + UUID.randomUUID().toString().substring(0, 8);
    SiteSlots mine = new SiteSlots(vertx, slots, owner, 60_000);
    Site site = site(1);
    // A slot numbered 2 kept from when the site's window was wider.
    mine.release(new Slot(site.key(), 2))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    Slot s = take(mine, site);
    assertEquals(0, s.number(), "a slot below the limit of 1, from the table");
    assertEquals(1, mine.keptOf(site.key()), "slot 2 stays kept until its time is up");
  }

  private interface Check {
    boolean get() throws Exception;
  }

  private static boolean unchecked(Check c) {
    try {
      return c.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
