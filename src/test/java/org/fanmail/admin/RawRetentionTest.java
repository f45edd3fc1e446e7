package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fanmail.queue.RawRetention;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * Raw-bytes retention on the real database: past {@code fanmail.retention.raw} (30 days by default)
 * the bytes of finished posts are purged, requests and refused posts always, delivered posts only
 * when the list's archive is off; posts in flight and recent posts keep theirs. A purged post
 * answers 410 on its raw view and is left out of the mbox export; the rest of the row stays.
 */
@QuarkusTest
class RawRetentionTest {
  @Inject AgroalDataSource dataSource;
  @Inject RawRetention retention;

  @Test
  void finishedPostsLoseTheirBytesAfterTheRetentionInFlightOnesNever() throws SQLException {
    TestMail rows = new TestMail(dataSource);
    String kept = createList("keeps");
    String dropped = createList("drops");
    setArchive(dropped, false);
    Map<String, Long> ids = new LinkedHashMap<>();
    for (String state :
        new String[] {
          "DONE", "DISCARDED", "REJECTED", "RECEIVED", "ACCEPTED", "HELD", "DELIVERING", "PARKED"
        }) {
      ids.put("kept " + state, post(rows, kept, state, 31));
      ids.put("dropped " + state, post(rows, dropped, state, 31));
    }
    ids.put("dropped recent DONE", post(rows, dropped, "DONE", 29));
    long request = post(rows, kept, "DONE", 31);
    setPurpose(request, "REQUEST");

    assertTrue(retention.purge() >= 5);

    for (Map.Entry<String, Long> e : ids.entrySet()) {
      String name = e.getKey();
      boolean purged =
          name.equals("kept DISCARDED")
              || name.equals("kept REJECTED")
              || name.equals("dropped DONE")
              || name.equals("dropped DISCARDED")
              || name.equals("dropped REJECTED");
      assertEquals(purged, purgedAt(e.getValue()) != null, name);
      assertEquals(purged ? 0 : bytes().length, rawLength(e.getValue()), name);
    }
    assertNotNull(purgedAt(request), "a finished request is never archived");
    assertEquals(0, retention.purge(), "nothing left to purge");

    long purged = ids.get("dropped DONE");
    api()
        .get("/api/posts/" + purged + "/raw")
        .then()
        .statusCode(410)
        .contentType("application/problem+json");
    api().get("/api/posts/" + purged).then().statusCode(200);
    byte[] whole =
        api()
            .get("/api/posts/" + ids.get("kept DONE") + "/raw")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertArrayEquals(bytes(), whole);
    String mbox =
        api()
            .get("/api/lists/" + dropped + "/archive.mbox")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    // ACCEPTED, DELIVERING and the recent DONE; not the purged DONE.
    assertEquals(3, mbox.lines().filter(l -> l.startsWith("From s@example.test ")).count(), mbox);
  }

  /**
   * Archive pages that readers may open keep their posts: a list whose {@code archive} is PUBLIC or
   * MEMBERS keeps its delivered and imported (ARCHIVED) posts' bytes even with {@code
   * mailing_list.archive} off; a PRIVATE one with it off loses both.
   */
  @Test
  void shownArchivesKeepDeliveredAndImportedPosts() throws SQLException {
    TestMail rows = new TestMail(dataSource);
    String shown =
        createList(org.fanmail.testing.AdminApi.uniqueAddress("shown"), "\"archive\":\"MEMBERS\"");
    String hidden =
        createList(org.fanmail.testing.AdminApi.uniqueAddress("hidden"), "\"archive\":\"PRIVATE\"");
    setArchive(shown, false);
    setArchive(hidden, false);
    Map<String, Long> ids = new LinkedHashMap<>();
    for (String list : new String[] {shown, hidden}) {
      String name = list.equals(shown) ? "shown" : "hidden";
      ids.put(name + " POST", post(rows, list, "DONE", 31));
      long imported = post(rows, list, "DONE", 31);
      setPurpose(imported, "ARCHIVED");
      ids.put(name + " ARCHIVED", imported);
      long refused = post(rows, list, "REJECTED", 31);
      ids.put(name + " REJECTED", refused);
    }

    retention.purge();

    for (Map.Entry<String, Long> e : ids.entrySet()) {
      boolean purged = e.getKey().startsWith("hidden") || e.getKey().endsWith("REJECTED");
      assertEquals(purged, purgedAt(e.getValue()) != null, e.getKey());
    }
  }

  private static byte[] bytes() {
    return "Subject: kept\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
  }

  /** A post whose last state change was {@code days} ago. */
  private long post(TestMail rows, String list, String state, int days) throws SQLException {
    long id =
        rows.post(list, state, "s@example.test", "s@example.test", "s", bytes(), Instant.now());
    update("update post set updated_at = now() - make_interval(days => ?) where id = ?", days, id);
    return id;
  }

  private void setArchive(String list, boolean on) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("update mailing_list set archive = ? where address = ?")) {
      ps.setBoolean(1, on);
      ps.setString(2, list);
      assertEquals(1, ps.executeUpdate());
    }
  }

  private void setPurpose(long id, String purpose) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("update post set purpose = ? where id = ?")) {
      ps.setString(1, purpose);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  private void update(String sql, int days, long id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, days);
      ps.setLong(2, id);
      assertEquals(1, ps.executeUpdate());
    }
  }

  private Instant purgedAt(long id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select raw_purged_at from post where id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant();
      }
    }
  }

  private int rawLength(long id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select length(raw) from post where id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
