package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.Test;

/**
 * A change of a list or member writes the settings it changes and nothing else: a column another
 * transaction wrote meanwhile (a member's bounce score, another setting of the list) survives it,
 * and a change that changes nothing writes no row at all ({@code updated_at} stays).
 */
@QuarkusTest
class ChangeWritesTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void aMemberChangeKeepsTheBounceScoreScoredMeanwhile() throws Exception {
    String list = createList("writes-member");
    String member = "/api/lists/" + list + "/members/scored@example.org";
    api()
        .body("{\"email\":\"scored@example.org\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201);
    ExtractableResponse<Response> answer;
    try (Connection scoring = dataSource.getConnection()) {
      scoring.setAutoCommit(false);
      update(
          scoring,
          "update member set bounce_score = 7, last_bounce_at = now()"
              + " where email_key = 'scored@example.org'"
              + " and list_id = (select id from mailing_list where address = ?)",
          list);
      answer =
          whileHeld(
              scoring, () -> api().body("{\"name\":\"Scored\"}").patch(member).then().extract());
    }
    assertEquals(200, answer.statusCode(), answer.asString());
    assertEquals("Scored", answer.path("name"));
    assertEquals(7, (int) answer.path("bounceScore"));
    api().get(member).then().statusCode(200).body("bounceScore", equalTo(7));
  }

  @Test
  void aListChangeKeepsASettingChangedMeanwhile() throws Exception {
    String list = createList("writes-list");
    ExtractableResponse<Response> answer;
    try (Connection other = dataSource.getConnection()) {
      other.setAutoCommit(false);
      update(
          other, "update mailing_list set description = 'from elsewhere' where address = ?", list);
      answer =
          whileHeld(
              other,
              () ->
                  api()
                      .body("{\"name\":\"Renamed\"}")
                      .patch("/api/lists/" + list)
                      .then()
                      .extract());
    }
    assertEquals(200, answer.statusCode(), answer.asString());
    api()
        .get("/api/lists/" + list)
        .then()
        .statusCode(200)
        .body("name", equalTo("Renamed"))
        .body("description", equalTo("from elsewhere"));
  }

  @Test
  void aChangeThatChangesNothingWritesNoRow() throws Exception {
    String list = createList("writes-nothing");
    String member = "/api/lists/" + list + "/members/same@example.org";
    api()
        .body("{\"email\":\"same@example.org\",\"name\":\"Same\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201);
    String listRow = "select xmin::text || updated_at::text from mailing_list where address = ?";
    String memberRow =
        "select m.xmin::text || m.updated_at::text from member m join mailing_list l"
            + " on l.id = m.list_id where l.address = ?";
    String listBefore = row(listRow, list);
    String memberBefore = row(memberRow, list);

    api()
        .body(
            "{\"name\":\""
                + list.substring(0, list.indexOf('@'))
                + "\",\"postingPolicy\":\"MEMBERS\"}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(200);
    api()
        .body("{\"name\":\"Same\",\"deliveryMode\":\"REGULAR\",\"receiveOwnPosts\":true}")
        .patch(member)
        .then()
        .statusCode(200);
    assertEquals(listBefore, row(listRow, list));
    assertEquals(memberBefore, row(memberRow, list));

    api().body("{\"postingPolicy\":\"OPEN\"}").patch("/api/lists/" + list).then().statusCode(200);
    api().body("{\"name\":\"Other\"}").patch(member).then().statusCode(200);
    assertNotEquals(listBefore, row(listRow, list));
    assertNotEquals(memberBefore, row(memberRow, list));
  }

  /**
   * Sends {@code request}, waits until it waits on the lock of {@code holder}'s uncommitted write,
   * commits that write and returns the answer.
   */
  private ExtractableResponse<Response> whileHeld(
      Connection holder, java.util.function.Supplier<ExtractableResponse<Response>> request)
      throws Exception {
    CompletableFuture<ExtractableResponse<Response>> sent = CompletableFuture.supplyAsync(request);
    assertTrue(
        Await.until(Duration.ofSeconds(20), () -> waitingOnALock() == 1),
        "the change waits for the other transaction");
    holder.commit();
    return sent.get(20, TimeUnit.SECONDS);
  }

  private long waitingOnALock() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                    + " and (query like '%from member%' or query like '%from mailing_list%'"
                    + " or query like 'update member%' or query like 'update mailing_list%')");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(Connection c, String sql, String address) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, address);
      assertEquals(1, ps.executeUpdate());
    }
  }

  private String row(String sql, String address) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, address);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), sql);
        return rs.getString(1);
      }
    }
  }
}
